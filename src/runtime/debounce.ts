/**
 * Debouncing of watch-triggered reconciles (kube-rs `controller::Config::debounce`): events for
 * one key that arrive close together are coalesced into one reconcile, run once the key has been
 * quiet for `windowMs`. Unlike kube-rs, the wait is bounded: a key is queued at most `maxDelayMs`
 * after its first pending event, so a key whose objects never go quiet is still reconciled.
 */

/** Debounce settings of a work queue. */
export interface DebounceOptions {
  /** Quiet time after the latest event before the key is queued. 0 disables debouncing. */
  readonly windowMs: number;
  /**
   * Longest wait from the first pending event to the key being queued, however busy the key is.
   * Values below `windowMs` are read as `windowMs`.
   */
  readonly maxDelayMs: number;
}

/** A key waiting for its debounce to end. */
export interface PendingDebounce {
  /** When the first event of this pending run arrived (ms). */
  readonly firstAt: number;
  /** When the key is to be queued (ms). */
  readonly dueAt: number;
}

/**
 * The pending state after an event for a key at `nowMs`: due `windowMs` after this event, but no
 * later than `maxDelayMs` after the first pending one. Pure; `pending` is the key's current state
 * (undefined when nothing is pending for it).
 */
export function debounceAfterEvent(
  pending: PendingDebounce | undefined,
  nowMs: number,
  options: DebounceOptions,
): PendingDebounce {
  const window = Math.max(0, options.windowMs);
  const firstAt = pending?.firstAt ?? nowMs;
  const dueAt = Math.min(nowMs + window, firstAt + Math.max(window, options.maxDelayMs));
  return { firstAt, dueAt: Math.max(dueAt, pending?.dueAt ?? dueAt) };
}

/** True when `options` debounce at all (a positive window). */
export function isDebouncing(options: DebounceOptions | undefined): options is DebounceOptions {
  return options !== undefined && options.windowMs > 0;
}
