import { describe, expect, it } from "vitest";
import { ManualClock } from "../../../src/runtime/clock.js";
import { WorkQueue } from "../../../src/runtime/work-queue.js";

function queue(clock = new ManualClock(), rateLimiter = {}) {
  return { clock, q: new WorkQueue({ clock, rateLimiter }) };
}

/** Takes every key that is ready now, without waiting. */
async function takeReady(q: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (q.length > 0) {
    const key = await q.get();
    if (key !== undefined) keys.push(key);
  }
  return keys;
}

describe("WorkQueue", () => {
  it("hands out a key added many times only once", async () => {
    const { q } = queue();
    q.add("ns/a");
    q.add("ns/b");
    q.add("ns/a");
    q.add("ns/a");
    expect(await takeReady(q)).toEqual(["ns/a", "ns/b"]);
  });

  it("never hands the same key to two workers, and re-runs it once when added mid-processing", async () => {
    const { q } = queue();
    q.add("k");
    const first = await q.get();
    expect(first).toBe("k");
    q.add("k");
    q.add("k");
    expect(q.length).toBe(0); // not handed out while processing
    q.done("k");
    expect(await takeReady(q)).toEqual(["k"]);
    q.done("k");
    expect(q.length).toBe(0);
  });

  it("wakes a waiting worker when a key arrives", async () => {
    const { q } = queue();
    const pending = q.get();
    q.add("late");
    expect(await pending).toBe("late");
  });

  it("backs off exponentially per key and resets on forget", async () => {
    const { q } = queue(new ManualClock(), { baseDelayMs: 10, maxDelayMs: 1000, qps: 1000, burst: 1000 });
    expect([
      q.addRateLimited("k"),
      q.addRateLimited("k"),
      q.addRateLimited("k"),
      q.addRateLimited("k"),
    ]).toEqual([10, 20, 40, 80]);
    expect(q.retries("k")).toBe(4);
    expect(q.addRateLimited("other")).toBe(10);
    q.forget("k");
    expect(q.addRateLimited("k")).toBe(10);
  });

  it("caps the backoff at the maximum", () => {
    const { q } = queue(new ManualClock(), { baseDelayMs: 100, maxDelayMs: 300, qps: 1000, burst: 1000 });
    const delays = Array.from({ length: 6 }, () => q.addRateLimited("k"));
    expect(delays).toEqual([100, 200, 300, 300, 300, 300]);
  });

  it("spaces retries across keys by the global token bucket once the burst is spent", () => {
    const { q } = queue(new ManualClock(), { baseDelayMs: 1, maxDelayMs: 1, qps: 10, burst: 2 });
    const delays = ["a", "b", "c", "d"].map((k) => q.addRateLimited(k));
    expect(delays).toEqual([1, 1, 100, 200]);
  });

  it("queues a delayed key only when its time has come", async () => {
    const { q, clock } = queue();
    q.addAfter("k", 500);
    clock.advance(499);
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(await takeReady(q)).toEqual(["k"]);
  });

  it("keeps the earliest of several delayed adds of one key", async () => {
    const { q, clock } = queue();
    q.addAfter("k", 1000);
    q.addAfter("k", 200);
    q.addAfter("k", 5000);
    clock.advance(200);
    expect(await takeReady(q)).toEqual(["k"]);
    q.done("k");
    clock.advance(10_000);
    expect(q.length).toBe(0);
  });

  it("on shutdown releases waiting workers, ignores adds and drops delayed keys", async () => {
    const { q, clock } = queue();
    const waiting = q.get();
    q.addAfter("later", 100);
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add("x");
    clock.advance(1000);
    expect(q.length).toBe(0);
    expect(await q.get()).toBeUndefined();
  });

  it("drain waits for in-flight work to finish", async () => {
    const { q } = queue();
    q.add("k");
    const key = await q.get();
    q.shutDown();
    let drained = false;
    const draining = q.drain().then(() => (drained = true));
    await Promise.resolve();
    expect(drained).toBe(false);
    q.done(key ?? "");
    await draining;
    expect(drained).toBe(true);
  });

  it("reports how long the longest in-flight key has been running", async () => {
    const { q, clock } = queue();
    q.add("a");
    await q.get();
    clock.advance(2000);
    q.add("b");
    await q.get();
    clock.advance(1000);
    expect(q.inFlight()).toEqual({ unfinishedSeconds: 4, longestSeconds: 3 });
  });
});
