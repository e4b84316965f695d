/**
 * Cost under load (issue 12): the operator's cost on the cluster with near-instant simulated
 * builds, on the dev cluster and on the real control plane side by side. Scenarios (default):
 * one PayloadBuild of 1,000 components, and 20 PayloadBuilds of 200 at once (each in its own
 * namespace). A fresh environment and operator process per plane and scenario. Prints, per run:
 * wall time to Ready=True, the operator's API requests per component by verb and resource (from
 * the kube-apiserver audit log on the real plane, the dev cluster's audit log on the dev plane),
 * writes per component, status writes per PayloadBuild, reconciles per component, operator CPU
 * and peak RSS (`VmHWM`), and the latency from a dependency landing to its dependents' Build being
 * created (p50, p99; seen by the bench's own watches).
 *
 * Run: `npm run bench -- cost-under-load` or `npx tsx bench/cost-under-load.ts [--planes dev,real]
 * [--scenarios 1x1000,20x200] [--concurrency 1000] [--build-slots 16] [--duration-ms 1000] [--speed 100]
 * [--reconcile-debounce MS] [--timeout-s 1800] [--reduced] [--tsx] [--operator-root DIR] [--node-flags=--max-old-space-size=N]`. The operator runs compiled, as its
 * image runs it (`--tsx`: the sources under tsx), with the image's `MALLOC_ARENA_MAX` and V8 heap flags
 * (`--node-flags`, default `OPERATOR_NODE_OPTIONS` of `src/install/operator-heap.ts`; `--node-flags=` for
 * Node's defaults). `--reduced` runs 1x60,4x30 (what CI
 * and `npm run reliability` can afford). Prints figures; never asserts on time.
 */
import { cpus, loadavg } from "node:os";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { z } from "zod";
import { parsePayloadBuild } from "../src/api/index.js";
import { loadSimulationProfile } from "../src/devcluster/builds/index.js";
import { OPERATOR_MALLOC_ARENA_MAX, OPERATOR_NODE_OPTIONS } from "../src/install/operator-heap.js";
import { NAMESPACES } from "../src/kube/resource.js";
import { silentLogger } from "../src/observability/logger.js";
import type { ComponentGraph } from "../src/payload-build/component-graph.js";
import { validatePayloadSpec } from "../src/payload-build/index.js";
import { PAYLOAD_BUILDS } from "../src/payload-build/payload-build-controller.js";
import { ROOT } from "../test/e2e/e2e-harness.js";
import { isStatusWrite, tallyRequests } from "./support/api-request-tally.js";
import { compileOperator } from "./support/compiled-operator.js";
import { startCostEnvironment, type BenchPlane } from "./support/cost-environment.js";
import { dependencyLatencies, percentile, watchLandingsAndBuilds } from "./support/dependency-latency.js";
import { processCpuMs } from "./support/process-cpu.js";
import { sumSamples } from "./support/prometheus-text.js";
import { syntheticOkdPayload } from "./support/synthetic-okd-payload.js";

/** `payloads` PayloadBuilds of `components` components each, created at once. */
export interface CostScenario {
  readonly payloads: number;
  readonly components: number;
}

/** The issue's scenarios: 1 x 1,000 and 20 x 200. */
export const FULL_SCENARIOS: readonly CostScenario[] = [
  { payloads: 1, components: 1000 },
  { payloads: 20, components: 200 },
];
/** A reduced run for CI and `npm run reliability`: 1 x 60 and 4 x 30. */
export const REDUCED_SCENARIOS: readonly CostScenario[] = [
  { payloads: 1, components: 60 },
  { payloads: 4, components: 30 },
];

/** Options of {@link runCostUnderLoad}. */
export interface CostOptions {
  readonly planes: readonly BenchPlane[];
  readonly scenarios: readonly CostScenario[];
  /**
   * `spec.concurrency` of every PayloadBuild. Default 1000 (the most allowed), so no build waits
   * for a slot and the landing -> Build latency measures the operator, not the slots.
   */
  readonly concurrency?: number;
  /** Builds the simulated build system runs at once (the rest wait in phase New). Default 16. */
  readonly buildSlots?: number;
  /** Simulated build duration before `speed`. Default 1000 ms. */
  readonly durationMs?: number;
  /** Default 100 (10 ms builds). */
  readonly speed?: number;
  /** `payloadctl operator --reconcile-debounce`; default: the operator's default. */
  readonly reconcileDebounceMs?: number;
  readonly timeoutMs?: number;
  /**
   * Run the operator compiled, as its image does (`compiled-operator.ts`); default true. False
   * runs the sources under tsx, whose loader adds about 150 MiB to the operator's RSS.
   */
  readonly compiled?: boolean;
  /**
   * The tree whose operator is compiled and run (default: this repository), e.g. an older commit
   * exported with `git archive` for before/after figures; it uses this repository's node_modules.
   */
  readonly operatorRoot?: string;
  /**
   * Node flags of the (compiled) operator process, e.g. `--max-old-space-size=160`. Default: the
   * image's (`OPERATOR_NODE_OPTIONS`); `[]` for Node's defaults.
   */
  readonly operatorNodeFlags?: readonly string[];
  /** Called with each run's figures as soon as it ends. */
  readonly onFigures?: (figures: CostFigures) => void;
}

