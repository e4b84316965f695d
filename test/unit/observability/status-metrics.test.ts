import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import {
  acceptedSamples,
  conditionSamples,
  registerStatusMetrics,
  type StatusObject,
} from "../../../src/observability/status-metrics.js";

const pb = (name: string, conditions: unknown): StatusObject => ({
  metadata: { name, namespace: "ns" },
  status: { conditions },
});

describe("status metrics", () => {
  it("exports Ready/Progressing/Degraded as 1 (True) or 0, skipping other conditions and objects without status", () => {
    const samples = conditionSamples("PayloadBuild", [
      pb("a", [
        { type: "Ready", status: "False" },
        { type: "Degraded", status: "True" },
        { type: "Other", status: "True" },
      ]),
      { metadata: { name: "b", namespace: "ns" } },
      pb("c", "not a list"),
    ]);
    expect(samples).toEqual([
      { labels: { kind: "PayloadBuild", namespace: "ns", name: "a", type: "Ready" }, value: 0 },
      { labels: { kind: "PayloadBuild", namespace: "ns", name: "a", type: "Degraded" }, value: 1 },
    ]);
  });

  it("a stream's last accepted time is its newest Accepted release's phase change, else its creation", () => {
    const samples = acceptedSamples([
      {
        metadata: { name: "s", namespace: "ns", creationTimestamp: "2026-01-01T00:00:00Z" },
        status: {
          releases: [
            { phase: "Rejected", phaseChangedAt: "2026-01-05T00:00:00Z" },
            { phase: "Accepted", phaseChangedAt: "2026-01-03T00:00:00Z" },
            { phase: "Accepted", createdAt: "2026-01-02T00:00:00Z" },
          ],
        },
      },
      { metadata: { name: "new", namespace: "ns", creationTimestamp: "2026-01-04T00:00:00Z" }, status: {} },
      { metadata: { name: "no-time", namespace: "ns" } },
    ]);
    expect(samples).toEqual([
      { labels: { namespace: "ns", name: "s" }, value: Date.parse("2026-01-03T00:00:00Z") / 1000 },
      { labels: { namespace: "ns", name: "new" }, value: Date.parse("2026-01-04T00:00:00Z") / 1000 },
    ]);
  });

  it("reads the sources at every scrape, dropping objects that are gone", async () => {
    const registry = new Registry();
    let builds = [pb("a", [{ type: "Degraded", status: "True" }])];
    registerStatusMetrics(registry, { payloadBuilds: () => builds, releaseStreams: () => [] });
    expect(await registry.metrics()).toContain(
      'payload_operator_condition{kind="PayloadBuild",namespace="ns",name="a",type="Degraded"} 1',
    );
    builds = [];
    expect(await registry.metrics()).not.toContain('name="a"');
  });
});
