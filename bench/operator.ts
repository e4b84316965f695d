/**
 * End-to-end benchmark at scale: the dev cluster, its integrated registry, the simulated build
 * system (near-zero build durations) and the operator as a child process, building a synthetic
 * OKD-shaped PayloadBuild of N components (bench/support/synthetic-okd-payload.ts) and pushing its
 * release to the integrated registry. For each N it prints wall time to Ready=True against the
 * virtual-time makespan and lower bound of the same durations, builds created, PayloadBuild status
 * writes, API requests by verb and resource, reconciles (operator metrics), and where the time
 * went: operator CPU (from /proc) vs this process's CPU (dev cluster, registry, build system,
 * proxies) and the summed latency of the dev cluster's requests.
 *
 * Run: `npx tsx bench/operator.ts [--components 200,1000] [--concurrency 16] [--duration-ms 1000]
 * [--speed 100] [--timeout-s 1800] [--cpu-prof] [--read-ahead on|off|on,off]`. `--read-ahead off` runs the
 * operator with `--no-release-read-ahead` (the release assembly then reads every component itself);
 * `on,off` runs both for each N. Prints figures; never asserts on time.
 */
import { cpus, loadavg } from "node:os";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { parsePayloadBuild } from "../src/api/index.js";
import { loadSimulationProfile } from "../src/devcluster/builds/index.js";
import { NAMESPACES } from "../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../src/payload-build/payload-build-controller.js";
import { simulateBuild, validatePayloadSpec } from "../src/payload-build/index.js";
import { hasCondition, ROOT, statusOf } from "../test/e2e/e2e-harness.js";
import { isStatusWrite, tallyRequests } from "./support/api-request-tally.js";
import {
  readCpuProfile,
  selfTimeHotspots,
  timeByModule,
  type CpuProfile,
} from "./support/cpu-profile-summary.js";
import { startInProcessProfiler } from "./support/in-process-profiler.js";
import {
  BENCH_CLIENT_AGENT,
  BUILD_SYSTEM_AGENT,
  startOperatorBenchEnvironment,
} from "./support/operator-bench-environment.js";
import { processCpuMs } from "./support/process-cpu.js";
import { sumSamples } from "./support/prometheus-text.js";
import { recordRequestTiming } from "./support/server-request-timing.js";
import { syntheticOkdPayload } from "./support/synthetic-okd-payload.js";

const { values } = parseArgs({
  options: {
    components: { type: "string", default: "200,1000" },
    concurrency: { type: "string", default: "16" },
    "duration-ms": { type: "string", default: "1000" },
    speed: { type: "string", default: "100" },
    "timeout-s": { type: "string", default: "1800" },
    "poll-ms": { type: "string", default: "250" },
    "cpu-prof": { type: "boolean", default: false },
    "read-ahead": { type: "string", default: "on" },
  },
});
const sizes = (values.components ?? "").split(",").map(Number);
const concurrency = Number(values.concurrency);
const durationMs = Number(values["duration-ms"]);
const speed = Number(values.speed);
const timeoutMs = Number(values["timeout-s"]) * 1000;
const pollMs = Number(values["poll-ms"]);
const NAMESPACE = "bench";

const portOf = (url: string): number => Number(new URL(url).port);
const s = (ms: number): string => (ms / 1000).toFixed(1);

