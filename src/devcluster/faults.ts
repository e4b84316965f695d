/** Fault injection settings and the decisions taken from them. */

/** Faults to inject; everything is off by default. */
export interface FaultOptions {
  /** Fraction (0..1) of writes (create, update, patch, delete) that fail. */
  writeFailureRate?: number;
  /** Status codes a failing write answers with, chosen at random (default [409, 429, 500]). */
  writeFailureCodes?: (409 | 429 | 500)[];
  /** `Retry-After` seconds sent with 429 (default 1). */
  retryAfterSeconds?: number;
  /** Delay added before every response, in ms (a number, or [min, max] for a random delay). */
  delayMs?: number | [number, number];
  /** Probability, per delivered watch event, that the server closes the watch stream after it. */
  watchCloseRate?: number;
  /** Every watch started while set ends after this many ms (a number, or [min, max] for random), even when idle. */
  watchLifetimeMs?: number | [number, number];
  /** Only requests with this `User-Agent` get write faults (unset: every client's writes). */
  userAgent?: string;
}

/** What to do with one request. */
export type FaultDecision = { kind: "none" } | { kind: "fail"; code: 409 | 429 | 500 };

/**
 * Decides whether a write fails; `random` is injectable for tests. A write whose `userAgent`
 * differs from `faults.userAgent` (when set) never fails.
 */
export function decideWriteFault(
  faults: FaultOptions,
  random: () => number = Math.random,
  userAgent?: string,
): FaultDecision {
  if (faults.userAgent !== undefined && userAgent !== faults.userAgent) return { kind: "none" };
  const rate = faults.writeFailureRate ?? 0;
  if (rate <= 0 || random() >= rate) return { kind: "none" };
  const codes = faults.writeFailureCodes ?? [409, 429, 500];
  const code = codes[Math.floor(random() * codes.length)] ?? 500;
  return { kind: "fail", code };
}

/** The delay to add before a response, in ms. */
export function decideDelay(faults: FaultOptions, random: () => number = Math.random): number {
  const d = faults.delayMs;
  if (d === undefined) return 0;
  if (typeof d === "number") return Math.max(0, d);
  const [min, max] = d;
  return Math.max(0, min + random() * (max - min));
}
