/**
 * The pure parts of the reliability harness: what it reads from audit logs, the registry fault
 * proxy's decisions, the dev cluster's per-User-Agent write faults, and the document's preserved
 * sections.
 */
import { describe, expect, it } from "vitest";
import { decideWriteFault } from "../../../src/devcluster/faults.js";
import {
  creationsByName,
  duplicates,
  firstUsefulWriteAfter,
  overlappingWriters,
  quantile,
  retryAfterViolations,
  writerSpans,
  type AuditedRequest,
} from "../../reliability/audit-checks.js";
import { decideRegistryFault, isBlobTransfer } from "../../reliability/registry-fault-proxy.js";
import { preservedSections } from "../../reliability/reliability-report.js";

const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 12, 0, 0) + s * 1000).toISOString();
function req(partial: Partial<AuditedRequest> & { t: number }): AuditedRequest {
  const { t, ...rest } = partial;
  return {
    verb: "get",
    resource: "builds",
    subresource: "",
    namespace: "ns",
    name: "",
    code: 200,
    userAgent: "op/a",
    time: at(t),
    ...rest,
  };
}

describe("audit checks", () => {
  it("counts successful creations per name and finds the duplicates", () => {
    const entries = [
      req({ t: 0, verb: "create", name: "okd-a-1", code: 201 }),
      req({ t: 1, verb: "create", name: "okd-a-1", code: 409 }),
      req({ t: 2, verb: "create", name: "okd-b-1", code: 201 }),
      req({ t: 3, verb: "create", name: "okd-b-1", code: 201 }),
      req({ t: 4, verb: "create", name: "x", code: 201, namespace: "other" }),
      req({ t: 5, verb: "create", name: "s", code: 201, resource: "imagestreams" }),
    ];
    const counts = creationsByName(entries, "ns");
    expect([...counts]).toEqual([
      ["okd-a-1", 1],
      ["okd-b-1", 2],
    ]);
    expect(duplicates(counts)).toEqual([["okd-b-1", 2]]);
  });

  it("finds the first useful write: not a Lease, not an Event, not a failure", () => {
    const entries = [
      req({ t: 0, verb: "update", resource: "builds", code: 200 }),
      req({ t: 10, verb: "update", resource: "leases", code: 200 }),
      req({ t: 11, verb: "create", resource: "events", code: 201 }),
      req({ t: 12, verb: "update", resource: "payloadbuilds", subresource: "status", code: 409 }),
      req({ t: 13, verb: "list", resource: "builds" }),
      req({ t: 14.5, verb: "update", resource: "payloadbuilds", subresource: "status", code: 200 }),
    ];
    expect(firstUsefulWriteAfter(entries, Date.parse(at(9)))).toBe(5_500);
    expect(firstUsefulWriteAfter(entries, Date.parse(at(15)))).toBeUndefined();
  });

  it("flags a request sent again before its 429's Retry-After, not one sent after it", () => {
    const entries = [
      req({ t: 0, verb: "create", name: "okd-a-1", code: 429 }),
      req({ t: 0.2, verb: "create", name: "okd-b-1", code: 201 }),
      req({ t: 1.1, verb: "create", name: "okd-a-1", code: 201 }),
      req({ t: 2, verb: "update", resource: "payloadbuilds", name: "okd", code: 429 }),
      req({ t: 2.5, verb: "update", resource: "payloadbuilds", name: "okd", code: 200 }),
    ];
    const { throttled, violations } = retryAfterViolations(entries, 1_000);
    expect(throttled).toBe(2);
    expect(violations).toEqual([
      { request: "update payloadbuilds  ns okd", throttledAt: at(2), sentAgainAt: at(2.5), waitedMs: 500 },
    ]);
  });

  it("finds two writers whose write spans overlap, and none when leadership passed cleanly", () => {
    const clean = [
      req({ t: 0, verb: "create", code: 201, userAgent: "op/a" }),
      req({ t: 5, verb: "update", code: 200, userAgent: "op/a" }),
      req({ t: 6, verb: "update", resource: "leases", code: 200, userAgent: "op/b" }),
      req({ t: 7, verb: "update", code: 200, userAgent: "op/b" }),
    ];
    const spans = writerSpans(clean, (ua) => ua.startsWith("op/"));
    expect(spans.map((s) => [s.userAgent, s.writes])).toEqual([
      ["op/a", 2],
      ["op/b", 1],
    ]);
    expect(overlappingWriters(spans)).toEqual([]);
    const both = [...clean, req({ t: 8, verb: "patch", code: 200, userAgent: "op/a" })];
    expect(overlappingWriters(writerSpans(both, () => true))).toHaveLength(1);
  });

  it("quantiles by nearest rank", () => {
    expect(quantile([3, 1, 2, 10], 0.5)).toBe(2);
    expect(quantile([3, 1, 2, 10], 1)).toBe(10);
    expect(quantile([], 0.5)).toBeUndefined();
  });
});