/** What one run measured. */
export interface CostFigures {
  readonly plane: BenchPlane;
  readonly scenario: CostScenario;
  /** Components over all PayloadBuilds. */
  readonly components: number;
  /** From the creates to the last PayloadBuild's Ready=True. */
  readonly wallMs: number;
  /** Each PayloadBuild's time to Ready=True (ms), ascending. */
  readonly readyMs: readonly number[];
  readonly buildsCreated: number;
  readonly requests: number;
  /** create, update, patch, delete and deletecollection requests. */
  readonly writes: number;
  /** `verb resource[/sub]` -> count. */
  readonly tally: readonly [string, number][];
  readonly statusWrites: number;
  readonly reconciles: number;
  readonly operatorCpuMs: number;
  /**
   * CPU of the bench process itself (user + sys) over the run: the harness (simulated build
   * system, the bench's watches and polls, and on the dev plane the dev cluster and its registry).
   * Less sensitive to the machine's load than wall time, so it compares harness versions.
   */
  readonly benchCpuMs: number;
  readonly peakRssBytes: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly latencySamples: number;
  readonly auditDropped: number;
  readonly loadAverage: number;
}

/**
 * What the bench's status poll reads of a PayloadBuild's status: only the phase and the conditions'
 * type and status (a 1,000-component status parsed whole four times a second was a fair share of
 * the bench process's own CPU).
 */
const polledStatusSchema = z.object({
  phase: z.string().optional(),
  conditions: z.array(z.object({ type: z.string(), status: z.string() }).loose()).optional(),
});

const WRITE_VERBS: ReadonlySet<string> = new Set(["create", "update", "patch", "delete", "deletecollection"]);

