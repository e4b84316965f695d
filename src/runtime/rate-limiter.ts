/**
 * Retry pacing for the work queue, as client-go's default controller rate limiter: the larger
 * of a per-key exponential backoff and a global token bucket.
 */
import type { Clock } from "./clock.js";

/**
 * Delay before retry number `failures + 1`: `base * 2^failures`, capped at `max`. Pure.
 * `failures` is the number of failures so far (0 for the first retry).
 */
export function exponentialBackoffMs(failures: number, baseMs: number, maxMs: number): number {
  if (failures >= 64) return maxMs;
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, failures));
}

/**
 * A token bucket (`qps` tokens per second, at most `burst` saved). `reserve()` always takes a
 * token and returns how long the caller must wait for it (0 when one was available), like Go's
 * `rate.Limiter.Reserve().Delay()`.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;

  constructor(
    private readonly clock: Clock,
    private readonly qps: number,
    private readonly burst: number,
  ) {
    if (qps <= 0 || burst < 1)
      throw new Error(`token bucket needs qps > 0 and burst >= 1 (got qps ${qps}, burst ${burst})`);
    this.#tokens = burst;
    this.#last = clock.now();
  }

  /** Takes one token; returns the wait in ms before it may be used. */
  reserve(): number {
    this.#refill();
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : Math.ceil((-this.#tokens / this.qps) * 1000);
  }

  /** Takes a token only if one is available now. */
  tryTake(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  #refill(): void {
    const now = this.clock.now();
    this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#last) / 1000) * this.qps);
    this.#last = now;
  }
}

/** Settings of {@link RateLimiter}; defaults are client-go's (5 ms .. 1000 s, 10 qps, burst 100). */
export interface RateLimiterOptions {
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly qps?: number;
  readonly burst?: number;
}

/** Per-key exponential backoff combined with a global token bucket. */
export class RateLimiter {
  readonly #failures = new Map<string, number>();
  readonly #bucket: TokenBucket;
  readonly #base: number;
  readonly #max: number;

  constructor(clock: Clock, options: RateLimiterOptions = {}) {
    this.#base = options.baseDelayMs ?? 5;
    this.#max = options.maxDelayMs ?? 1_000_000;
    this.#bucket = new TokenBucket(clock, options.qps ?? 10, options.burst ?? 100);
  }

  /** Records one more failure of `key` and returns the delay before its retry. */
  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    return Math.max(exponentialBackoffMs(failures, this.#base, this.#max), this.#bucket.reserve());
  }

  /** Failures of `key` since the last {@link forget}. */
  retries(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Resets `key`'s backoff (after a success). */
  forget(key: string): void {
    this.#failures.delete(key);
  }
}
