/**
 * `payloadctl dev`: starts the cluster, its registry, builds and Jobs with the given options, prints
 * how to use them (kubectl, the operator command line, the registry), stops on the signal.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { devCommand } from "../../../src/cli/dev-command.js";
import { startDevCluster } from "../../../src/devcluster/dev-cluster.js";

describe("payloadctl dev", () => {
  it("writes the kubeconfig, prints the export line, the registry and the operator command, serves until stopped", async () => {
    const dir = await mkdtemp(join(tmpdir(), "dev-command-"));
    const out: string[] = [];
    let served = 0;
    let registryServed = 0;
    let envFile = "";
    try {
      const command = devCommand({
        io: {
          stdout: { write: (t: string) => out.push(t) },
          stderr: { write: () => true },
          readStdin: async () => "",
          setExitCode: () => undefined,
        },
        start: startDevCluster,
        waitForStop: async () => {
          const config = await readFile(join(dir, "kc"), "utf8");
          const server = /server: (\S+)/.exec(config)?.[1] ?? "";
          served = (await fetch(`${server}/api/v1/namespaces/default`)).status;
          const registry = /integrated registry: +(\S+)/.exec(out.join(""))?.[1] ?? "";
          registryServed = (await fetch(`http://${registry}/v2/`)).status;
          envFile = await readFile(join(dir, "dev.env"), "utf8");
          return "test";
        },
      });
      await command.parseAsync(
        ["--kubeconfig", join(dir, "kc"), "--data", join(dir, "data"), "--write-env", join(dir, "dev.env")],
        { from: "user" },
      );
      const text = out.join("");
      expect(text).toContain(`export KUBECONFIG=${join(dir, "kc")}`);
      expect(text).toMatch(/dev cluster: +http:\/\/127\.0\.0\.1:\d+ \(objects and images kept in /);
      expect(text).toMatch(
        new RegExp(
          `npx payloadctl operator --kubeconfig ${join(dir, "kc")} --insecure-registry 127\\.0\\.0\\.1:\\d+\n`,
        ),
      );
      expect(text).toContain("runs no pod here");
      expect(text).toContain("dev cluster stopped (test)");
      expect(served).toBe(200);
      expect(registryServed).toBe(200);
      // --write-env: sourced by a shell while the cluster runs, removed when it stops.
      const registry = /integrated registry: +(\S+)/.exec(out.join(""))?.[1] ?? "";
      expect(envFile).toContain(`export KUBECONFIG='${join(dir, "kc")}'\n`);
      expect(envFile).toContain(`export REGISTRY='${registry}'\n`);
      await expect(readFile(join(dir, "dev.env"), "utf8")).rejects.toThrow(/ENOENT/);
      expect(JSON.parse(await readFile(join(dir, "data", "objects.json"), "utf8"))).toHaveProperty(
        "resourceVersion",
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("rejects a port that is not a number", async () => {
    const command = devCommand()
      .exitOverride()
      .configureOutput({ writeErr: () => undefined });
    await expect(command.parseAsync(["--port", "http"], { from: "user" })).rejects.toThrow(
      /expected a port number/,
    );
  });
});
