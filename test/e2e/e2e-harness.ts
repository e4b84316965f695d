/**
 * The end-to-end environment, on either control plane:
 * - `dev`: the dev cluster (in the test process) with its integrated registry and simulated build
 *   system; the operator's API requests reach it through a proxy stamping them with
 *   {@link OPERATOR_USER_AGENT}, so the audit log tells them apart;
 * - `real`: etcd + kube-apiserver + kube-controller-manager built from upstream
 *   (`real-plane-environment.ts`), the operator authenticated as its own ServiceAccount under the
 *   generated RBAC, the simulated build system beside it as an ordinary API client.
 * Both have Debian's `docker-registry` as the release destination and run the operator as a real
 * child process (`payloadctl operator` run by tsx with the pinned node).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PayloadBuildStatusSchema, type PayloadBuildStatus } from "../../src/api/index.js";
import { buildSystemAddon } from "../../src/devcluster/builds/index.js";
import type { BuildBehaviour, SimulationProfile } from "../../src/devcluster/builds/index.js";
import { startDevCluster, type AuditEntry, type FaultOptions } from "../../src/devcluster/dev-cluster.js";
import { jobRunnerAddon, type JobBehaviour } from "../../src/devcluster/jobs/index.js";
import { kubeconfigYaml } from "../../src/devcluster/kubeconfig.js";
import {
  startRegistryServer,
  type RunningRegistryAccessControl,
} from "../../src/devcluster/registry/index.js";
import { startOperatorProcess, type OperatorProcess } from "../../src/demo/operator-process.js";
import { createKubeClient, type KubeClient } from "../../src/kube/kube-client.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../support/docker-registry.js";
import { startUserAgentProxy, type UserAgentProxy } from "../support/user-agent-proxy.js";
import { waitFor as pollUntil } from "../support/wait-for.js";
import { startRealPlaneEnvironment } from "./real-plane-environment.js";

/** The User-Agent of every request the operator process makes (set by the proxy). */
export const OPERATOR_USER_AGENT = "payload-operator-e2e";
/** Repository root. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** An external base image (synthesized by the simulated build system). */
export const CENTOS = "quay.io/centos/centos:stream9";

/** Which API server the environment runs on. */
export type ControlPlaneKind = "dev" | "real";

/** One API request of the operator, as an audit log recorded it. */
export type OperatorRequest = Pick<
  AuditEntry,
  "verb" | "group" | "resource" | "subresource" | "namespace" | "name" | "code" | "userAgent" | "time"
>;

/** Everything a test file uses. */
export interface E2eEnvironment {
  readonly plane: ControlPlaneKind;
  /** An admin client. */
  readonly client: KubeClient;
  /** An admin kubeconfig file (for kubectl). */
  readonly kubeconfigPath: string;
  /** The simulated build system: per-component durations and failures. */
  readonly builds: { setBehaviour(component: string, behaviour: BuildBehaviour): void };
  /** The simulated job runner: how Jobs whose first container has a given name end. */
  readonly jobs: { setBehaviour(container: string, behaviour: JobBehaviour): void };
  readonly dockerRegistry: RunningDockerRegistry;
  /**
   * With `integratedRegistryAccess`: the access control in front of the integrated registry
   * (OpenShift's `imagestreams/layers` reviews), its host and the reviews it made.
   */
  readonly registryAccess?: RunningRegistryAccessControl;
  readonly work: string;
  /**
   * Dev plane only: the API faults the dev cluster injects (`src/devcluster/faults.ts`), dropping
   * its watch history (resumes then get 410 Gone) and cutting every watch stream.
   */
  readonly apiFaults?: {
    set(faults: FaultOptions): void;
    compactHistory(): void;
    closeWatches(): void;
  };
  /** Starts an operator process (stop it, or let `stop()` do it). */
  startOperator(extraArgs?: readonly string[]): Promise<OperatorProcess>;
  /** The audit entries of the operator's requests so far, in order. */
  operatorRequests(): Promise<OperatorRequest[]>;
  /** Audit entries lost so far (counts from the audit log are only exact while this is 0). */
  auditDropped(): number;
  stop(): Promise<void>;
}

/** Options of {@link startE2eEnvironment}. */
export interface E2eOptions {
  /** Builds run `speed` times faster than the profile says. */
  readonly speed: number;
  readonly profile?: SimulationProfile;
  /** Default `dev`. */
  readonly plane?: ControlPlaneKind;
  /**
   * Real plane only: the integrated registry authorizes every request as OpenShift's does
   * (`startRegistryAccessControl`); the build system pushes with the admin's token and the operator
   * reads with its ServiceAccount's (`--integrated-registry`).
   */
  readonly integratedRegistryAccess?: boolean;
  /**
   * Real plane only: puts something (e.g. a fault-injecting proxy) in front of each
   * `docker-registry` (the one builds push to and the release destination); everything, the
   * operator included, reaches the registry through the host it returns.
   */
  readonly wrapRegistry?: (host: string) => Promise<{ readonly host: string; stop(): Promise<unknown> }>;
}

/** Starts the environment on the control plane `options.plane` asks for. */
export async function startE2eEnvironment(options: E2eOptions): Promise<E2eEnvironment> {
  return options.plane === "real" ? startRealPlaneEnvironment(options) : startDevEnvironment(options);
}

