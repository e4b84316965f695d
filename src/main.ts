/**
 * The operator's composition root: configuration in, clients, manager and controllers built,
 * started, and stopped gracefully. No logic lives here; `payloadctl operator` parses the flags
 * into an {@link OperatorConfig} and calls {@link startOperator}.
 */
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { API_GROUP } from "./api/index.js";
import type { BuildBackendSettings } from "./builds/build-backend.js";
import { createBuildBackends } from "./builds/build-backends.js";
import { BUILD_CACHE_TRANSFORMS } from "./builds/cache-transforms.js";
import { bearerTokenSource } from "./kube/bearer-token.js";
import { createKubeClient } from "./kube/kube-client.js";
import {
  DEFAULT_INTEGRATED_REGISTRY,
  type OperatorRegistryIdentity,
} from "./payload-build/integrated-registry.js";
import { createLogger } from "./observability/logger.js";
import { registerStatusMetrics } from "./observability/status-metrics.js";
import {
  PAYLOAD_BUILD_CONTROLLER,
  PAYLOAD_BUILDS,
  setupPayloadBuildController,
} from "./payload-build/payload-build-controller.js";
import {
  RELEASE_STREAM_CONTROLLER,
  setupReleaseStreamController,
} from "./release-stream/release-stream-controller.js";
import { JOB_CACHE_TRANSFORM } from "./release-stream/job-cache-transform.js";
import { RELEASE_STREAMS } from "./release-stream/release-stream-objects.js";
import { Manager } from "./runtime/manager.js";
import { startOperatorWeb } from "./web/operator-web.js";

/** Everything the operator process is configured with (all from flags; nothing read at import time). */
export interface OperatorConfig {
  /** Kubeconfig file; unset: `$KUBECONFIG`, `~/.kube/config`, or the in-cluster service account. */
  readonly kubeconfig?: string;
  /** Watch one namespace only; all namespaces when unset. */
  readonly namespace?: string;
  /** Where `/healthz`, `/readyz` and `/metrics` are served; `undefined`: not served. */
  readonly metrics?: { readonly host: string; readonly port: number };
  /** Run controllers only while holding the Lease `payload-operator` in `leaderElectionNamespace`. */
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace?: string;
  /** Registries (`host[:port]`) reached over plain HTTP for release assembly. */
  readonly insecureRegistries: readonly string[];
  /** PEM file of extra CA certificates trusted for registries. */
  readonly registryCaFile?: string;
  /**
   * The service CA bundle (OpenShift's service-ca operator signs the integrated registry's certificate);
   * default: the pod's `service-ca.crt` when OpenShift mounted one. Trusted besides `registryCaFile`.
   */
  readonly serviceCaFile?: string;
  /**
   * Integrated registry hosts besides those ImageStreams name; components there are read with the
   * operator's own token. Default: OpenShift's `image-registry.openshift-image-registry.svc:5000`.
   */
  readonly integratedRegistries?: readonly string[];
  /** pino level: trace, debug, info, warn, error. */
  readonly logLevel: string;
  /** Shortest time between two progress-only status writes of one PayloadBuild. */
  readonly statusMinIntervalMs?: number;
  /**
   * Quiet time (ms) after the latest watch event before a PayloadBuild is reconciled (at most 5x
   * this after its first event); 0 turns debouncing off. Default 200.
   */
  readonly reconcileDebounceMs?: number;
  /** First retry delay of a failed build (doubling, at most 5 min). */
  readonly buildRetryDelayMs?: number;
  /** First retry delay of a failed verification Job (doubling, at most 15 min). */
  readonly verifyRetryDelayMs?: number;
  /** Operator-wide build settings (push secret, service account of the builds, Shipwright strategy). */
  readonly buildSettings?: BuildBackendSettings;
  /** Where the read-only web UI and its JSON API are served (`--web-addr`); `undefined`: not served. */
  readonly web?: { readonly host: string; readonly port: number };
  /** Whether a release's landed components are read ahead of its assembly (default true; `--no-release-read-ahead`). */
  readonly releaseReadAhead?: boolean;
  /** Hosts the web UI's changelog may fetch commits from (`--web-git-hosts`); undefined: any, empty: none. */
  readonly webGitHosts?: readonly string[];
}

