/** An in-memory audit log of API requests that tests can read. */

/** One audited request. */
export interface AuditEntry {
  /** Kubernetes verb: get, list, watch, create, update, patch, delete, deletecollection (or the HTTP method for non-resource URLs). */
  verb: string;
  group: string;
  version: string;
  /** Plural resource, or "" for non-resource requests. */
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
  userAgent: string;
  /** HTTP status code of the response (for watches: 200 when the stream started). */
  code: number;
  /** Request path, for non-resource requests. */
  path: string;
  time: string;
}

/** Entries an {@link AuditLog} keeps unless told otherwise. */
export const DEFAULT_AUDIT_LIMIT = 100_000;

/**
 * A bounded audit log: a ring buffer of the most recent `limit` entries (default
 * {@link DEFAULT_AUDIT_LIMIT}), so a long-running dev cluster (`payloadctl dev`, a 1,000-component
 * run) keeps constant memory. When more requests than `limit` arrive, the oldest entries are
 * dropped and {@link AuditLog.dropped} counts them; queries only see the retained entries.
 */
export class AuditLog {
  private ring: AuditEntry[] = [];
  /** Index of the oldest entry once the ring is full. */
  private next = 0;
  private droppedCount = 0;

  /** @param limit entries retained (a positive integer) */
  constructor(readonly limit: number = DEFAULT_AUDIT_LIMIT) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`audit log limit must be a positive integer, got ${limit}`);
  }

  /** Appends an entry, dropping the oldest one when the log is full. */
  record(entry: AuditEntry): void {
    if (this.ring.length < this.limit) {
      this.ring.push(entry);
      return;
    }
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.limit;
    this.droppedCount += 1;
  }

  /** How many entries were dropped because the log was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** The retained entries in arrival order, oldest first (a copy). */
  entries(): AuditEntry[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Retained entries matching every given field. */
  filter(match: Partial<AuditEntry>): AuditEntry[] {
    return this.entries().filter((e) =>
      Object.entries(match).every(([k, v]) => e[k as keyof AuditEntry] === v),
    );
  }

  /** Forgets all entries (and the dropped count). */
  clear(): void {
    this.ring = [];
    this.next = 0;
    this.droppedCount = 0;
  }
}
