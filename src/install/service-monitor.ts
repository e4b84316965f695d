/**
 * The ServiceMonitor of `config/prometheus/` (kubebuilder's `monitor.yaml`): the Prometheus
 * Operator scrapes `/metrics` of the operator's metrics Service (plain HTTP on the `metrics` port).
 */
import { BASE_NAMESPACE, COMMON_LABELS, MANAGER_SELECTOR } from "./install-names.js";
import type { ManifestObject } from "./rbac-manifests.js";

/** Base name of the ServiceMonitor (prefixed when installed). */
export const SERVICE_MONITOR = "controller-manager-metrics-monitor";

/** The ServiceMonitor selecting the metrics Service by the manager's labels. */
export function serviceMonitor(): ManifestObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: {
      name: SERVICE_MONITOR,
      namespace: BASE_NAMESPACE,
      labels: { ...COMMON_LABELS, ...MANAGER_SELECTOR },
    },
    spec: {
      endpoints: [{ path: "/metrics", port: "metrics", scheme: "http" }],
      selector: { matchLabels: { ...MANAGER_SELECTOR } },
    },
  };
}
