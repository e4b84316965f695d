/**
 * The real-control-plane environment of `bench/cost-under-load.ts`: etcd + kube-apiserver +
 * kube-controller-manager built from upstream with `deploy/install.yaml` applied (as the e2e
 * suite's real plane), one Debian `docker-registry` that the simulated build system pushes to and
 * releases go to, and `payloadctl operator` as a child process authenticated as its own
 * ServiceAccount. The operator's requests are told apart in the audit log by that user. The bench's
 * client and the build system's reuse their connections (see `KubeClientOptions.reuseConnections`).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startControlPlane } from "../../src/control-plane/control-plane.js";
import type { AuditRecord } from "../../src/control-plane/control-plane-audit.js";
import {
  OPERATOR_NAMESPACE,
  OPERATOR_SERVICE_ACCOUNT,
  OPERATOR_USER,
} from "../../src/control-plane/operator-identity.js";
import { startBuildSystem } from "../../src/devcluster/builds/index.js";
import { startOperatorProcess, type OperatorProcess } from "../../src/demo/operator-process.js";
import { createKubeClient, type KubeClient } from "../../src/kube/kube-client.js";
import { installOperatorOn } from "../../test/e2e/real-plane-environment.js";
import { startDockerRegistry } from "../../test/support/docker-registry.js";
import { waitForHealthUrl, type OperatorBenchOptions } from "./operator-bench-environment.js";

/** Options of {@link startRealPlaneBenchEnvironment}: the dev-cluster bench's, without the CPU profile. */
export type RealPlaneBenchOptions = Omit<OperatorBenchOptions, "cpuProfile">;

/** A running environment. */
export interface RealPlaneBenchEnvironment {
  /** An admin client. */
  readonly client: KubeClient;
  readonly registryHost: string;
  readonly operator: OperatorProcess;
  readonly operatorHealthUrl: string;
  /** Every request the API server logged since `since` (an ISO time), by the operator's ServiceAccount. */
  operatorRequests(since: string): Promise<AuditRecord[]>;
  /** Every request logged since `since`, by any client. */
  allRequests(since: string): Promise<AuditRecord[]>;
  stop(): Promise<void>;
}

/** Starts everything; on failure stops what was started and rethrows. */
export async function startRealPlaneBenchEnvironment(
  options: RealPlaneBenchOptions,
): Promise<RealPlaneBenchEnvironment> {
  const work = await mkdtemp(join(tmpdir(), "bench-real-plane-"));
  const stops: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
    stops.length = 0;
  };
  try {
    const [plane, registry] = await Promise.all([
      startControlPlane({ dir: join(work, "control-plane") }),
      startDockerRegistry(),
    ]);
    stops.push(
      () => plane.stop(),
      () => registry.stop(),
    );
    await installOperatorOn(plane);
    const buildSystem = await startBuildSystem({
      kubeConfig: plane.adminKubeConfig,
      registry: { host: registry.host },
      profile: options.profile,
      speed: options.speed,
      maxConcurrentBuilds: options.maxConcurrentBuilds,
    });
    stops.push(() => buildSystem.stop());
    const kubeconfig = join(work, "operator-kubeconfig");
    await plane.serviceAccountKubeconfig(OPERATOR_NAMESPACE, OPERATOR_SERVICE_ACCOUNT, kubeconfig);
    const logFile = join(work, "operator.log");
    const operator = await startOperatorProcess({
      payloadctl: options.payloadctl ?? [
        process.execPath,
        "--import",
        "tsx",
        join(options.root, "src/cli/payloadctl.ts"),
      ],
      kubeconfig,
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
    const since = async (iso: string): Promise<AuditRecord[]> => {
      const from = Date.parse(iso);
      return (await plane.auditRecords()).filter((r) => Date.parse(r.time) >= from);
    };
    return {
      client: createKubeClient(plane.adminKubeConfig, { requestTimeoutMs: 30_000, reuseConnections: true }),
      registryHost: registry.host,
      operator,
      operatorHealthUrl,
      operatorRequests: async (iso) => (await since(iso)).filter((r) => r.user === OPERATOR_USER),
      allRequests: since,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