async function startDevEnvironment(options: E2eOptions): Promise<E2eEnvironment> {
  const work = await mkdtemp(join(tmpdir(), "payload-e2e-"));
  const stops: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
  const stop = async (): Promise<void> => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  try {
    const integratedRegistry = await startRegistryServer({ dir: join(work, "registry") });
    stops.push(() => integratedRegistry.stop());
    const dockerRegistry = await startDockerRegistry();
    stops.push(() => dockerRegistry.stop());
    const builds = buildSystemAddon({
      registry: integratedRegistry,
      speed: options.speed,
      profile: options.profile ?? {},
    });
    const jobs = jobRunnerAddon({ speed: options.speed });
    const cluster = await startDevCluster({ addons: [builds, jobs] });
    stops.push(() => cluster.stop());
    const proxy: UserAgentProxy = await startUserAgentProxy(cluster.url, OPERATOR_USER_AGENT);
    stops.push(() => proxy.stop());
    const kubeconfig = join(work, "operator-kubeconfig");
    await writeFile(kubeconfig, kubeconfigYaml(proxy.url), { mode: 0o600 });
    return {
      plane: "dev",
      client: createKubeClient(cluster.kubeConfig, { requestTimeoutMs: 10_000 }),
      kubeconfigPath: cluster.kubeconfigPath,
      builds,
      jobs,
      dockerRegistry,
      work,
      apiFaults: {
        set: (faults) => cluster.setFaults(faults),
        compactHistory: () => cluster.compactHistory(),
        closeWatches: () => cluster.closeWatches(),
      },
      startOperator: operatorStarter({
        work,
        kubeconfig,
        args: ["--insecure-registry", integratedRegistry.host, "--insecure-registry", dockerRegistry.host],
        onStart: (operator) => stops.push(() => operator.stop(5_000)),
      }),
      operatorRequests: () => Promise.resolve(cluster.audit.filter({ userAgent: OPERATOR_USER_AGENT })),
      auditDropped: () => cluster.audit.dropped,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

export { createNamespace } from "../support/dev-cluster-fixture.js";

/**
 * Starts `payloadctl operator` processes with the test flags (free metrics port, quick status
 * writes and retries), `args`, and each call's extra flags; logs go to `work/operator-N.log`.
 */
export function operatorStarter(options: {
  readonly work: string;
  readonly kubeconfig: string;
  readonly args: readonly string[];
  readonly onStart: (operator: OperatorProcess) => void;
}): (extraArgs?: readonly string[]) => Promise<OperatorProcess> {
  let started = 0;
  return async (extraArgs = []) => {
    started += 1;
    const operator = await startOperatorProcess({
      payloadctl: [process.execPath, "--import", "tsx", join(ROOT, "src/cli/payloadctl.ts")],
      kubeconfig: options.kubeconfig,
      cwd: ROOT,
      logFile: join(options.work, `operator-${started}.log`),
      args: [
        "--metrics-addr",
        "127.0.0.1:0",
        "--status-interval",
        "200",
        "--build-retry-delay",
        "1",
        ...options.args,
        ...extraArgs,
      ],
    });
    options.onStart(operator);
    return operator;
  };
}

/** A built component `name` from `from`. */
export function component(name: string, from: string): Record<string, unknown> {
  return { name, source: { git: { uri: `https://github.com/okd-project/${name}`, ref: "main" } }, from };
}

/** The status of PayloadBuild `namespace/name`, undefined when it has none (yet). */
export async function statusOf(
  client: KubeClient,
  namespace: string,
  name: string,
): Promise<PayloadBuildStatus | undefined> {
  const pb = await client.get(PAYLOAD_BUILDS, { namespace, name });
  const parsed = PayloadBuildStatusSchema.safeParse(pb["status"] ?? {});
  return parsed.success ? parsed.data : undefined;
}

/**
 * Polls until `done(status)`; throws naming `what`, the last status and the operator's log tail
 * after `timeoutMs` (or at once when the operator process has exited).
 */
export async function waitForStatus(
  env: { readonly client: KubeClient },
  operator: OperatorProcess,
  where: { readonly namespace: string; readonly name: string },
  what: string,
  done: (s: PayloadBuildStatus) => boolean,
  timeoutMs = 60_000,
): Promise<PayloadBuildStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: PayloadBuildStatus | undefined;
  for (;;) {
    last = await statusOf(env.client, where.namespace, where.name);
    if (last !== undefined && done(last)) return last;
    if (operator.hasExited() || Date.now() > deadline) {
      throw new Error(
        `${operator.hasExited() ? "operator exited" : "timed out"} waiting for ${what}; last status: ${JSON.stringify(last, null, 1)}\noperator log:\n${await operator.tail(30)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Polls `probe` until it returns something other than undefined; throws naming `what` after `timeoutMs`. */
export function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  return pollUntil(probe, what, timeoutMs, 100);
}

/**
 * Replaces a PayloadBuild's spec the way `kubectl apply` or `kubectl edit` does (a patch, no
 * resourceVersion precondition), so the operator's status writes cannot make it conflict.
 */
export async function replaceSpec(
  client: KubeClient,
  where: { readonly namespace: string; readonly name: string },
  spec: Record<string, unknown>,
): Promise<void> {
  await client.patch(PAYLOAD_BUILDS, where, {
    type: "json",
    operations: [{ op: "replace", path: "/spec", value: spec }],
  });
}

/** True when condition `type` has `status`. */
export function hasCondition(status: PayloadBuildStatus, type: string, value: "True" | "False"): boolean {
  return (status.conditions ?? []).some((c) => c.type === type && c.status === value);
}
