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

/** Append-only audit log with simple queries. */
export class AuditLog {
  private readonly items: AuditEntry[] = [];

  /** Appends an entry. */
  record(entry: AuditEntry): void {
    this.items.push(entry);
  }

  /** All entries in arrival order (a copy). */
  entries(): AuditEntry[] {
    return [...this.items];
  }

  /** Entries matching every given field. */
  filter(match: Partial<AuditEntry>): AuditEntry[] {
    return this.items.filter((e) => Object.entries(match).every(([k, v]) => e[k as keyof AuditEntry] === v));
  }

  /** Forgets all entries. */
  clear(): void {
    this.items.length = 0;
  }
}
