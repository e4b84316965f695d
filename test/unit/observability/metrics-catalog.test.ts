/**
 * docs/operations.md lists exactly the metrics the operator's code registers (with their type) and
 * exactly the alerts of the PrometheusRule; `promtool check metrics` accepts the exposition.
 */
import { collectDefaultMetrics, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { OPERATOR_ALERTS } from "../../../src/install/prometheus-rules.js";
import { RuntimeMetrics } from "../../../src/observability/runtime-metrics.js";
import { registerStatusMetrics } from "../../../src/observability/status-metrics.js";
import { PayloadMetrics } from "../../../src/payload-build/payload-metrics.js";
import { ReleaseStreamMetrics } from "../../../src/release-stream/release-stream-metrics.js";
import { documentedAlerts, documentedMetrics, isDefaultProcessMetric } from "../../support/operations-doc.js";
import { promtoolCheckMetrics, promtoolLintProblems } from "../../support/promtool.js";
import { itWithTools } from "../../support/required-tool.js";

/** A registry with every metric the operator process registers (see src/main.ts, src/runtime/manager.ts). */
function operatorRegistry(): Registry {
  const registry = new Registry();
  const runtime = new RuntimeMetrics(registry);
  for (const controller of ["payloadbuild", "releasestream"]) {
    const metrics = runtime.forController(controller, 4, () => ({ unfinishedSeconds: 0, longestSeconds: 0 }));
    metrics.reconciled("success", 0.02, false);
    metrics.queue.added();
    metrics.queue.queued(0.001);
    metrics.queue.worked(0.02);
  }
  runtime.setLeader("payload-operator", true);
  const payload = new PayloadMetrics(registry);
  payload.buildStarted("openshift", 1);
  payload.releasePushed(120, 0.4);
  new ReleaseStreamMetrics(registry).accepted(300);
  registerStatusMetrics(registry, {
    payloadBuilds: () => [
      {
        metadata: { name: "okd", namespace: "okd-build" },
        status: { conditions: [{ type: "Ready", status: "True" }] },
      },
    ],
    releaseStreams: () => [
      {
        metadata: { name: "s", namespace: "okd-build", creationTimestamp: "2026-12-01T00:00:00Z" },
        status: {},
      },
    ],
  });
  collectDefaultMetrics({ register: registry });
  return registry;
}

describe("metrics catalog (docs/operations.md)", () => {
  it("documents every metric the operator registers, with its type, and nothing else", async () => {
    const registered = (await operatorRegistry().getMetricsAsJSON())
      .filter((m) => !isDefaultProcessMetric(m.name))
      .map((m) => ({ name: m.name, type: String(m.type) }))
      .sort((a, b) => a.name.localeCompare(b.name));
    const documented = (await documentedMetrics())
      .map((row) => ({ name: row.name, type: row.cells[0] ?? "" }))
      .sort((a, b) => a.name.localeCompare(b.name));
    expect(documented).toEqual(registered);
  });

  it("documents every alert of the PrometheusRule with its severity", async () => {
    expect((await documentedAlerts()).map((row) => [row.name, row.cells[0]])).toEqual(
      OPERATOR_ALERTS.map((a) => [a.alert, a.labels.severity]),
    );
  });

  itWithTools(["promtool"])(
    "promtool check metrics finds nothing but prom-client's own gauges named _total",
    async () => {
      const text = await operatorRegistry().metrics();
      expect(text).toContain("controller_runtime_reconcile_total");
      expect(promtoolLintProblems(await promtoolCheckMetrics(text))).toEqual([]);
    },
  );
});
