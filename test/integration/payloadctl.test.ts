/** The real payloadctl binary (through tsx): exit codes, streams and output formats. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "../..");
const sample = join(root, "config/samples/payloadbuild.yaml");

function payloadctl(args: string[], input?: string) {
  const result = spawnSync(
    join(root, "node_modules/.bin/tsx"),
    [join(root, "src/cli/payloadctl.ts"), ...args],
    {
      cwd: root,
      encoding: "utf8",
      ...(input === undefined ? {} : { input }),
    },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each spawn starts tsx and compiles the CLI: allow for a loaded machine.
describe("payloadctl", { timeout: 120_000 }, () => {
  it("validate: exit 0 on the samples, exit 1 listing every problem with file and field", () => {
    expect(payloadctl(["validate", "-f", sample])).toMatchObject({
      code: 0,
      stdout: expect.stringContaining("is valid (25 components)"),
    });
    const dir = mkdtempSync(join(tmpdir(), "payloadctl-"));
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      [
        "apiVersion: payload.okd.io/v1alpha1",
        "kind: PayloadBuild",
        "metadata: {name: bad}",
        "spec:",
        "  imageStream: release",
        "  components:",
        "    - {name: a, from: b, source: {git: {uri: https://github.com/x/a}}}",
        "    - {name: b, from: a, source: {git: {uri: https://github.com/x/b}}}",
        "    - {name: c, from: 'not a pullspec', source: {git: {uri: https://github.com/x/c}}}",
      ].join("\n"),
    );
    const result = payloadctl(["validate", "-f", bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${bad}: spec.components[0]: dependency cycle: a -> b -> a`);
    expect(result.stderr).toContain(
      `${bad}: spec.components[2].from: not a component name and not a valid image pullspec`,
    );
    expect(result.stderr).toContain("2 problems found");
  });

  it("plan -o json and simulate -o json report the plan and the makespan against the lower bound", () => {
    const plan = JSON.parse(
      payloadctl(["plan", "-f", sample, "-o", "json", "--concurrency", "4"]).stdout,
    ) as {
      concurrency: number;
      levels: string[][];
      criticalPath: string[];
    };
    expect(plan.concurrency).toBe(4);
    expect(plan.levels[0]).toEqual(["base", "builder", "forked-dockerfiles", "kuryr-cni"]);
    expect(plan.criticalPath.slice(0, 2)).toEqual(["base", "cli"]);
    const simulation = JSON.parse(
      payloadctl(["simulate", "-f", sample, "--concurrency", "8", "--seed", "7", "-o", "json"]).stdout,
    ) as { makespanSeconds: number; lowerBoundSeconds: number; ratio: number };
    expect(simulation.makespanSeconds).toBeGreaterThanOrEqual(simulation.lowerBoundSeconds);
    expect(simulation.ratio).toBeCloseTo(simulation.makespanSeconds / simulation.lowerBoundSeconds, 9);
  });

  it("plan -o mermaid highlights the critical path; import-buildconfigs reads stdin", () => {
    const mermaid = payloadctl(["plan", "-f", sample, "-o", "mermaid"]).stdout;
    expect(mermaid).toMatch(/^flowchart LR/);
    expect(mermaid).toMatch(/class .* critical/);
    const bc = [
      "apiVersion: build.openshift.io/v1",
      "kind: BuildConfig",
      "metadata: {name: tests}",
      "spec:",
      "  source: {git: {uri: https://github.com/openshift/origin}}",
      "  strategy: {dockerStrategy: {from: {kind: ImageStreamTag, name: 'release:tools'}}}",
      "  output: {to: {kind: ImageStreamTag, name: 'release:tests'}}",
    ].join("\n");
    const imported = payloadctl(["import-buildconfigs", "-"], bc);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("kind: PayloadBuild");
    expect(imported.stdout).toContain("from: tools # UNRESOLVED");
    expect(imported.stderr).toContain("tests: release:tools: nothing outputs release:tools");
  });

  it("says what is wrong and what to do: version, YAML line with a caret, unreachable cluster, flags checked first", async () => {
    expect(payloadctl(["--version"]).stdout).toMatch(/^payloadctl \d+\.\d+\.\d+ \(Node\.js v24\./);
    const dir = mkdtempSync(join(tmpdir(), "payloadctl-"));
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "kind: PayloadBuild\nmetadata:\n  name: x\n   bad: [1\n");
    const yaml = payloadctl(["validate", "-f", bad]);
    expect(yaml.code).toBe(1);
    expect(yaml.stderr).toContain(`${bad}:3:9: invalid YAML/JSON: Nested mappings are not allowed`);
    expect(yaml.stderr).toContain("  3 |   name: x\n    |         ^\n");
    // A port that was free a moment ago: nothing listens there.
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const port = (server.address() as AddressInfo).port;
    await new Promise((done) => server.close(done));
    const kubeconfig = join(dir, "kubeconfig");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        `clusters: [{name: c, cluster: {server: 'http://127.0.0.1:${port}', insecure-skip-tls-verify: true}}]`,
        "users: [{name: u, user: {}}]",
        "contexts: [{name: x, context: {cluster: c, user: u}}]",
        "current-context: x",
      ].join("\n"),
    );
    const down = payloadctl(["status", "okd-scos-4-17", "-n", "okd-build", "--kubeconfig", kubeconfig]);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach http://127.0.0.1:${port}: connection refused`);
    const to = payloadctl(["demo", "--to", "quay.io/me/release"]);
    expect(to.code).toBe(1);
    expect(to.stderr).toContain(
      "must be docker://REGISTRY/REPOSITORY[:TAG], e.g. docker://quay.io/me/release",
    );
    expect(to.stdout).toBe("");
    const plan = payloadctl(["plan", "-f", sample]).stdout;
    expect(plan).toContain("No schedule can finish sooner than 4.5 builds at concurrency 8, the largest of:");
    expect(plan).toContain("building up to cli, then everything that needs cli on 8 slots: 4.5 builds");
  });

  it("import-buildconfigs --namespace --release-name --to writes a PayloadBuild that validates as is", () => {
    const examples = join(root, "docs/examples/okd-payload-pipeline-buildconfigs.yaml");
    const args = ["import-buildconfigs", examples, "--fix", "--namespace", "okd-build"];
    const release = [
      "--release-name",
      "4.17.0-0.okd-scos-2026-11-21-120000",
      "--to",
      "docker://quay.io/me/okd",
    ];
    const imported = payloadctl([...args, ...release]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain("  namespace: okd-build\n");
    expect(imported.stdout).toMatch(
      /release:\n {4}name: 4\.17\.0-0\.okd-scos-2026-11-21-120000\n {4}to: docker:\/\/quay\.io\/me\/okd/,
    );
    expect(imported.stderr).not.toContain("not yet applicable");
    expect(imported.stdout).toContain('SKIP_RPM_BUILD: "yes"'); // a boolean to kubectl's YAML 1.1 unquoted
    expect(payloadctl(["validate", "-f", "-"], imported.stdout)).toMatchObject({ code: 0 });
    expect(payloadctl(args).stderr).toContain("not yet applicable as is: add --release-name NAME --to DEST");
    expect(payloadctl([...args, "--to", "docker://quay.io/me/okd"]).stderr).toContain(
      "--release-name and --to go together",
    );
  });
});
