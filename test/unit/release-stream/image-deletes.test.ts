/**
 * Refused release-image deletes: the backoff between attempts, which recorded deletes are due, and
 * that turning `spec.retention.deleteImages` off drops them.
 */
import { describe, expect, it } from "vitest";
import {
  imageDeleteRetryDelayMs,
  pendingImageDeletes,
  planImageDeletes,
} from "../../../src/release-stream/image-deletes.js";

const T = Date.parse("2026-11-22T08:00:00Z");
const image = (n: number) => `registry.example/okd/release@sha256:${String(n).padStart(64, "0")}`;

describe("refused release-image deletes", () => {
  it("back off from 30 s, doubling, to at most one hour", () => {
    expect([1, 2, 3, 4, 8, 50].map(imageDeleteRetryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 3_600_000, 3_600_000,
    ]);
  });

  it("attempts the newly removed and the due recorded ones, and waits for the rest", () => {
    const recorded = [
      { release: "r1", image: image(1), attempts: 2, retryAt: "2026-11-22T07:59:00Z" },
      { release: "r2", image: image(2), attempts: 1, retryAt: "2026-11-22T08:00:45Z" },
    ];
    const plan = planImageDeletes(recorded, [{ release: "r3", image: image(3) }], true, T);
    expect(plan.due).toEqual([
      { release: "r3", image: image(3), attempts: 0 },
      { release: "r1", image: image(1), attempts: 2 },
    ]);
    expect(plan.waiting.map((w) => w.release)).toEqual(["r2"]);
    expect(plan.nextDueInMs).toBe(45_000);
  });

  it("drops every pending delete when deleteImages is turned off", () => {
    const recorded = [{ release: "r1", image: image(1), attempts: 3, retryAt: "2026-11-22T07:00:00Z" }];
    expect(planImageDeletes(recorded, [{ release: "r2", image: image(2) }], false, T)).toEqual({
      due: [],
      waiting: [],
    });
  });

  it("records each refusal with its answer and next attempt, and forgets the ones that succeeded", () => {
    const now = new Date(T);
    const pending = pendingImageDeletes(
      [],
      [
        { item: { release: "r1", image: image(1), attempts: 2 }, outcome: { refused: "HTTP 405" } },
        { item: { release: "r2", image: image(2), attempts: 0 }, outcome: {} },
      ],
      now,
    );
    expect(pending).toEqual([
      {
        release: "r1",
        image: image(1),
        attempts: 3,
        lastAttemptAt: "2026-11-22T08:00:00Z",
        retryAt: "2026-11-22T08:02:00Z",
        message: "HTTP 405",
      },
    ]);
  });
});
