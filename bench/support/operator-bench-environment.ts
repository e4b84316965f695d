/**
 * The environment of `bench/operator.ts`, composed from the same pieces as the demo and the e2e
 * harness: the integrated registry, the dev cluster, the simulated build system and the operator
 * as a child process (`payloadctl operator`). The operator talks to the dev cluster directly; the
 * build system and the bench's own client go through user-agent proxies, so the audit log tells
 * the three apart without putting anything in the operator's path.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { buildSystemAddon, type SimulationProfile } from "../../src/devcluster/builds/index.js";
import { startDevCluster, type DevCluster } from "../../src/devcluster/dev-cluster.js";
import { kubeconfigYaml } from "../../src/devcluster/kubeconfig.js";
import { startRegistryServer, type RunningRegistryServer } from "../../src/devcluster/registry/index.js";
import { startOperatorProcess, type OperatorProcess } from "../../src/demo/operator-process.js";
import { createKubeClient, type KubeClient } from "../../src/kube/kube-client.js";
import { startUserAgentProxy } from "../../test/support/user-agent-proxy.js";

/** User-Agent of the simulated build system's requests. */
export const BUILD_SYSTEM_AGENT = "bench-simulated-build-system";
/** User-Agent of the bench's own requests (create, status polls). */
export const BENCH_CLIENT_AGENT = "bench-client";

/** Options of {@link startOperatorBenchEnvironment}. */
export interface OperatorBenchOptions {
  readonly root: string;
  readonly profile: SimulationProfile;
  readonly speed: number;
  readonly maxConcurrentBuilds: number;
  /** Run the operator under `node --cpu-prof`, the profile written to `<work>/cpu-prof/` on exit. */
  readonly cpuProfile: boolean;
  /** Further `payloadctl operator` flags. */
  readonly operatorArgs?: readonly string[];
  /** The command running payloadctl; default the sources under tsx (`--cpu-prof` needs that). */
  readonly payloadctl?: readonly string[];
}

/** A running environment. */
export interface OperatorBenchEnvironment {
  readonly cluster: DevCluster;
  readonly registry: RunningRegistryServer;
  readonly operator: OperatorProcess;
  /** The operator's `/metrics` base URL. */
  readonly operatorHealthUrl: string;
  /** The bench's client (through its proxy). */
  readonly client: KubeClient;
  readonly work: string;
  readonly cpuProfileDir: string;
  stop(): Promise<void>;
}

function kubeConfigFor(url: string): KubeConfig {
  const config = new KubeConfig();
  config.loadFromString(kubeconfigYaml(url));
  return config;
}

/** The operator's health/metrics base URL, read from its "operator started" log line. */
export async function waitForHealthUrl(operator: OperatorProcess, logFile: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const log = await readFile(logFile, "utf8").catch(() => "");
    const match = /"healthUrl":"([^"]+)"/.exec(log);
    if (match?.[1] !== undefined) return match[1];
    if (operator.hasExited()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`operator did not report its health URL:\n${await operator.tail(20)}`);
}

/** Starts everything; on failure stops what was started and rethrows. */
export async function startOperatorBenchEnvironment(
  options: OperatorBenchOptions,
): Promise<OperatorBenchEnvironment> {
  const work = await mkdtemp(join(tmpdir(), "bench-operator-"));
  const stops: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const registry = await startRegistryServer({ dir: join(work, "registry") });
    stops.push(() => registry.stop());
    const cluster = await startDevCluster({ auditLimit: 5_000_000 });
    stops.push(() => cluster.stop());
    const buildsProxy = await startUserAgentProxy(cluster.url, BUILD_SYSTEM_AGENT);
    stops.push(() => buildsProxy.stop());
    const clientProxy = await startUserAgentProxy(cluster.url, BENCH_CLIENT_AGENT);
    stops.push(() => clientProxy.stop());
    const buildsKubeconfig = join(work, "build-system-kubeconfig");
    await writeFile(buildsKubeconfig, kubeconfigYaml(buildsProxy.url), { mode: 0o600 });
    const addon = buildSystemAddon({
      registry,
      profile: options.profile,
      speed: options.speed,
      maxConcurrentBuilds: options.maxConcurrentBuilds,
    });
    const builds = await addon({
      url: buildsProxy.url,
      kubeconfigPath: buildsKubeconfig,
      kubeConfig: kubeConfigFor(buildsProxy.url),
    });
    stops.push(() => builds.stop());
    const cpuProfileDir = join(work, "cpu-prof");
    const logFile = join(work, "operator.log");
    const operator = await startOperatorProcess({
      payloadctl: options.payloadctl ?? [
        process.execPath,
        ...(options.cpuProfile ? ["--cpu-prof", "--cpu-prof-dir", cpuProfileDir] : []),
        "--import",
        "tsx",
        join(options.root, "src/cli/payloadctl.ts"),
      ],
      kubeconfig: cluster.kubeconfigPath,
      cwd: options.root,
      logFile,
      args: [
        "--metrics-addr",
        "127.0.0.1:0",
        "--insecure-registry",
        registry.host,
        ...(options.operatorArgs ?? []),
      ],
    });
    stops.push(() => operator.stop(20_000));
    const operatorHealthUrl = await waitForHealthUrl(operator, logFile);
    return {
      cluster,
      registry,
      operator,
      operatorHealthUrl,
      client: createKubeClient(kubeConfigFor(clientProxy.url), {
        requestTimeoutMs: 30_000,
        reuseConnections: true,
      }),
      work,
      cpuProfileDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
