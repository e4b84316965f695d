/**
 * Real data: the okd-payload-pipeline BuildConfigs, rendered by `kubectl kustomize` (which applies
 * the pipeline's builder/cli injection patches), imported and planned.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { beforeAll, beforeEach, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { parsePayloadBuild } from "../../src/api/index.js";
import {
  applySuggestedFixes,
  importBuildConfigs,
  planPayload,
  validatePayloadSpec,
} from "../../src/payload-build/index.js";
import { describeWithTools } from "../support/required-tool.js";

/** `$OKD_PIPELINE_BUILDCONFIGS`, else ../shared's copy of the pipeline's BuildConfigs. */
const fixture =
  process.env["OKD_PIPELINE_BUILDCONFIGS"] ??
  resolve(import.meta.dirname, "../../../shared/fixtures/okd-payload-pipeline/buildconfigs");
/** The pipeline's BuildConfigs live beside the repository (../shared), not in it: skip without them. */
const hasFixture = existsSync(fixture);

describeWithTools(["kubectl"])("import-buildconfigs on okd-payload-pipeline", () => {
  let result: ReturnType<typeof importBuildConfigs>;
  beforeAll(() => {
    if (!hasFixture) return;
    const rendered = execFileSync("kubectl", ["kustomize", fixture], {
      encoding: "utf8",
      maxBuffer: 64 << 20,
    });
    result = importBuildConfigs(parseAllDocuments(rendered).map((doc) => doc.toJS() as unknown));
  });
  beforeEach((context) => {
    if (!hasFixture)
      context.skip(`${fixture} is absent (the okd-payload-pipeline BuildConfigs from ../shared)`);
  });

  it("reports the missing release:ovn-kubernetes and how to fix it", () => {
    expect(result.unresolved).toHaveLength(1);
    expect(result.unresolved[0]).toMatchObject({
      component: "network-tools",
      reference: "release:ovn-kubernetes",
      suggestion: "ovn-kubernetes-rhel-9",
    });
    expect(result.unresolved[0]?.fix).toMatch(/Change this reference to ovn-kubernetes-rhel-9/);
  });

  it("plans base, builder and forked-dockerfiles before cli, cli before the operators, ovn-kubernetes after its base", () => {
    // Apply the suggested fix, as a user would (import-buildconfigs --fix), then validate and plan.
    const input = applySuggestedFixes(result);
    expect(input.spec.components.find((c) => c.name === "network-tools")?.inputs?.[0]?.from).toBe(
      "ovn-kubernetes-rhel-9",
    );
    const parsed = parsePayloadBuild(input);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const validation = validatePayloadSpec(parsed.value.spec);
    expect(validation.problems).toEqual([]);
    const plan = planPayload(validation.graph, 8);
    const level = new Map(plan.components.map((c) => [c.name, c.level]));
    const at = (name: string): number => level.get(name) ?? Number.NaN;
    for (const infra of ["base", "builder", "forked-dockerfiles"]) expect(at(infra)).toBeLessThan(at("cli"));
    const prebuilt = new Set(input.spec.components.filter((c) => c.image !== undefined).map((c) => c.name));
    const operators = plan.components
      .filter((c) => c.name.endsWith("-operator") && !prebuilt.has(c.name))
      .map((c) => c.name);
    expect(operators.length).toBeGreaterThanOrEqual(8);
    for (const operator of operators) expect(at("cli")).toBeLessThan(at(operator));
    expect(at("ovn-kubernetes-base")).toBeLessThan(at("ovn-kubernetes-rhel-9"));
    expect(at("ovn-kubernetes-rhel-9")).toBeLessThan(at("network-tools"));
    expect(plan.components.length).toBe(39);
  });
});
