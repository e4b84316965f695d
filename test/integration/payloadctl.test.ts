/** The real payloadctl binary (through tsx): exit codes, streams and output formats. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
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
});
