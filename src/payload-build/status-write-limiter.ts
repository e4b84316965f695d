/**
 * Bounds how often one PayloadBuild's status is written, so a burst of build events (a
 * 1,000-component payload) coalesces into a few writes. The caller defers a write it is refused
 * and requeues after the returned delay, so the final state is always written. Starting builds
 * waits for the same delay (their attempts are recorded by the status write), so status writes are
 * bounded by time: one per interval, plus the few prompt ones (phase, conditions, release).
 */
import { formatObjectKey, type ObjectKey } from "../kube/resource.js";

/** Per-object minimum interval between status writes. One instance per controller. */
export class StatusWriteLimiter {
  readonly #minIntervalMs: number;
  readonly #lastWrite = new Map<string, number>();

  /** `minIntervalMs`: the shortest time between two writes of one object's status (0: no limit). */
  constructor(minIntervalMs: number) {
    this.#minIntervalMs = Math.max(0, minIntervalMs);
  }

  /** Milliseconds until `key` may be written again (0: now). */
  delayMs(key: ObjectKey, nowMs: number): number {
    const last = this.#lastWrite.get(formatObjectKey(key));
    return last === undefined ? 0 : Math.max(0, last + this.#minIntervalMs - nowMs);
  }

  /** Records a write of `key` at `nowMs`. */
  wrote(key: ObjectKey, nowMs: number): void {
    this.#lastWrite.set(formatObjectKey(key), nowMs);
  }

  /** Forgets `key` (its object is gone). */
  forget(key: ObjectKey): void {
    this.#lastWrite.delete(formatObjectKey(key));
  }
}
