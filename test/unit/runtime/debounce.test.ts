import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../../../src/observability/logger.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { Controller } from "../../../src/runtime/controller.js";
import { debounceAfterEvent, type PendingDebounce } from "../../../src/runtime/debounce.js";
import { awaitChange, requeueAfter } from "../../../src/runtime/outcome.js";
import { WorkQueue } from "../../../src/runtime/work-queue.js";

const OPTIONS = { windowMs: 200, maxDelayMs: 1000 };

function debouncingQueue(clock = new ManualClock()) {
  return { clock, q: new WorkQueue({ clock, debounce: OPTIONS }) };
}

/** Takes every key that is ready now, without waiting, and marks each done. */
async function drainReady(q: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (q.length > 0) {
    const key = await q.get();
    if (key === undefined) break;
    keys.push(key);
    q.done(key);
  }
  return keys;
}

describe("debounceAfterEvent", () => {
  it("is due one window after a lone event", () => {
    expect(debounceAfterEvent(undefined, 1000, OPTIONS)).toEqual({ firstAt: 1000, dueAt: 1200 });
  });

  it("moves the due time with each event, never past maxDelayMs after the first", () => {
    let pending: PendingDebounce | undefined;
    for (let t = 0; t <= 2000; t += 100) pending = debounceAfterEvent(pending, t, OPTIONS);
    expect(pending).toEqual({ firstAt: 0, dueAt: 1000 });
  });

  it("reads a maxDelayMs below the window as the window", () => {
    expect(debounceAfterEvent(undefined, 0, { windowMs: 300, maxDelayMs: 10 }).dueAt).toBe(300);
  });

  it("never lets a key wait more than maxDelayMs or less than the window after the first event (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 50 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 3000 }),
        (gaps, windowMs, maxDelayMs) => {
          const options = { windowMs, maxDelayMs };
          let pending: PendingDebounce | undefined;
          let now = 0;
          for (const gap of gaps) {
            now += gap;
            // The key is queued once due; later events start a new pending run.
            if (pending !== undefined && pending.dueAt <= now) pending = undefined;
            const next = debounceAfterEvent(pending, now, options);
            expect(next.dueAt).toBeGreaterThanOrEqual(pending?.dueAt ?? now);
            expect(next.dueAt - next.firstAt).toBeLessThanOrEqual(Math.max(windowMs, maxDelayMs));
            expect(next.dueAt).toBeLessThanOrEqual(now + windowMs);
            pending = next;
          }
        },
      ),
    );
  });
});

describe("WorkQueue.addDebounced", () => {
  it("coalesces a burst of events for one key into one hand-out after the key is quiet", async () => {
    const { clock, q } = debouncingQueue();
    for (let i = 0; i < 5; i++) {
      q.addDebounced("ns/a");
      clock.advance(50);
    }
    expect(q.length).toBe(0);
    clock.advance(149); // 199 ms after the last event
    expect(q.length).toBe(0);
    clock.advance(1);
    expect(await drainReady(q)).toEqual(["ns/a"]);
    expect(q.debouncedCount).toBe(0);
  });

  it("still hands out a key whose events never stop, maxDelayMs after the first", async () => {
    const { clock, q } = debouncingQueue();
    const handedOutAt: number[] = [];
    const start = clock.now();
    for (let t = 0; t < 3000; t += 100) {
      q.addDebounced("ns/busy");
      clock.advance(100);
      for (const key of await drainReady(q)) if (key === "ns/busy") handedOutAt.push(clock.now() - start);
    }
    // One reconcile per second of constant events, not one per event and not none.
    expect(handedOutAt).toEqual([1000, 2000, 3000]);
  });

  it("debounces each key on its own", async () => {
    const { clock, q } = debouncingQueue();
    q.addDebounced("ns/a");
    clock.advance(150);
    q.addDebounced("ns/b");
    clock.advance(50);
    expect(await drainReady(q)).toEqual(["ns/a"]);
    clock.advance(150);
    expect(await drainReady(q)).toEqual(["ns/b"]);
  });

  it("ignores events for a key already queued, and drops a pending debounce when the key is handed out", async () => {
    const { clock, q } = debouncingQueue();
    q.add("ns/a"); // e.g. a requeue: queued at once
    q.addDebounced("ns/a");
    expect(q.debouncedCount).toBe(0);
    const key = await q.get();
    expect(key).toBe("ns/a");
    // An event during the reconcile is debounced, then marks the key dirty: one more reconcile.
    q.addDebounced("ns/a");
    expect(q.debouncedCount).toBe(1);
    clock.advance(200);
    q.done("ns/a");
    expect(await drainReady(q)).toEqual(["ns/a"]);
    // A requeue that hands the key out first makes a pending debounce redundant.
    q.addDebounced("ns/a");
    q.add("ns/a");
    expect(await drainReady(q)).toEqual(["ns/a"]);
    expect(q.debouncedCount).toBe(0);
    clock.advance(1000);
    expect(q.length).toBe(0);
  });

  it("queues at once without debounce options, and drops pending keys on shutdown", async () => {
    const clock = new ManualClock();
    const plain = new WorkQueue({ clock });
    plain.addDebounced("ns/a");
    expect(await drainReady(plain)).toEqual(["ns/a"]);
    const { q } = debouncingQueue(clock);
    q.addDebounced("ns/a");
    q.shutDown();
    expect(q.debouncedCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("Controller with debounce", () => {
  it("reconciles a burst of watch events once, while its own requeueAfter is not delayed", async () => {
    const clock = new ManualClock();
    const reconciled: number[] = [];
    const c = new Controller({ name: "test", clock, logger: silentLogger(), debounce: OPTIONS }, () => {
      reconciled.push(clock.now());
      return Promise.resolve(reconciled.length === 1 ? requeueAfter(50) : awaitChange());
    });
    c.start();
    await Promise.resolve();
    const start = clock.now();
    for (let i = 0; i < 10; i++) c.enqueue("ns/a");
    clock.advance(200);
    await waitUntil(() => reconciled.length === 1);
    clock.advance(50);
    await waitUntil(() => reconciled.length === 2);
    expect(reconciled.map((t) => t - start)).toEqual([200, 250]);
    await c.stop();
  });
});

async function waitUntil(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((r) => setImmediate(r));
  expect(condition()).toBe(true);
}
