/**
 * The de-duplicating work queue between watch events and reconciles (client-go's
 * `TypedRateLimitingQueue` contract).
 *
 * Guarantees:
 * - A key is handed out to at most one worker at a time.
 * - Adding a key that is already queued does nothing (de-duplication).
 * - Adding a key that is being processed marks it dirty: it is queued again once `done(key)` is
 *   called, so a change that arrived mid-reconcile is reconciled once more afterwards.
 * - `addAfter` keeps only the earliest pending delay per key.
 * - `addRateLimited` waits max(per-key exponential backoff, global token bucket); `forget`
 *   resets the key's backoff.
 * - `addDebounced` (watch events) queues the key once it has been quiet for the debounce window,
 *   at most `maxDelayMs` after its first pending event (see `debounce.ts`); without debounce
 *   options it is `add`. A key already queued or marked dirty ignores it, and handing a key out
 *   drops its pending debounce: that reconcile reads the state those events left.
 * - After `shutDown()`, `get()` resolves `undefined` at once and adds are ignored; `drain()`
 *   resolves when no key is being processed.
 */
import type { Clock, CancelTimer } from "./clock.js";
import { debounceAfterEvent, isDebouncing, type DebounceOptions, type PendingDebounce } from "./debounce.js";
import { RateLimiter, type RateLimiterOptions } from "./rate-limiter.js";

/** Receives the queue's measurements (see `src/observability/runtime-metrics.ts`). */
export interface WorkQueueObserver {
  added(): void;
  depth(n: number): void;
  /** Seconds a key waited between being queued and handed out. */
  queued(seconds: number): void;
  /** Seconds between `get` and `done`. */
  worked(seconds: number): void;
  retried(): void;
}

/** Options of {@link WorkQueue}. */
export interface WorkQueueOptions {
  readonly clock: Clock;
  readonly rateLimiter?: RateLimiterOptions;
  readonly observer?: WorkQueueObserver;
  /** Coalescing of {@link WorkQueue.addDebounced} calls; default none (they queue at once). */
  readonly debounce?: DebounceOptions;
}