/** A running operator. */
export interface RunningOperator {
  readonly manager: Manager;
  readonly logger: Logger;
  /** Base URL of the probe/metrics server, when served. */
  readonly healthUrl: string | undefined;
  /** Base URL of the web UI, when served. */
  readonly webUrl: string | undefined;
  /** Graceful stop: queues drained, lease released, informers and server stopped. */
  stop(): Promise<void>;
}

/** The Lease name used for leader election. */
export const LEADER_ELECTION_LEASE = "payload-operator";
const SERVICE_ACCOUNT_NAMESPACE_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
/** OpenShift adds the service CA bundle to every projected ServiceAccount token volume. */
const SERVICE_CA_FILE = "/var/run/secrets/kubernetes.io/serviceaccount/service-ca.crt";

/** The CA certificates trusted for registries: `--registry-ca` and the service CA, when there are any. */
async function registryCaBundle(config: OperatorConfig): Promise<string | undefined> {
  const given =
    config.registryCaFile === undefined ? undefined : await readFile(config.registryCaFile, "utf8");
  const serviceCa =
    config.serviceCaFile !== undefined
      ? await readFile(config.serviceCaFile, "utf8")
      : await readFile(SERVICE_CA_FILE, "utf8").catch(() => undefined);
  const parts = [given, serviceCa].filter((p): p is string => p !== undefined && p.trim() !== "");
  return parts.length === 0 ? undefined : parts.join("\n");
}

async function leaseNamespace(config: OperatorConfig): Promise<string> {
  if (config.leaderElectionNamespace !== undefined) return config.leaderElectionNamespace;
  if (config.namespace !== undefined) return config.namespace;
  try {
    return (await readFile(SERVICE_ACCOUNT_NAMESPACE_FILE, "utf8")).trim() || "default";
  } catch {
    return "default";
  }
}

/** Loads the kubeconfig the way kubectl does (explicit file, else the defaults and in-cluster). */
export function loadKubeConfig(file: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  if (file === undefined) kubeConfig.loadFromDefault();
  else kubeConfig.loadFromFile(file);
  return kubeConfig;
}

/** `flag` when given, else the namespace of the kubeconfig's current context, else `default` (as kubectl). */
export function namespaceOf(kubeConfig: KubeConfig, flag: string | undefined): string {
  return flag ?? kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? "default";
}

/**
 * The `User-Agent` of the operator's API requests: `okd-payload-operator/<identity>`, the identity
 * it holds the leader Lease with, so the audit log tells two replicas apart.
 */
export function operatorUserAgent(identity: string): string {
  return `okd-payload-operator/${identity}`;
}

