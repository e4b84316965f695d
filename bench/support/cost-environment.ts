/**
 * One shape over both planes for `bench/cost-under-load.ts`: the dev cluster
 * (`operator-bench-environment.ts`, the operator's requests told apart from the build system's and
 * the bench's by user agent) and the real control plane (`real-plane-bench-environment.ts`, the
 * operator's requests told apart by its ServiceAccount). Both run the simulated build system and
 * the operator as a child process with the given flags.
 */
import type { SimulationProfile } from "../../src/devcluster/builds/index.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import type { KubeClient } from "../../src/kube/kube-client.js";
import type { AuditEntry } from "../../src/devcluster/index.js";
import {
  BENCH_CLIENT_AGENT,
  BUILD_SYSTEM_AGENT,
  startOperatorBenchEnvironment,
} from "./operator-bench-environment.js";
import { startRealPlaneBenchEnvironment } from "./real-plane-bench-environment.js";

/** Which API server. */
export type BenchPlane = "dev" | "real";

/** One audited API request (the fields both audit logs have). */
export type AuditedRequest = Pick<AuditEntry, "verb" | "resource" | "subresource" | "path" | "code">;

/** A running environment on either plane. */
export interface CostEnvironment {
  readonly plane: BenchPlane;
  /** The bench's client (its requests are not the operator's). */
  readonly client: KubeClient;
  /** `host:port` of the registry builds push to and releases go to (plain HTTP). */
  readonly registryHost: string;
  readonly operator: OperatorProcess;
  readonly operatorHealthUrl: string;
  /** Starts counting requests from now. */
  markStart(): void;
  /** The operator's requests since {@link markStart}, in order. */
  operatorRequests(): Promise<AuditedRequest[]>;
  /** Audit entries lost since the start (counts are exact only while this is 0). */
  auditDropped(): number;
  stop(): Promise<void>;
}

/** Options of {@link startCostEnvironment}. */
export interface CostEnvironmentOptions {
  readonly plane: BenchPlane;
  readonly root: string;
  readonly profile: SimulationProfile;
  readonly speed: number;
  readonly maxConcurrentBuilds: number;
  readonly operatorArgs: readonly string[];
  /** The command running payloadctl (see `compiled-operator.ts`); default the sources under tsx. */
  readonly payloadctl?: readonly string[];
}

/** Starts the environment of `options.plane`. */
export async function startCostEnvironment(options: CostEnvironmentOptions): Promise<CostEnvironment> {
  if (options.plane === "real") {
    const env = await startRealPlaneBenchEnvironment(options);
    let since = new Date().toISOString();
    return {
      plane: "real",
      client: env.client,
      registryHost: env.registryHost,
      operator: env.operator,
      operatorHealthUrl: env.operatorHealthUrl,
      markStart: () => {
        since = new Date().toISOString();
      },
      operatorRequests: () => env.operatorRequests(since),
      auditDropped: () => 0,
      stop: () => env.stop(),
    };
  }
  const env = await startOperatorBenchEnvironment({ ...options, cpuProfile: false });
  return {
    plane: "dev",
    client: env.client,
    registryHost: env.registry.host,
    operator: env.operator,
    operatorHealthUrl: env.operatorHealthUrl,
    markStart: () => env.cluster.audit.clear(),
    operatorRequests: () =>
      Promise.resolve(
        env.cluster.audit
          .entries()
          .filter((e) => e.userAgent !== BUILD_SYSTEM_AGENT && e.userAgent !== BENCH_CLIENT_AGENT),
      ),
    auditDropped: () => env.cluster.audit.dropped,
    stop: () => env.stop(),
  };
}
