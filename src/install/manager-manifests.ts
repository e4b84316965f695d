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
 * non-root with a read-only root filesystem and no capabilities, `/healthz` liveness and
 * `/readyz` readiness (informers synced), the metrics port named `metrics`.
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
              ports: [{ name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" }],
              livenessProbe: probe("/healthz", 15, 20),
              readinessProbe: probe("/readyz", 5, 10),
              resources: {
                requests: { cpu: "50m", memory: "128Mi" },
                limits: { cpu: "1", memory: "512Mi" },
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
