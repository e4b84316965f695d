import { describe, expect, it } from "vitest";
import {
  OPERATOR_ENVIRONMENT,
  operatorCommand,
  operatorConfigFromFlags,
  watchNamespaceOf,
} from "../../../src/cli/operator-command.js";

const base = { metricsAddr: "off", logLevel: "info" };

describe("payloadctl operator configuration from flags and environment", () => {
  it("watches every namespace unless WATCH_NAMESPACE or --namespace names one (the flag wins)", () => {
    expect(operatorConfigFromFlags(base, {}).namespace).toBeUndefined();
    expect(operatorConfigFromFlags(base, { WATCH_NAMESPACE: "" }).namespace).toBeUndefined();
    expect(operatorConfigFromFlags(base, { WATCH_NAMESPACE: "okd-build" }).namespace).toBe("okd-build");
    expect(
      operatorConfigFromFlags({ ...base, namespace: "mine" }, { WATCH_NAMESPACE: "okd-build" }).namespace,
    ).toBe("mine");
  });

  it("reads release components ahead unless --no-release-read-ahead", () => {
    const parse = (...args: string[]) => {
      let flags: Record<string, unknown> = {};
      operatorCommand()
        .exitOverride()
        .action((f: Record<string, unknown>) => {
          flags = f;
        })
        .parse(["node", "operator", ...args]);
      return operatorConfigFromFlags(flags as typeof base, {});
    };
    expect(parse().releaseReadAhead).toBeUndefined(); // the controller's default: on
    expect(parse("--no-release-read-ahead").releaseReadAhead).toBe(false);
  });

  it("refuses several namespaces (OLM MultiNamespace) and bad names, naming the source", () => {
    expect(() => watchNamespaceOf(undefined, "a,b")).toThrow(
      /WATCH_NAMESPACE "a,b": the operator watches one namespace or all of them/,
    );
    expect(() => watchNamespaceOf("Okd_Build", undefined)).toThrow(
      /--namespace "Okd_Build": must be a namespace name/,
    );
    expect(() => watchNamespaceOf(undefined, "x".repeat(64))).toThrow(/WATCH_NAMESPACE/);
  });

  it("puts the leader election Lease in POD_NAMESPACE unless --leader-election-namespace says otherwise", () => {
    expect(operatorConfigFromFlags(base, {}).leaderElectionNamespace).toBeUndefined();
    expect(
      operatorConfigFromFlags(base, {
        POD_NAMESPACE: "okd-payload-operator-system",
        WATCH_NAMESPACE: "okd-build",
      }),
    ).toMatchObject({ namespace: "okd-build", leaderElectionNamespace: "okd-payload-operator-system" });
    expect(
      operatorConfigFromFlags({ ...base, leaderElectionNamespace: "leases" }, { POD_NAMESPACE: "ops" })
        .leaderElectionNamespace,
    ).toBe("leases");
  });

  it("--web-git-hosts lists the changelog's git hosts; none alone turns it off; a URL is refused", () => {
    expect(operatorConfigFromFlags({ ...base }, {}).webGitHosts).toBeUndefined();
    expect(
      operatorConfigFromFlags({ ...base, webGitHosts: ["github.com", "git.internal:8443"] }, {}).webGitHosts,
    ).toEqual(["github.com", "git.internal:8443"]);
    expect(operatorConfigFromFlags({ ...base, webGitHosts: ["none"] }, {}).webGitHosts).toEqual([]);
    expect(() => operatorConfigFromFlags({ ...base, webGitHosts: ["https://github.com"] }, {})).toThrow(
      '--web-git-hosts "https://github.com": must be a host or host:port',
    );
  });

  it("serves the web UI only with --web-addr, at that address; a malformed one is named", () => {
    expect(operatorConfigFromFlags(base, {}).web).toBeUndefined();
    expect(operatorConfigFromFlags({ ...base, webAddr: "127.0.0.1:8090" }, {}).web).toEqual({
      host: "127.0.0.1",
      port: 8090,
    });
    expect(operatorConfigFromFlags({ ...base, webAddr: "off" }, {}).web).toBeUndefined();
    expect(() => operatorConfigFromFlags({ ...base, webAddr: "localhost:http" }, {})).toThrow(
      /"localhost:http" must be HOST:PORT/,
    );
  });

  it("--help documents every option and every environment variable it reads", () => {
    const command = operatorCommand();
    const help = command.helpInformation() + renderedAfterHelp(command);
    for (const option of command.options) {
      expect(option.description, option.flags).not.toBe("");
      expect(help).toContain(option.long ?? option.flags);
    }
    for (const variable of OPERATOR_ENVIRONMENT) expect(help).toContain(variable.name);
    expect(help).toMatch(/WATCH_NAMESPACE\s+the one namespace to watch/);
  });
});

/** The text `addHelpText("after", ...)` prints after the options. */
function renderedAfterHelp(command: ReturnType<typeof operatorCommand>): string {
  let text = "";
  command.configureOutput({ writeOut: (s) => (text += s), writeErr: (s) => (text += s) });
  command.exitOverride();
  try {
    command.parse(["node", "operator", "--help"]);
  } catch {
    // commander throws (exitOverride) after printing the help
  }
  return text;
}
