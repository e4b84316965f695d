/**
 * The PrometheusRule of `config/prometheus/` (and the OLM bundle): alerts on the operator's own
 * metrics. Every alert names what to look at; `docs/operations.md` lists them and a test keeps the
 * list and {@link OPERATOR_ALERTS} equal; `test/prometheus/` checks the rules with `promtool`.
 */
import { BASE_NAMESPACE, COMMON_LABELS } from "./install-names.js";
import { METRICS_SERVICE } from "./manager-manifests.js";
import { INSTALL_NAME_PREFIX } from "./install-names.js";
import type { ManifestObject } from "./rbac-manifests.js";

/** Base name of the PrometheusRule (prefixed by `config/default`'s name prefix when installed). */
export const PROMETHEUS_RULE = "controller-manager-alerts";
/** Prometheus's `job` label of the operator's scrape target: the metrics Service's installed name. */
export const OPERATOR_JOB = `${INSTALL_NAME_PREFIX}${METRICS_SERVICE}`;
/** The operator's controllers, as `controller_runtime_*` and `workqueue_*` label them. */
const CONTROLLERS = 'controller=~"payloadbuild|releasestream"';
const QUEUES = 'name=~"payloadbuild|releasestream"';

/** One alerting rule. */
export interface AlertRule {
  readonly alert: string;
  readonly expr: string;
  readonly for: string;
  readonly labels: { readonly severity: "warning" | "critical" };
  readonly annotations: { readonly summary: string; readonly description: string };
}

/** Every alert, in the order of the rule group. */
export const OPERATOR_ALERTS: readonly AlertRule[] = [
  {
    alert: "PayloadBuildDegraded",
    expr: 'max by (namespace, name) (payload_operator_condition{kind="PayloadBuild",type="Degraded"}) == 1',
    for: "15m",
    labels: { severity: "warning" },
    annotations: {
      summary: "PayloadBuild {{ $labels.namespace }}/{{ $labels.name }} has been Degraded for 15 minutes",
      description:
        "A component failed for good, a release cannot be assembled or pushed, or a write is refused. " +
        "`kubectl describe payloadbuild {{ $labels.name }} -n {{ $labels.namespace }}` shows the Degraded " +
        "condition's message and the failed components.",
    },
  },
  {
    alert: "ReleaseStreamNoAcceptedRelease",
    expr: "time() - max by (namespace, name) (payload_operator_stream_last_accepted_timestamp_seconds) > 86400",
    for: "5m",
    labels: { severity: "warning" },
    annotations: {
      summary: "ReleaseStream {{ $labels.namespace }}/{{ $labels.name }} has accepted no release for a day",
      description:
        "No release of the stream was accepted in the last 24 hours (or since it was created). " +
        "`payloadctl releases {{ $labels.name }} -n {{ $labels.namespace }}` lists its releases with " +
        "their phase and verification results.",
    },
  },
  {
    alert: "PayloadOperatorReconcileErrors",
    expr: `sum by (controller) (rate(controller_runtime_reconcile_errors_total{${CONTROLLERS}}[5m])) > 0`,
    for: "15m",
    labels: { severity: "warning" },
    annotations: {
      summary: "The {{ $labels.controller }} controller has failed reconciles for 15 minutes",
      description:
        "Reconciles end in errors (API errors, refused writes, registry failures) and are retried with " +
        "backoff. The operator's log (`kubectl logs deploy/okd-payload-operator-controller-manager -n " +
        "okd-payload-operator-system`) names each error.",
    },
  },
  {
    alert: "PayloadOperatorWorkQueueBackingUp",
    expr: `max by (name) (workqueue_depth{${QUEUES}}) > 100`,
    for: "15m",
    labels: { severity: "warning" },
    annotations: {
      summary: "The {{ $labels.name }} work queue has held more than 100 objects for 15 minutes",
      description:
        "The operator does not keep up with the changes it is asked to reconcile: look at " +
        "workqueue_work_duration_seconds and controller_runtime_reconcile_time_seconds, and at the " +
        "API server's and registries' latency.",
    },
  },
  {
    alert: "PayloadOperatorReconcileStuck",
    expr: `max by (name) (workqueue_longest_running_processor_seconds{${QUEUES}}) > 600`,
    for: "5m",
    labels: { severity: "warning" },
    annotations: {
      summary: "A {{ $labels.name }} reconcile has been running for more than 10 minutes",
      description:
        "One reconcile does not finish (a registry or API call hanging, a very large release push). " +
        "The operator's log shows the reconcile that started and did not end.",
    },
  },
  {
    alert: "PayloadOperatorDown",
    expr: `absent(up{job="${OPERATOR_JOB}"} == 1)`,
    for: "10m",
    labels: { severity: "critical" },
    annotations: {
      summary: "The okd-payload-operator has not been scraped for 10 minutes",
      description:
        "No PayloadBuild or ReleaseStream is reconciled while it is down. " +
        "`kubectl get pods -n okd-payload-operator-system` shows the operator's pod.",
    },
  },
];

/** The PrometheusRule (prometheus-operator's `monitoring.coreos.com/v1`) holding {@link OPERATOR_ALERTS}. */
export function prometheusRule(): ManifestObject {
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: { name: PROMETHEUS_RULE, namespace: BASE_NAMESPACE, labels: { ...COMMON_LABELS } },
    spec: {
      groups: [
        {
          name: "okd-payload-operator",
          rules: OPERATOR_ALERTS.map((a) => ({
            alert: a.alert,
            expr: a.expr,
            for: a.for,
            labels: { ...a.labels },
            annotations: { ...a.annotations },
          })),
        },
      ],
    },
  };
}
