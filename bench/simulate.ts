/**
 * Scheduling benchmark on the real okd-payload-pipeline graph: makespan of the operator's scheduler
 * (critical-path) and of the pipelines' level-by-level batches (levels), each divided by the
 * makespan lower bound, at concurrency 8, 16 and 32.
 *
 * Graph: `kubectl kustomize ../shared/fixtures/okd-payload-pipeline/buildconfigs`, imported with
 * importBuildConfigs (the pipeline's injected builder/cli inputs included), with the one unresolved
 * reference fixed as the importer suggests (network-tools -> ovn-kubernetes-rhel-9).
 *
 * Duration models (deterministic):
 * - seeded: log-normal per component (median 600 s, sigma 0.6, clamped to [60, 3600] s) keyed by a
 *   hash of (seed, name), prebuilt components 10 s; seeds 1..N (default 20); mean and worst ratio.
 * - uniform: every built component 600 s, prebuilt 10 s.
 *
 * Run: `npx tsx bench/simulate.ts [--seeds 20]`
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { parseAllDocuments } from "yaml";
import { parsePayloadBuild } from "../src/api/index.js";
import {
  PREBUILT_SECONDS,
  applySuggestedFixes,
  importBuildConfigs,
  seededDurations,
  simulateBuild,
  validatePayloadSpec,
  type ComponentGraph,
  type SimulationPolicy,
} from "../src/payload-build/index.js";

const { values } = parseArgs({ options: { seeds: { type: "string", default: "20" } } });
const seeds = Number(values.seeds);
const fixture = resolve(import.meta.dirname, "../../shared/fixtures/okd-payload-pipeline/buildconfigs");

function fixtureGraph(): { graph: ComponentGraph; prebuilt: Set<string> } | undefined {
  if (!existsSync(fixture)) return undefined;
  const rendered = execFileSync("kubectl", ["kustomize", fixture], { encoding: "utf8", maxBuffer: 64 << 20 });
  const imported = importBuildConfigs(parseAllDocuments(rendered).map((doc) => doc.toJS() as unknown));
  const input = applySuggestedFixes(imported);
  const parsed = parsePayloadBuild(input);
  if (!parsed.ok) throw new Error(`imported fixture is invalid: ${JSON.stringify(parsed.problems)}`);
  const validation = validatePayloadSpec(parsed.value.spec);
  if (validation.problems.length > 0)
    throw new Error(`imported fixture: ${JSON.stringify(validation.problems)}`);
  const prebuilt = new Set(
    parsed.value.spec.components.filter((c) => c.image !== undefined).map((c) => c.name),
  );
  return { graph: validation.graph, prebuilt };
}

const loaded = fixtureGraph();
if (loaded === undefined) {
  console.log(`skipped: ${fixture} not found`);
} else {
  const { graph, prebuilt } = loaded;
  const uniform = new Map(graph.names.map((name) => [name, prebuilt.has(name) ? PREBUILT_SECONDS : 600]));
  console.log(
    `okd-payload-pipeline fixture: ${graph.names.length} components (${prebuilt.size} prebuilt), ${graph.dependencies.reduce((s, d) => s + d.length, 0)} edges`,
  );
  console.log("");
  console.log(
    "| C | model | lower bound s | critical-path s | critical-path / bound | levels s | levels / bound |",
  );
  console.log("| ---: | --- | ---: | ---: | ---: | ---: | ---: |");
  const run = (durations: Map<string, number>, concurrency: number, policy: SimulationPolicy) =>
    simulateBuild({ graph, durations, concurrency, policy });
  for (const concurrency of [8, 16, 32]) {
    const u = [run(uniform, concurrency, "critical-path"), run(uniform, concurrency, "levels")] as const;
    console.log(
      `| ${concurrency} | uniform 600 s | ${u[0].lowerBoundSeconds.toFixed(0)} | ${u[0].makespanSeconds} | ${u[0].ratio.toFixed(3)} | ${u[1].makespanSeconds} | ${u[1].ratio.toFixed(3)} |`,
    );
    const ratios = {
      cp: [] as number[],
      lv: [] as number[],
      bound: [] as number[],
      cpS: [] as number[],
      lvS: [] as number[],
    };
    for (let seed = 1; seed <= seeds; seed++) {
      const durations = seededDurations(graph, seed, prebuilt);
      const cp = run(durations, concurrency, "critical-path");
      const lv = run(durations, concurrency, "levels");
      ratios.cp.push(cp.ratio);
      ratios.lv.push(lv.ratio);
      ratios.bound.push(cp.lowerBoundSeconds);
      ratios.cpS.push(cp.makespanSeconds);
      ratios.lvS.push(lv.makespanSeconds);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const max = (xs: number[]) => Math.max(...xs);
    console.log(
      `| ${concurrency} | seeded 1..${seeds} (mean; worst) | ${mean(ratios.bound).toFixed(0)} | ${mean(ratios.cpS).toFixed(0)} | ${mean(ratios.cp).toFixed(3)}; ${max(ratios.cp).toFixed(3)} | ${mean(ratios.lvS).toFixed(0)} | ${mean(ratios.lv).toFixed(3)}; ${max(ratios.lv).toFixed(3)} |`,
    );
  }
}
