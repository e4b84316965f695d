/** Retention as release-controller's garbage collection does it, and Go durations. */
import { describe, expect, it } from "vitest";
import type { RetentionSpec } from "../../../src/api/index.js";
import { parseGoDurationMs, releasesToRemove } from "../../../src/release-stream/retention.js";
import { release } from "./stream-fixtures.js";

const retention = (r: Partial<RetentionSpec> = {}): RetentionSpec => ({
  keepAccepted: 2,
  keepFailed: 1,
  keepRejected: 1,
  deleteImages: false,
  ...r,
});
const NOW = Date.parse("2026-11-30T00:00:00Z");

describe("releasesToRemove", () => {
  // Newest first.
  const releases = [
    release("2026-11-21-100000", "Ready"),
    release("2026-11-21-090000", "Rejected"),
    release("2026-11-21-080000", "Rejected"),
    release("2026-11-21-070000", "Accepted"),
    release("2026-11-21-060000", "Failed"),
    release("2026-11-21-050000", "Accepted"),
    release("2026-11-21-040000", "Accepted"),
    release("2026-11-21-030000", "Rejected"),
    release("2026-11-21-020000", "Pending"),
  ];
  const names = (set: Set<string>) => [...set].map((n) => n.slice(-17)).sort();

  it("removes failures older than the oldest accepted, keeps keepFailed/keepRejected of the newer, accepted beyond keepAccepted at once without expireAfter", () => {
    expect(names(releasesToRemove(releases, retention(), new Set(), NOW))).toEqual([
      "2026-11-21-030000", // Rejected older than the oldest Accepted
      "2026-11-21-040000", // third Accepted, no expireAfter
      "2026-11-21-080000", // second Rejected beyond keepRejected 1
    ]);
  });

  it("keeps accepted releases beyond keepAccepted until expireAfter has passed", () => {
    expect(names(releasesToRemove(releases, retention({ expireAfter: "240h" }), new Set(), NOW))).toEqual([
      "2026-11-21-030000",
      "2026-11-21-080000",
    ]);
    expect(names(releasesToRemove(releases, retention({ expireAfter: "168h" }), new Set(), NOW))).toContain(
      "2026-11-21-040000",
    );
  });

  it("never removes a release marked keep, nor Pending and Ready ones", () => {
    const keep = new Set([releases[7]?.name ?? "", releases[2]?.name ?? ""]);
    const removed = names(releasesToRemove(releases, retention(), keep, NOW));
    expect(removed).toEqual(["2026-11-21-040000"]);
  });
});

describe("parseGoDurationMs", () => {
  it("reads Go durations", () => {
    expect(parseGoDurationMs("168h")).toBe(168 * 3_600_000);
    expect(parseGoDurationMs("1h30m")).toBe(5_400_000);
    expect(parseGoDurationMs("1.5s")).toBe(1500);
    expect(parseGoDurationMs("3d")).toBeUndefined();
  });
});