async function runOnce(n: number, readAhead: boolean): Promise<void> {
  const baseProfile = await loadSimulationProfile(join(ROOT, "config/samples/simulation.yaml"));
  const synthetic = (releaseTo: string) =>
    syntheticOkdPayload({
      components: n,
      namespace: NAMESPACE,
      concurrency,
      releaseTo,
      durationMs,
      baseProfile,
    });
  const timing = recordRequestTiming();
  const env = await startOperatorBenchEnvironment({
    root: ROOT,
    profile: synthetic("docker://127.0.0.1/unused").profile, // the profile does not depend on release.to
    speed,
    maxConcurrentBuilds: concurrency,
    cpuProfile: values["cpu-prof"] === true,
    ...(readAhead ? {} : { operatorArgs: ["--no-release-read-ahead"] }),
  }).catch((e: unknown) => {
    timing.stop();
    throw e;
  });
  try {
    const payload = synthetic(`docker://${env.registry.host}/${NAMESPACE}/okd-release`);
    const parsed = parsePayloadBuild(payload.payloadBuild);
    if (!parsed.ok) throw new Error(`synthetic payload is invalid: ${JSON.stringify(parsed.problems[0])}`);
    const { graph } = validatePayloadSpec(parsed.value.spec);
    const seconds = durationMs / speed / 1000;
    const sim = simulateBuild({
      graph,
      durations: new Map(graph.names.map((c) => [c, seconds])),
      concurrency,
    });
    const edges = graph.dependencies.reduce((sum, d) => sum + d.length, 0);

    await env.client.create(NAMESPACES, { metadata: { name: NAMESPACE } });
    env.cluster.audit.clear();
    const clusterBefore = timing.timingOf(portOf(env.cluster.url));
    const registryBefore = timing.timingOf(portOf(env.registry.url));
    const cpuBefore = process.cpuUsage();
    const operatorCpuBefore = processCpuMs(env.operator.pid);
    const eluBefore = performance.eventLoopUtilization();
    const profiler = values["cpu-prof"] === true ? await startInProcessProfiler() : undefined;
    const load = loadavg();
    const start = performance.now();
    await env.client.create(PAYLOAD_BUILDS, payload.payloadBuild);
    let polls = 0;
    for (;;) {
      const status = await statusOf(env.client, NAMESPACE, `synthetic-${n}`);
      polls += 1;
      if (status !== undefined && hasCondition(status, "Ready", "True")) break;
      if (status?.phase === "Failed" || status?.phase === "Invalid")
        throw new Error(`PayloadBuild ${status.phase}: ${JSON.stringify(status.conditions)}`);
      if (env.operator.hasExited() || performance.now() - start > timeoutMs)
        throw new Error(
          `no Ready=True (counts ${JSON.stringify(status?.counts)}):\n${await env.operator.tail(20)}`,
        );
      await new Promise((r) => setTimeout(r, pollMs));
    }
    const wallMs = performance.now() - start;
    const benchProfile = await profiler?.stop();
    const operatorCpuMs = processCpuMs(env.operator.pid) - operatorCpuBefore;
    const cpu = process.cpuUsage(cpuBefore);
    const elu = performance.eventLoopUtilization(eluBefore);
    const cluster = timing.timingOf(portOf(env.cluster.url));
    const registry = timing.timingOf(portOf(env.registry.url));
    const metrics = await (await fetch(`${env.operatorHealthUrl}/metrics`)).text();

    const audit = env.cluster.audit.entries();
    const ops = audit.filter((e) => e.userAgent !== BUILD_SYSTEM_AGENT && e.userAgent !== BENCH_CLIENT_AGENT);
    const buildSystem = audit.filter((e) => e.userAgent === BUILD_SYSTEM_AGENT);
    const buildCreates = ops.filter((e) => e.verb === "create" && e.resource === "builds");
    const builds = buildCreates.filter((e) => e.code === 201).length;
    const buildConflicts = buildCreates.length - builds;
    const statusWrites = ops.filter(isStatusWrite).length;
    const reconciles = sumSamples(metrics, "controller_runtime_reconcile_total", {
      controller: "payloadbuild",
    });
    const reconcileSeconds = sumSamples(metrics, "controller_runtime_reconcile_time_seconds_sum", {
      controller: "payloadbuild",
    });
    const assemblySeconds = sumSamples(metrics, "payload_operator_release_assembly_seconds_sum", {});
    const pct = (ms: number): string => `${((100 * ms) / wallMs).toFixed(0)} %`;
    const testCpuMs = (cpu.user + cpu.system) / 1000;
    const servedMs = cluster.latencyMs - clusterBefore.latencyMs;
    const servedRequests = cluster.requests - clusterBefore.requests;

    console.log(
      `\n### N = ${n}: ${n} components (${payload.operators} operators), ${edges} edges, concurrency ${concurrency}, release read-ahead ${readAhead ? "on" : "off (--no-release-read-ahead)"}`,
    );
    console.log(
      `load average at start ${load.map((l) => l.toFixed(2)).join(" ")}, ${cpus().length} cores; audit dropped ${env.cluster.audit.dropped}`,
    );
    console.log("");
    console.log("| measurement | value |");
    console.log("| --- | ---: |");
    console.log(`| wall time to Ready=True | ${s(wallMs)} s |`);
    console.log(
      `| virtual-time makespan (operator's scheduler, ${seconds * 1000} ms builds) | ${sim.makespanSeconds.toFixed(2)} s |`,
    );
    console.log(`| virtual-time lower bound | ${sim.lowerBoundSeconds.toFixed(2)} s |`);
    console.log(`| wall / lower bound | ${(wallMs / 1000 / sim.lowerBoundSeconds).toFixed(1)} |`);
    console.log(`| builds created (201; create attempts answered 409) | ${builds} (${buildConflicts}) |`);
    console.log(`| payloadbuilds/status writes | ${statusWrites} |`);
    console.log(`| reconciles (controller_runtime_reconcile_total) | ${reconciles ?? "n/a"} |`);
    console.log(
      `| reconcile time sum (controller_runtime_reconcile_time_seconds) | ${reconcileSeconds === undefined ? "n/a" : `${reconcileSeconds.toFixed(1)} s`} |`,
    );
    console.log(
      `| release assembly (payload_operator_release_assembly_seconds; landed components read ahead) | ${assemblySeconds === undefined ? "n/a" : `${assemblySeconds.toFixed(2)} s`} |`,
    );
    console.log(
      `| API requests: operator / build system / bench polls | ${ops.length} / ${buildSystem.length} / ${polls} |`,
    );
    console.log(`| operator CPU (user+sys, /proc) | ${s(operatorCpuMs)} s (${pct(operatorCpuMs)} of wall) |`);
    console.log(
      `| bench process CPU (dev cluster + registry + build system + proxies) | ${s(testCpuMs)} s (${pct(testCpuMs)} of wall) |`,
    );
    console.log(`| bench process event-loop utilisation | ${(elu.utilization * 100).toFixed(0)} % |`);
    console.log(
      `| dev cluster: non-watch requests, summed latency | ${servedRequests}, ${s(servedMs)} s (${(servedMs / Math.max(1, servedRequests)).toFixed(2)} ms mean, ${cluster.maxLatencyMs.toFixed(0)} ms max) |`,
    );
    console.log(
      `| integrated registry: requests, summed latency | ${registry.requests - registryBefore.requests}, ${s(registry.latencyMs - registryBefore.latencyMs)} s |`,
    );
    console.log("");
    console.log("Operator API requests by verb and resource:");
    for (const [what, count] of tallyRequests(ops)) console.log(`  ${String(count).padStart(7)}  ${what}`);
    console.log("Build system API requests by verb and resource:");
    for (const [what, count] of tallyRequests(buildSystem).slice(0, 8))
      console.log(`  ${String(count).padStart(7)}  ${what}`);
    if (benchProfile !== undefined) {
      printProfile("Bench process (dev cluster, registry, build system, proxies)", benchProfile);
      await env.operator.stop(20_000);
      const file = (await readdir(env.cpuProfileDir)).find((f) => f.endsWith(".cpuprofile"));
      if (file === undefined) console.log("no operator CPU profile written");
      else printProfile("Operator process (whole life)", await readCpuProfile(join(env.cpuProfileDir, file)));
    }
  } finally {
    timing.stop();
    await env.stop();
  }
}

function printProfile(title: string, profile: CpuProfile): void {
  const { totalMs, hotspots } = selfTimeHotspots(profile);
  console.log(`${title} CPU profile, ${s(totalMs)} s sampled; time by module (nearest project frame):`);
  for (const m of timeByModule(profile, ROOT))
    console.log(
      `  ${(m.share * 100).toFixed(1).padStart(5)} %  ${m.ms.toFixed(0).padStart(7)} ms  ${m.where}`,
    );
  console.log("  top self time:");
  for (const h of hotspots)
    console.log(
      `  ${(h.share * 100).toFixed(1).padStart(5)} %  ${h.ms.toFixed(0).padStart(7)} ms  ${h.where}`,
    );
}

console.log(
  `Operator end to end: Node ${process.version}, builds ${durationMs} ms / speed ${speed} = ${durationMs / speed} ms each, concurrency ${concurrency}`,
);
const readAheadModes = (values["read-ahead"] ?? "on").split(",").map((mode) => {
  if (mode !== "on" && mode !== "off") throw new Error(`--read-ahead ${mode}: must be on, off or on,off`);
  return mode === "on";
});
for (const n of sizes) for (const readAhead of readAheadModes) await runOnce(n, readAhead);
