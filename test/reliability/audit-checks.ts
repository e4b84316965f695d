/**
 * What the reliability scenarios read from an API server's audit log (the real kube-apiserver's or
 * the dev cluster's, one entry per request): creations per object, the first useful write after a
 * restart, requests sent again before a 429's Retry-After elapsed, and two writers at once. Pure.
 */

/** One audited request (the fields both audit logs have). */
export interface AuditedRequest {
  readonly verb: string;
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly code: number;
  readonly userAgent: string;
  /** ISO time the request was logged (its response). */
  readonly time: string;
}

const WRITE_VERBS = new Set(["create", "update", "patch", "delete", "deletecollection"]);

/** True for a write verb. */
export function isWrite(entry: AuditedRequest): boolean {
  return WRITE_VERBS.has(entry.verb);
}

/**
 * True for a write that moves a build forward: a successful write of anything but the leader Lease
 * and Events (bookkeeping the operator does whether or not it makes progress).
 */
export function isUsefulWrite(entry: AuditedRequest): boolean {
  return (
    isWrite(entry) &&
    entry.code >= 200 &&
    entry.code < 300 &&
    entry.resource !== "leases" &&
    entry.resource !== "events"
  );
}

/** Milliseconds since the epoch of an entry. */
export function timeOf(entry: AuditedRequest): number {
  return Date.parse(entry.time);
}

/** Successful creations (201) of `resources` in `namespace`, per object name, in order of first creation. */
export function creationsByName(
  entries: readonly AuditedRequest[],
  namespace: string,
  resources: readonly string[] = ["builds", "buildruns"],
): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of entries) {
    if (e.verb !== "create" || e.code !== 201 || e.namespace !== namespace) continue;
    if (!resources.includes(e.resource) || e.subresource !== "") continue;
    counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
  }
  return counts;
}

/** Names created more than once, with their counts. */
export function duplicates(counts: ReadonlyMap<string, number>): [string, number][] {
  return [...counts].filter(([, n]) => n > 1);
}

/** Milliseconds from `sinceMs` to the first useful write at or after it, or undefined when there is none. */
export function firstUsefulWriteAfter(
  entries: readonly AuditedRequest[],
  sinceMs: number,
  until = Number.POSITIVE_INFINITY,
): number | undefined {
  for (const e of entries) {
    const t = timeOf(e);
    if (t >= sinceMs && t < until && isUsefulWrite(e)) return t - sinceMs;
  }
  return undefined;
}

/** A request sent again before the Retry-After of the 429 it got had elapsed. */
export interface RetryAfterViolation {
  readonly request: string;
  readonly throttledAt: string;
  readonly sentAgainAt: string;
  readonly waitedMs: number;
}

function requestKey(e: AuditedRequest): string {
  return [e.verb, e.resource, e.subresource, e.namespace, e.name].join(" ");
}

/**
 * Every request answered 429 whose next identical request (verb, resource, subresource, namespace,
 * name) was logged less than `retryAfterMs` (minus `toleranceMs` for clock rounding) later.
 */
export function retryAfterViolations(
  entries: readonly AuditedRequest[],
  retryAfterMs: number,
  toleranceMs = 20,
): { throttled: number; violations: RetryAfterViolation[] } {
  const pending = new Map<string, AuditedRequest>();
  const violations: RetryAfterViolation[] = [];
  let throttled = 0;
  for (const e of entries) {
    const key = requestKey(e);
    const before = pending.get(key);
    if (before !== undefined) {
      pending.delete(key);
      const waited = timeOf(e) - timeOf(before);
      if (waited < retryAfterMs - toleranceMs)
        violations.push({ request: key, throttledAt: before.time, sentAgainAt: e.time, waitedMs: waited });
    }
    if (e.code === 429) {
      throttled += 1;
      pending.set(key, e);
    }
  }
  return { throttled, violations };
}

/** One writer's useful writes as a time span. */
export interface WriterSpan {
  readonly userAgent: string;
  readonly writes: number;
  readonly first: string;
  readonly last: string;
}

/** The useful writes of each user agent accepted by `who`, as spans, earliest first. */
export function writerSpans(
  entries: readonly AuditedRequest[],
  who: (userAgent: string) => boolean,
): WriterSpan[] {
  const spans = new Map<string, { writes: number; first: string; last: string }>();
  for (const e of entries) {
    if (!isUsefulWrite(e) || !who(e.userAgent)) continue;
    const span = spans.get(e.userAgent);
    if (span === undefined) spans.set(e.userAgent, { writes: 1, first: e.time, last: e.time });
    else spans.set(e.userAgent, { writes: span.writes + 1, first: span.first, last: e.time });
  }
  return [...spans]
    .map(([userAgent, s]) => ({ userAgent, ...s }))
    .sort((a, b) => Date.parse(a.first) - Date.parse(b.first));
}

/**
 * Pairs of writers whose spans of useful writes overlap in time: two replicas writing at the same
 * moment. Empty when leadership passed cleanly from one to the next.
 */
export function overlappingWriters(spans: readonly WriterSpan[]): [WriterSpan, WriterSpan][] {
  const overlaps: [WriterSpan, WriterSpan][] = [];
  for (let i = 0; i < spans.length; i++) {
    for (let j = i + 1; j < spans.length; j++) {
      const a = spans[i];
      const b = spans[j];
      if (a === undefined || b === undefined) continue;
      if (Date.parse(a.first) <= Date.parse(b.last) && Date.parse(b.first) <= Date.parse(a.last))
        overlaps.push([a, b]);
    }
  }
  return overlaps;
}

/** The `q` quantile (0..1) of `values` (nearest rank), or undefined when there are none. */
export function quantile(values: readonly number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
