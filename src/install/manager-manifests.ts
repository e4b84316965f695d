/**
 * The operator's own objects in `config/manager/` (its Namespace and Deployment) and the metrics
 * Service of `config/default/`, in kubebuilder's base form (namespace `system`, short names).
 */
import type { ManifestObject } from "./rbac-manifests.js";
import { RBAC_NAMES } from "./rbac-manifests.js";
import {
  BASE_IMAGE,
  BASE_NAMESPACE,
  COMMON_LABELS,
  MANAGER_SELECTOR,
  METRICS_PORT,
} from "./install-names.js";

/** Base name of the Deployment. */
export const MANAGER_DEPLOYMENT = "controller-manager";
/** Base name of the metrics Service. */
export const METRICS_SERVICE = "controller-manager-metrics-service";

/**
 * Arguments of the manager container (its entry point is `payloadctl operator`): leader election
 * on, probes and metrics on every interface of {@link METRICS_PORT}, JSON logs at info.
 */
export const MANAGER_ARGS: readonly string[] = ["--leader-elect", `--metrics-addr=:${METRICS_PORT}`];

/**
 * Environment of the manager container: `WATCH_NAMESPACE` without a value, so empty (every
 * namespace; not `value: ""`, which the API server drops, so every `kubectl apply` would find the
 * Deployment changed; the namespaced variant `config/namespaced` sets it to the pod's own namespace) and `POD_NAMESPACE` (the
 * namespace of the leader election Lease), as `payloadctl operator` reads them.
 */
export const MANAGER_ENV: readonly Readonly<Record<string, unknown>>[] = [
  { name: "WATCH_NAMESPACE" },
  { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
];

/**
 * Memory of the manager container. The image caps the V8 heap at `OPERATOR_HEAP_LIMIT_MIB` (140
 * MiB, `operator-heap.ts`); the request covers the measured peak RSS under load (under 200 MiB:
 * one PayloadBuild of 1,000 components, 20 of 100 at once), and the limit leaves room above the
 * heap for what is not in it (code, Node's runtime, registry transfer buffers and the release
 * assembler's content cache), so the heap cap, not the kernel's OOM killer, is what bounds the heap.
 */
export const MANAGER_MEMORY = { request: "256Mi", limit: "512Mi" } as const;

/**
 * The strategic merge patch of `config/namespaced`: the manager watches only the namespace it runs
 * in (`WATCH_NAMESPACE` from the pod's namespace).
 */
export function watchOwnNamespacePatch(): ManifestObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: MANAGER_DEPLOYMENT, namespace: BASE_NAMESPACE },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: "manager",
              env: [
                {
                  name: "WATCH_NAMESPACE",
                  value: null,
                  valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } },
                },
              ],
            },
          ],
        },
      },
    },
  };
}

/** The Namespace the operator runs in (renamed by `config/default`). */
export function managerNamespace(): ManifestObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: BASE_NAMESPACE, labels: { ...COMMON_LABELS, ...MANAGER_SELECTOR } },
  };
}

/**
 * The operator Deployment: one replica (leader election makes a second one a hot standby),
 * non-root with a read-only root filesystem, no capabilities and the RuntimeDefault seccomp profile,
 * `/healthz` liveness and `/readyz` readiness (informers synced), the metrics port named `metrics`,
 * requests and limits, and {@link MANAGER_ENV}.
 */
export function managerDeployment(): ManifestObject {
  const probe = (
    path: string,
    initialDelaySeconds: number,
    periodSeconds: number,
  ): Record<string, unknown> => ({
    httpGet: { path, port: "metrics" },
    initialDelaySeconds,
    periodSeconds,
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: MANAGER_DEPLOYMENT,
      namespace: BASE_NAMESPACE,
      labels: { ...COMMON_LABELS, ...MANAGER_SELECTOR },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { ...MANAGER_SELECTOR } },
      template: {
        metadata: {
          labels: { ...MANAGER_SELECTOR },
          annotations: { "kubectl.kubernetes.io/default-container": "manager" },
        },
        spec: {
          serviceAccountName: RBAC_NAMES.serviceAccount,
          terminationGracePeriodSeconds: 30,
          securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
          containers: [
            {
              name: "manager",
              image: BASE_IMAGE,
              args: [...MANAGER_ARGS],
              env: [...MANAGER_ENV],
              ports: [{ name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" }],
              livenessProbe: probe("/healthz", 15, 20),
              readinessProbe: probe("/readyz", 5, 10),
              resources: {
                requests: { cpu: "50m", memory: MANAGER_MEMORY.request },
                limits: { cpu: "1", memory: MANAGER_MEMORY.limit },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
            },
          ],
        },
      },
    },
  };
}

/** The Service Prometheus scrapes `/metrics` through. */
export function metricsService(): ManifestObject {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: METRICS_SERVICE,
      namespace: BASE_NAMESPACE,
      labels: { ...COMMON_LABELS, ...MANAGER_SELECTOR },
    },
    spec: {
      selector: { ...MANAGER_SELECTOR },
      ports: [{ name: "metrics", port: METRICS_PORT, targetPort: "metrics", protocol: "TCP" }],
    },
  };
}
