import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { TooManyRequestsError } from "../../../src/kube/kube-errors.js";
import { formatObjectKey, type ObjectKey } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { RuntimeMetrics } from "../../../src/observability/runtime-metrics.js";
import { ManualClock, systemClock, type Clock } from "../../../src/runtime/clock.js";
import { Controller, type Reconciler } from "../../../src/runtime/controller.js";
import { awaitChange, requeueAfter, TerminalError } from "../../../src/runtime/outcome.js";

/** Polls `condition` (real time) until true or the deadline passes. */
async function eventually(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function controller(
  reconciler: Reconciler,
  opts: { clock?: Clock; max?: number; registry?: Registry } = {},
): Controller {
  const metrics = opts.registry === undefined ? undefined : new RuntimeMetrics(opts.registry);
  return new Controller(
    {
      name: "test",
      clock: opts.clock ?? systemClock,
      logger: silentLogger(),
      maxConcurrentReconciles: opts.max ?? 1,
      rateLimiter: { baseDelayMs: 100, maxDelayMs: 10_000, qps: 1000, burst: 1000 },
      ...(metrics === undefined
        ? {}
        : { metrics: (inFlight) => metrics.forController("test", opts.max ?? 1, inFlight) }),
    },
    reconciler,
  );
}

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

describe("Controller", () => {
  it("reconciles a key again once when it changed during its reconcile, never twice at once", async () => {
    const g = gate();
    let running = 0;
    let maxRunning = 0;
    const seen: string[] = [];
    const c = controller(
      async (key) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        seen.push(formatObjectKey(key));
        if (seen.length === 1) await g.promise;
        running--;
        return awaitChange();
      },
      { max: 4 },
    );
    c.start();
    c.enqueue("ns/a");
    await eventually(() => seen.length === 1, "first reconcile");
    c.enqueue("ns/a");
    c.enqueue("ns/a");
    c.enqueue("ns/a");
    g.open();
    await eventually(() => seen.length === 2 && running === 0, "second reconcile");
    await c.stop();
    expect(seen).toEqual(["ns/a", "ns/a"]);
    expect(maxRunning).toBe(1);
  });

  it("runs distinct keys concurrently up to the limit", async () => {
    const g = gate();
    let running = 0;
    let maxRunning = 0;
    let finished = 0;
    const c = controller(
      async () => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await g.promise;
        running--;
        finished++;
        return awaitChange();
      },
      { max: 2 },
    );
    c.start();
    for (const k of ["a", "b", "c", "d"]) c.enqueue(`ns/${k}`);
    await eventually(() => running === 2, "two reconciles running");
    g.open();
    await eventually(() => finished === 4, "all reconciled");
    await c.stop();
    expect(maxRunning).toBe(2);
  });

  it("retries a failing key with growing backoff until it succeeds, then resets", async () => {
    const clock = new ManualClock();
    const attempts: { at: number; retries: number }[] = [];
    const c = controller(
      async (_key, ctx) => {
        attempts.push({ at: clock.now(), retries: ctx.retries });
        if (attempts.length < 4) throw new Error("API hiccup");
        return awaitChange();
      },
      { clock },
    );
    c.start();
    const t0 = clock.now();
    c.enqueue("ns/a");
    await eventually(() => attempts.length === 1, "first attempt");
    for (const step of [100, 200, 400]) {
      const before = attempts.length;
      await eventually(() => c.queue.delayedCount === 1, "retry scheduled");
      clock.advance(step - 1);
      expect(attempts.length).toBe(before);
      clock.advance(1);
      await eventually(() => attempts.length === before + 1, "retry");
    }
    await eventually(() => c.queue.processingCount === 0, "done");
    expect(attempts.map((a) => a.at - t0)).toEqual([0, 100, 300, 700]);
    expect(attempts.map((a) => a.retries)).toEqual([0, 1, 2, 3]);
    expect(c.queue.retries("ns/a")).toBe(0);
    await c.stop();
  });

  it("waits at least the Retry-After of a throttled call before retrying", async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const c = controller(
      async () => {
        attempts++;
        if (attempts === 1)
          throw new TooManyRequestsError(429, "TooManyRequests", "PATCH x: slow down", undefined, 5000);
        return awaitChange();
      },
      { clock },
    );
    c.start();
    c.enqueue("ns/a");
    await eventually(() => attempts === 1 && c.queue.delayedCount === 1, "throttled attempt");
    clock.advance(4999);
    await new Promise((r) => setTimeout(r, 10));
    expect(attempts).toBe(1);
    clock.advance(1);
    await eventually(() => attempts === 2, "retry after Retry-After");
    await c.stop();
  });

  it("does not retry a terminal error", async () => {
    const clock = new ManualClock();
    let attempts = 0;
    const c = controller(
      async () => {
        attempts++;
        throw new TerminalError("spec.components[2].from names an unknown component");
      },
      { clock },
    );
    c.start();
    c.enqueue("ns/bad");
    await eventually(() => attempts === 1 && c.queue.processingCount === 0, "attempt");
    clock.advance(3_600_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(attempts).toBe(1);
    expect(c.queue.delayedCount).toBe(0);
    await c.stop();
  });

  it("requeues after the delay the reconciler asked for", async () => {
    const clock = new ManualClock();
    const keys: ObjectKey[] = [];
    const c = controller(
      async (key) => {
        keys.push(key);
        return requeueAfter(30_000);
      },
      { clock },
    );
    c.start();
    c.enqueue("ns/poll");
    await eventually(() => keys.length === 1 && c.queue.delayedCount === 1, "first");
    clock.advance(29_999);
    await new Promise((r) => setTimeout(r, 10));
    expect(keys.length).toBe(1);
    clock.advance(1);
    await eventually(() => keys.length === 2, "requeued");
    expect(keys[1]).toEqual({ namespace: "ns", name: "poll" });
    await c.stop();
  });

  it("stop waits for the reconcile in flight and starts no new one", async () => {
    const g = gate();
    let finished = 0;
    let started = 0;
    const c = controller(async () => {
      started++;
      await g.promise;
      finished++;
      return awaitChange();
    });
    c.start();
    c.enqueue("ns/a");
    c.enqueue("ns/b");
    await eventually(() => started === 1, "started");
    let stopped = false;
    const stopping = c.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    g.open();
    await stopping;
    expect(finished).toBe(1);
    expect(started).toBe(1);
  });

  it("counts reconciles by result under controller-runtime's metric names", async () => {
    const registry = new Registry();
    let n = 0;
    const c = controller(
      async () => {
        n++;
        if (n === 2) throw new TerminalError("invalid");
        return awaitChange();
      },
      { registry, max: 3 },
    );
    c.start();
    c.enqueue("ns/a");
    await eventually(() => n === 1 && c.queue.processingCount === 0, "a");
    c.enqueue("ns/b");
    await eventually(() => n === 2 && c.queue.processingCount === 0, "b");
    await c.stop();
    const text = await registry.metrics();
    expect(text).toContain('controller_runtime_reconcile_total{controller="test",result="success"} 1');
    expect(text).toContain('controller_runtime_reconcile_total{controller="test",result="error"} 1');
    expect(text).toContain('controller_runtime_terminal_reconcile_errors_total{controller="test"} 1');
    expect(text).toContain('controller_runtime_max_concurrent_reconciles{controller="test"} 3');
    expect(text).toContain('workqueue_adds_total{name="test",controller="test"} 2');
    expect(text).toMatch(/controller_runtime_reconcile_time_seconds_count\{controller="test"\} 2/);
  });
});
