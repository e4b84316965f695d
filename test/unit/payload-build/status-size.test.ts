/** A status write never makes a PayloadBuild larger than etcd stores; a condition says what was left out. */
import { describe, expect, it } from "vitest";
import type { ComponentStatus, PayloadBuildStatus } from "../../../src/api/index.js";
import { summarizeProblems } from "../../../src/payload-build/problem-summary.js";
import {
  fitStatusToObjectLimit,
  STATUS_OBJECT_BUDGET_BYTES,
  STATUS_TRUNCATED_CONDITION,
} from "../../../src/payload-build/status-size.js";

const NOW = new Date("2026-12-04T21:00:00Z");
const object = {
  apiVersion: "payload.okd.io/v1alpha1",
  kind: "PayloadBuild",
  metadata: { name: "big" },
  spec: {},
};

function entry(i: number, state: ComponentStatus["state"], message?: string): ComponentStatus {
  return {
    name: `component-${String(i).padStart(5, "0")}`,
    state,
    attempts: 1,
    build: `big-component-${i}-1`,
    image: `image-registry.openshift-image-registry.svc:5000/okd/release@sha256:${"a".repeat(64)}`,
    inputHash: `sha256:${"b".repeat(64)}`,
    startedAt: "2026-12-04T20:00:00Z",
    ...(message === undefined ? {} : { message }),
  };
}

const statusOf = (components: ComponentStatus[]): PayloadBuildStatus => ({
  phase: "Building",
  conditions: [],
  components,
  counts: { total: components.length, waiting: 0, building: 0, landed: 0, failed: 0, blocked: 0 },
});
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), "utf8");

describe("fitStatusToObjectLimit", () => {
  it("leaves a status that fits alone", () => {
    const status = statusOf([entry(1, "Landed")]);
    const fitted = fitStatusToObjectLimit(object, status, NOW);
    expect(fitted).toMatchObject({ status, omitted: 0, truncated: false });
  });

  it("keeps 5,000 components' status under the budget: failures first, counts whole, a condition saying so", () => {
    const components = Array.from({ length: 5000 }, (_, i) =>
      entry(
        i,
        i % 100 === 0 ? "Failed" : i % 2 === 0 ? "Landed" : "Waiting",
        i % 100 === 0 ? "x".repeat(1000) : undefined,
      ),
    );
    const status = statusOf(components);
    expect(bytes({ ...object, status })).toBeGreaterThan(STATUS_OBJECT_BUDGET_BYTES);
    const t = performance.now();
    const fitted = fitStatusToObjectLimit(object, status, NOW);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(bytes({ ...object, status: fitted.status })).toBeLessThanOrEqual(STATUS_OBJECT_BUDGET_BYTES);
    expect(fitted.truncated).toBe(true);
    expect(fitted.omitted).toBe(5000 - (fitted.status.components?.length ?? 0));
    const kept = fitted.status.components ?? [];
    expect(kept.filter((c) => c.state === "Failed")).toHaveLength(50);
    expect(kept.every((c) => (c.message ?? "").length <= 200)).toBe(true);
    expect(fitted.status.counts?.total).toBe(5000);
    const condition = fitted.status.conditions?.find((c) => c.type === STATUS_TRUNCATED_CONDITION);
    expect(condition).toMatchObject({ status: "True", reason: "ObjectSizeLimit" });
    expect(condition?.message).toMatch(
      new RegExp(`^status.components lists ${kept.length} of 5000 components`),
    );
    // The next reconcile computes the full status again, keeping the condition: the same result (no write loop).
    const again = fitStatusToObjectLimit(object, { ...status, conditions: fitted.status.conditions }, NOW);
    expect(again.status).toEqual(fitted.status);
  });

  it("clears the condition once the status fits again", () => {
    const status = {
      ...statusOf([entry(1, "Landed")]),
      conditions: [
        {
          type: STATUS_TRUNCATED_CONDITION,
          status: "True" as const,
          reason: "ObjectSizeLimit",
          message: "m",
          lastTransitionTime: "2026-12-04T20:00:00Z",
        },
      ],
    };
    const fitted = fitStatusToObjectLimit(object, status, NOW);
    expect(fitted.status.conditions).toEqual([]);
  });
});

describe("summarizeProblems", () => {
  it("lists every problem when they fit, and counts the rest past the budget", () => {
    const problems = Array.from({ length: 5000 }, (_, i) => ({
      path: `spec.components[${i}].from`,
      message: `"base-${i}" is not a component of this payload`,
    }));
    expect(summarizeProblems(problems.slice(0, 3)).split("\n")).toHaveLength(3);
    const summary = summarizeProblems(problems);
    expect(Buffer.byteLength(summary)).toBeLessThanOrEqual(12 * 1024 + 200);
    expect(summary).toMatch(/^spec\.components\[0\]\.from: "base-0" is not a component/);
    expect(summary).toMatch(/\n\.\.\. and \d+ more problems \(payloadctl validate -f FILE lists them all\)$/);
    const listed = summary.split("\n").length - 1;
    expect(summary).toContain(`and ${5000 - listed} more problems`);
  });
});