describe("registry fault decisions", () => {
  const blob = `/v2/ns/img/blobs/sha256:${"a".repeat(64)}`;
  it("knows blob transfers", () => {
    expect(isBlobTransfer("GET", blob)).toBe(true);
    expect(isBlobTransfer("HEAD", blob)).toBe(false);
    expect(isBlobTransfer("PATCH", "/v2/ns/img/blobs/uploads/123")).toBe(true);
    expect(isBlobTransfer("PUT", "/v2/ns/img/manifests/latest")).toBe(false);
  });
  it("resets blobs, fails or slows others, never the /v2/ ping", () => {
    const faults = { errorRate: 0.5, resetRate: 0.5, slowRate: 0.5, slowMs: 300 };
    expect(decideRegistryFault("GET", "/v2/", faults, () => 0)).toEqual({ kind: "forward" });
    expect(decideRegistryFault("GET", blob, faults, () => 0.1)).toEqual({ kind: "reset" });
    expect(decideRegistryFault("PUT", "/v2/ns/img/manifests/x", faults, () => 0.1)).toEqual({
      kind: "error",
      code: 500,
    });
    const rolls = [0.9, 0.1];
    expect(decideRegistryFault("PUT", "/v2/ns/img/manifests/x", faults, () => rolls.shift() ?? 0)).toEqual({
      kind: "slow",
      ms: 300,
    });
    expect(decideRegistryFault("GET", blob, faults, () => 0.99)).toEqual({ kind: "forward" });
  });
});

describe("dev cluster write faults", () => {
  it("fail only the writes of the User-Agent they target, when one is given", () => {
    const faults = { writeFailureRate: 1, writeFailureCodes: [429 as const], userAgent: "operator" };
    expect(decideWriteFault(faults, () => 0, "operator")).toEqual({ kind: "fail", code: 429 });
    expect(decideWriteFault(faults, () => 0, "build-system")).toEqual({ kind: "none" });
    expect(decideWriteFault({ writeFailureRate: 1, writeFailureCodes: [500] }, () => 0, "any")).toEqual({
      kind: "fail",
      code: 500,
    });
  });
});

describe("docs/reliability.md", () => {
  it("keeps the sections other harnesses write, and only those", () => {
    const existing = [
      "# Reliability",
      "",
      "## Crashes",
      "old figures",
      "## Hostile input and secrets",
      "",
      "53 fixtures: all refused.",
      "",
      "## Cost under load",
      "1,000 components: 3.1 writes per component",
      "## Failover",
      "old",
    ].join("\n");
    expect(preservedSections(existing)).toEqual([
      "## Hostile input and secrets\n\n53 fixtures: all refused.",
      "## Cost under load\n1,000 components: 3.1 writes per component",
    ]);
    expect(preservedSections(undefined)).toEqual([]);
  });
});