/** See the module documentation for the contract. */
export class WorkQueue {
  readonly #clock: Clock;
  readonly #limiter: RateLimiter;
  readonly #observer: WorkQueueObserver | undefined;
  readonly #debounce: DebounceOptions | undefined;
  readonly #debounced = new Map<string, PendingDebounce & { cancel: CancelTimer }>();
  #queue: string[] = [];
  readonly #dirty = new Set<string>();
  readonly #processing = new Map<string, number>();
  readonly #queuedAt = new Map<string, number>();
  readonly #delayed = new Map<string, { at: number; cancel: CancelTimer }>();
  #getters: ((key: string | undefined) => void)[] = [];
  #drainers: (() => void)[] = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.#clock = options.clock;
    this.#limiter = new RateLimiter(options.clock, options.rateLimiter);
    this.#observer = options.observer;
    this.#debounce = options.debounce;
  }

  /** Queues `key` now (de-duplicated; see the module contract). */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#observer?.added();
    this.#dirty.add(key);
    this.#queuedAt.set(key, this.#clock.now());
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** Queues `key` after `delayMs`; an earlier pending delay for the same key wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) return this.add(key);
    const at = this.#clock.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing !== undefined) {
      if (existing.at <= at) return;
      existing.cancel();
    }
    const cancel = this.#clock.setTimer(() => {
      this.#delayed.delete(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { at, cancel });
  }

  /**
   * Queues `key` for a watch event, debounced (see the module contract): each call moves the
   * key's due time to `windowMs` from now, never past `maxDelayMs` after the first pending call.
   */
  addDebounced(key: string): void {
    if (this.#shuttingDown) return;
    const options = this.#debounce;
    if (!isDebouncing(options)) return this.add(key);
    if (this.#dirty.has(key)) return;
    const now = this.#clock.now();
    const pending = this.#debounced.get(key);
    const next = debounceAfterEvent(pending, now, options);
    if (pending !== undefined) {
      if (pending.dueAt === next.dueAt) return;
      pending.cancel();
    }
    const cancel = this.#clock.setTimer(() => {
      this.#debounced.delete(key);
      this.add(key);
    }, next.dueAt - now);
    this.#debounced.set(key, { ...next, cancel });
  }

  /**
   * Queues `key` after its backoff (counts as a retry), or after `minDelayMs` if that is longer
   * (e.g. a server's Retry-After); returns the delay used.
   */
  addRateLimited(key: string, minDelayMs = 0): number {
    const delay = Math.max(this.#limiter.when(key), minDelayMs);
    this.#observer?.retried();
    this.addAfter(key, delay);
    return delay;
  }

  /** Resets `key`'s backoff; call after a successful reconcile. */
  forget(key: string): void {
    this.#limiter.forget(key);
  }

  /** Failures of `key` since it was last forgotten. */
  retries(key: string): number {
    return this.#limiter.retries(key);
  }

  /**
   * Waits for the next key and marks it as processing. Resolves `undefined` once the queue is
   * shut down. Every key returned must be passed to {@link done}.
   */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Ends processing of `key`; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    const started = this.#processing.get(key);
    if (started === undefined) return;
    this.#processing.delete(key);
    this.#observer?.worked((this.#clock.now() - started) / 1000);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#push(key);
    if (this.#processing.size === 0) {
      const drainers = this.#drainers;
      this.#drainers = [];
      for (const d of drainers) d();
    }
  }

  /** Keys waiting to be handed out. */
  get length(): number {
    return this.#queue.length;
  }

  /** Keys handed out and not yet done. */
  get processingCount(): number {
    return this.#processing.size;
  }

  /** Keys waiting for a delayed add. */
  get delayedCount(): number {
    return this.#delayed.size;
  }

  /** Keys waiting for their debounce window to end. */
  get debouncedCount(): number {
    return this.#debounced.size;
  }

  /** Seconds of work in progress summed over keys, and of the longest-running one. */
  inFlight(): { unfinishedSeconds: number; longestSeconds: number } {
    const now = this.#clock.now();
    let unfinished = 0;
    let longest = 0;
    for (const started of this.#processing.values()) {
      const s = (now - started) / 1000;
      unfinished += s;
      longest = Math.max(longest, s);
    }
    return { unfinishedSeconds: unfinished, longestSeconds: longest };
  }

  /** True after {@link shutDown}. */
  get isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops handing out keys and accepting adds; pending delayed adds are dropped. */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const { cancel } of this.#delayed.values()) cancel();
    this.#delayed.clear();
    for (const { cancel } of this.#debounced.values()) cancel();
    this.#debounced.clear();
    const getters = this.#getters;
    this.#getters = [];
    for (const g of getters) g(undefined);
    this.#queue = [];
    this.#observer?.depth(0);
  }

  /** Resolves when no key is being processed. */
  drain(): Promise<void> {
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainers.push(resolve));
  }

  #push(key: string): void {
    const getter = this.#getters.shift();
    if (getter !== undefined) {
      this.#start(key);
      getter(key);
      return;
    }
    this.#queue.push(key);
    this.#observer?.depth(this.#queue.length);
  }

  #take(): string | undefined {
    const key = this.#queue.shift();
    if (key === undefined) return undefined;
    this.#observer?.depth(this.#queue.length);
    this.#start(key);
    return key;
  }

  #start(key: string): void {
    const now = this.#clock.now();
    this.#observer?.queued((now - (this.#queuedAt.get(key) ?? now)) / 1000);
    this.#queuedAt.delete(key);
    this.#dirty.delete(key);
    this.#processing.set(key, now);
    const debounced = this.#debounced.get(key);
    if (debounced !== undefined) {
      debounced.cancel();
      this.#debounced.delete(key);
    }
  }
}