/** Peak resident set size of process `pid` so far (`VmHWM` of `/proc/<pid>/status`), bytes. */
function peakRssBytes(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (match?.[1] === undefined) throw new Error(`no VmHWM in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

async function runScenario(
  plane: BenchPlane,
  scenario: CostScenario,
  o: CostOptions,
  payloadctl: readonly string[] | undefined,
): Promise<CostFigures> {
  const concurrency = o.concurrency ?? 1000;
  const durationMs = o.durationMs ?? 1000;
  const timeoutMs = o.timeoutMs ?? 1_800_000;
  const baseProfile = await loadSimulationProfile(join(ROOT, "config/samples/simulation.yaml"));
  const namespaces = Array.from({ length: scenario.payloads }, (_, i) => `bench-${i}`);
  const synthetic = (namespace: string, releaseTo: string) =>
    syntheticOkdPayload({
      components: scenario.components,
      namespace,
      concurrency,
      releaseTo,
      durationMs,
      baseProfile,
    });
  const env = await startCostEnvironment({
    plane,
    root: ROOT,
    profile: synthetic("bench-0", "docker://127.0.0.1/unused").profile,
    speed: o.speed ?? 100,
    maxConcurrentBuilds: o.buildSlots ?? 16,
    ...(payloadctl === undefined ? {} : { payloadctl }),
    operatorArgs:
      o.reconcileDebounceMs === undefined ? [] : ["--reconcile-debounce", String(o.reconcileDebounceMs)],
  });
  const watch = watchLandingsAndBuilds(env.client, silentLogger());
  try {
    const payloads = namespaces.map((ns) => synthetic(ns, `docker://${env.registryHost}/${ns}/okd-release`));
    const graphs: ComponentGraph[] = payloads.map((p) => {
      const parsed = parsePayloadBuild(p.payloadBuild);
      if (!parsed.ok) throw new Error(`synthetic payload is invalid: ${JSON.stringify(parsed.problems[0])}`);
      return validatePayloadSpec(parsed.value.spec).graph;
    });
    for (const ns of namespaces) await env.client.create(NAMESPACES, { metadata: { name: ns } });
    await watch.synced();
    const loadAverage = loadavg()[0] ?? 0;
    env.markStart();
    const cpuBefore = processCpuMs(env.operator.pid);
    const benchCpuBefore = process.cpuUsage();
    const start = performance.now();
    await Promise.all(payloads.map((p) => env.client.create(PAYLOAD_BUILDS, p.payloadBuild)));
    const readyAt = new Map<string, number>();
    while (readyAt.size < namespaces.length) {
      // A poll that times out on a saturated machine is only retried: the run's figures stand.
      const items = await env.client.list(PAYLOAD_BUILDS).then(
        (list) => list.items,
        () => [],
      );
      for (const pb of items) {
        const status = polledStatusSchema.safeParse(pb["status"] ?? {});
        if (!status.success) continue;
        const ns = pb.metadata.namespace ?? "";
        if ((status.data.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"))
          if (!readyAt.has(ns)) readyAt.set(ns, performance.now() - start);
        if (status.data.phase === "Failed" || status.data.phase === "Invalid")
          throw new Error(
            `${ns}: PayloadBuild ${status.data.phase}: ${JSON.stringify(status.data.conditions)}`,
          );
      }
      if (env.operator.hasExited() || performance.now() - start > timeoutMs)
        throw new Error(`${readyAt.size}/${namespaces.length} Ready:\n${await env.operator.tail(20)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const wallMs = performance.now() - start;
    const operatorCpuMs = processCpuMs(env.operator.pid) - cpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const peakRss = peakRssBytes(env.operator.pid);
    const metrics = await (await fetch(`${env.operatorHealthUrl}/metrics`)).text();
    const requests = await env.operatorRequests();
    const latencies = namespaces.flatMap((ns, i) => {
      const graph = graphs[i];
      return graph === undefined ? [] : dependencyLatencies(graph, ns, watch);
    });
    return {
      plane,
      scenario,
      components: scenario.payloads * scenario.components,
      wallMs,
      readyMs: [...readyAt.values()].sort((a, b) => a - b),
      buildsCreated: requests.filter((r) => r.verb === "create" && r.resource === "builds" && r.code === 201)
        .length,
      requests: requests.length,
      writes: requests.filter((r) => WRITE_VERBS.has(r.verb)).length,
      tally: tallyRequests(requests),
      statusWrites: requests.filter(isStatusWrite).length,
      reconciles:
        sumSamples(metrics, "controller_runtime_reconcile_total", { controller: "payloadbuild" }) ??
        Number.NaN,
      operatorCpuMs,
      benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
      peakRssBytes: peakRss,
      latencyP50Ms: percentile(latencies, 50),
      latencyP99Ms: percentile(latencies, 99),
      latencySamples: latencies.length,
      auditDropped: env.auditDropped(),
      loadAverage,
    };
  } finally {
    await watch.stop();
    await env.stop();
  }
}

/** Runs every scenario on every plane, one after another; resolves with every run's figures. */
export async function runCostUnderLoad(options: CostOptions): Promise<CostFigures[]> {
  const all: CostFigures[] = [];
  const compiled =
    options.compiled === false ? undefined : await compileOperator(options.operatorRoot ?? ROOT, ROOT);
  try {
    for (const scenario of options.scenarios)
      for (const plane of options.planes) {
        const payloadctl =
          compiled === undefined
            ? undefined
            : [
                // The image's malloc arenas (its ENV; `env` execs node, so the pid is the operator's).
                "env",
                `MALLOC_ARENA_MAX=${OPERATOR_MALLOC_ARENA_MAX}`,
                ...compiled.payloadctl.slice(0, 1),
                ...(options.operatorNodeFlags ?? OPERATOR_NODE_OPTIONS.split(" ")),
                ...compiled.payloadctl.slice(1),
              ];
        const figures = await runScenario(plane, scenario, options, payloadctl);
        options.onFigures?.(figures);
        all.push(figures);
      }
  } finally {
    await compiled?.remove();
  }
  return all;
}

const s = (ms: number): string => (ms / 1000).toFixed(1);
const per = (n: number, d: number): string => (n / d).toFixed(2);

/** `payloads x components` */
export function scenarioName(scenario: CostScenario): string {
  return `${scenario.payloads}x${scenario.components}`;
}

/** A markdown table of runs side by side (one column per run). */
export function formatCostTable(runs: readonly CostFigures[]): string {
  const head = runs.map((r) => `${r.plane}, ${scenarioName(r.scenario)}`);
  const row = (what: string, cell: (r: CostFigures) => string): string =>
    `| ${what} | ${runs.map(cell).join(" | ")} |`;
  return [
    `| measurement | ${head.join(" | ")} |`,
    `| --- | ${runs.map(() => "---:").join(" | ")} |`,
    row("wall time to Ready=True (last PayloadBuild)", (r) => `${s(r.wallMs)} s`),
    row("time to Ready=True, first / median PayloadBuild", (r) =>
      r.readyMs.length > 1 ? `${s(r.readyMs[0] ?? 0)} / ${s(percentile(r.readyMs, 50))} s` : "–",
    ),
    row("builds created", (r) => String(r.buildsCreated)),
    row("operator API requests per component", (r) => per(r.requests, r.components)),
    row("operator API writes per component", (r) => per(r.writes, r.components)),
    row("status writes per PayloadBuild (per minute of wall)", (r) => {
      const each = r.statusWrites / r.scenario.payloads;
      return `${each.toFixed(1)} (${(each / (r.wallMs / 60_000)).toFixed(1)})`;
    }),
    row("reconciles per component", (r) => per(r.reconciles, r.components)),
    row("operator CPU (user + sys)", (r) => `${s(r.operatorCpuMs)} s`),
    row("bench process CPU (harness; per component)", (r) =>
      Number.isFinite(r.benchCpuMs)
        ? `${s(r.benchCpuMs)} s (${(r.benchCpuMs / r.components).toFixed(0)} ms)`
        : "–",
    ),
    row("operator peak RSS (VmHWM)", (r) => `${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`),
    row(
      "dependency landed -> dependent's Build created, p50 / p99",
      (r) => `${r.latencyP50Ms.toFixed(0)} / ${r.latencyP99Ms.toFixed(0)} ms (${r.latencySamples})`,
    ),
    row(
      "load average (1 min) at start; audit entries dropped",
      (r) => `${r.loadAverage.toFixed(1)}; ${r.auditDropped}`,
    ),
  ].join("\n");
}

/** The operator's requests per component by verb and resource, one line each. */
export function formatTally(run: CostFigures): string {
  return run.tally
    .map(
      ([what, count]) => `  ${per(count, run.components).padStart(7)}  ${String(count).padStart(6)}  ${what}`,
    )
    .join("\n");
}

function parseScenarios(text: string): CostScenario[] {
  return text.split(",").map((part) => {
    const match = /^(\d+)x(\d+)$/.exec(part.trim());
    if (match === null) throw new Error(`--scenarios: "${part}" must be PAYLOADSxCOMPONENTS, e.g. 20x200`);
    return { payloads: Number(match[1]), components: Number(match[2]) };
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      planes: { type: "string", default: "dev,real" },
      scenarios: { type: "string" },
      reduced: { type: "boolean", default: false },
      concurrency: { type: "string", default: "1000" },
      "build-slots": { type: "string", default: "16" },
      "duration-ms": { type: "string", default: "1000" },
      speed: { type: "string", default: "100" },
      "reconcile-debounce": { type: "string" },
      "timeout-s": { type: "string", default: "1800" },
      tsx: { type: "boolean", default: false },
      "node-flags": { type: "string", default: OPERATOR_NODE_OPTIONS },
      "operator-root": { type: "string" },
    },
  });
  const planes = (values.planes ?? "").split(",").map((p) => {
    if (p !== "dev" && p !== "real") throw new Error(`--planes: "${p}" must be dev or real`);
    return p;
  });
  const scenarios =
    values.scenarios !== undefined
      ? parseScenarios(values.scenarios)
      : values.reduced === true
        ? REDUCED_SCENARIOS
        : FULL_SCENARIOS;
  const debounce = values["reconcile-debounce"];
  console.log(
    `Cost under load: Node ${process.version}, ${cpus().length} cores, builds ${values["duration-ms"]} ms / speed ${values.speed}, spec.concurrency ${values.concurrency}, ${values["build-slots"]} build slots, operator ${values.tsx === true ? "under tsx" : `compiled (tsc, plain node${values["node-flags"] === "" ? "" : ` ${values["node-flags"]}`}) from ${values["operator-root"] ?? "this tree"}`} --reconcile-debounce ${debounce ?? "(default)"}`,
  );
  const runs = await runCostUnderLoad({
    planes,
    scenarios,
    concurrency: Number(values.concurrency),
    buildSlots: Number(values["build-slots"]),
    durationMs: Number(values["duration-ms"]),
    speed: Number(values.speed),
    timeoutMs: Number(values["timeout-s"]) * 1000,
    compiled: values.tsx !== true,
    ...(values["operator-root"] === undefined ? {} : { operatorRoot: values["operator-root"] }),
    operatorNodeFlags: (values["node-flags"] ?? "").split(" ").filter((f) => f !== ""),
    ...(debounce === undefined ? {} : { reconcileDebounceMs: Number(debounce) }),
    onFigures: (run) => {
      console.log(`\n### ${run.plane} plane, ${scenarioName(run.scenario)}\n`);
      console.log(formatCostTable([run]));
      console.log("\nOperator API requests (per component, count, verb resource):");
      console.log(formatTally(run));
    },
  });
  console.log("\n### All runs\n");
  console.log(formatCostTable(runs));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