/** Builds and starts the operator. Resolves once probes are served and informers are starting. */
export async function startOperator(config: OperatorConfig, logger?: Logger): Promise<RunningOperator> {
  const log = logger ?? createLogger({ level: config.logLevel, name: "payload-operator" });
  const kubeConfig = loadKubeConfig(config.kubeconfig);
  const identity = `${hostname()}-${randomBytes(4).toString("hex")}`;
  // One connection pool for every request (client-node would open a connection, and a TLS
  // handshake, per request): less CPU and malloc churn on a busy API server.
  const client = createKubeClient(kubeConfig, {
    userAgent: operatorUserAgent(identity),
    reuseConnections: true,
  });
  const caBundle = await registryCaBundle(config);
  const registryIdentity: OperatorRegistryIdentity = {
    registries: config.integratedRegistries ?? [DEFAULT_INTEGRATED_REGISTRY],
    token: bearerTokenSource(kubeConfig),
  };
  const manager = new Manager({
    client,
    logger: log,
    registry: new Registry(),
    // Builds, BuildRuns, Jobs and ImageStreams are cached with only the fields the controllers read.
    cacheTransforms: [...BUILD_CACHE_TRANSFORMS, JOB_CACHE_TRANSFORM],
    health: config.metrics === undefined ? false : config.metrics,
    ...(config.leaderElect
      ? {
          leaderElection: {
            namespace: await leaseNamespace(config),
            name: LEADER_ELECTION_LEASE,
            identity,
          },
        }
      : {}),
  });
  const retryDelayMs = config.buildRetryDelayMs;
  setupPayloadBuildController({
    manager,
    client,
    backends: createBuildBackends(config.buildSettings ?? {}),
    events: manager.eventRecorder(`${API_GROUP}/operator`, identity, { qps: 5, burst: 50 }),
    buildEvents: manager.eventRecorder(`${API_GROUP}/operator`, identity, { qps: 1, burst: 25 }),
    ...(config.namespace === undefined ? {} : { namespace: config.namespace }),
    registryOptions: {
      insecureRegistries: config.insecureRegistries,
      ...(caBundle === undefined ? {} : { caBundle }),
    },
    registryIdentity,
    ...(config.releaseReadAhead === false ? { releaseReadAhead: false } : {}),
    ...(config.statusMinIntervalMs === undefined ? {} : { statusMinIntervalMs: config.statusMinIntervalMs }),
    ...(config.reconcileDebounceMs === undefined
      ? {}
      : {
          reconcileDebounce: {
            windowMs: config.reconcileDebounceMs,
            maxDelayMs: 5 * config.reconcileDebounceMs,
          },
        }),
    ...(retryDelayMs === undefined
      ? {}
      : { retryDelayMs: (n: number) => Math.min(retryDelayMs * 2 ** Math.max(0, n - 1), 300_000) }),
  });
  const verifyRetryDelayMs = config.verifyRetryDelayMs;
  setupReleaseStreamController({
    manager,
    client,
    events: manager.eventRecorder(`${API_GROUP}/operator`, identity, { qps: 5, burst: 50 }),
    ...(config.namespace === undefined ? {} : { namespace: config.namespace }),
    registryOptions: {
      insecureRegistries: config.insecureRegistries,
      ...(caBundle === undefined ? {} : { caBundle }),
    },
    registryIdentity,
    ...(verifyRetryDelayMs === undefined
      ? {}
      : {
          verifyRetryDelayMs: (n: number) => Math.min(verifyRetryDelayMs * 2 ** Math.max(0, n - 1), 900_000),
        }),
  });
  // The controllers' shared informers (set up above, with their indexers) feed the per-object gauges.
  const watchScope = config.namespace === undefined ? {} : { namespace: config.namespace };
  const payloadBuildStore = manager.informer(PAYLOAD_BUILDS, watchScope).store;
  const releaseStreamStore = manager.informer(RELEASE_STREAMS, watchScope).store;
  registerStatusMetrics(manager.registry, {
    payloadBuilds: () => payloadBuildStore.list(),
    releaseStreams: () => releaseStreamStore.list(),
  });
  // Before the manager starts: a --web-addr that cannot be served stops the operator before it acts.
  const web =
    config.web === undefined
      ? undefined
      : await startOperatorWeb({
          manager,
          client,
          address: config.web,
          ...(config.webGitHosts === undefined ? {} : { gitHosts: config.webGitHosts }),
          ...(config.namespace === undefined ? {} : { namespace: config.namespace }),
          registryOptions: {
            insecureRegistries: config.insecureRegistries,
            ...(caBundle === undefined ? {} : { caBundle }),
          },
          logger: log,
        });
  await manager.start();
  log.info(
    {
      controllers: [PAYLOAD_BUILD_CONTROLLER, RELEASE_STREAM_CONTROLLER],
      namespace: config.namespace ?? "(all)",
      leaderElect: config.leaderElect,
      identity,
      ...(manager.healthUrl === undefined ? {} : { healthUrl: manager.healthUrl }),
    },
    "operator started",
  );
  return {
    manager,
    logger: log,
    healthUrl: manager.healthUrl,
    webUrl: web?.url,
    stop: async () => {
      await web?.close();
      await manager.stop();
    },
  };
}
