/** Counts audited API requests by verb and resource. */
import type { AuditEntry } from "../../src/devcluster/index.js";

/** `verb resource[/subresource]` (with ` -> CODE` for answers other than 2xx) -> count, most frequent first. */
export function tallyRequests(
  entries: readonly Pick<AuditEntry, "verb" | "resource" | "subresource" | "path" | "code">[],
): [string, number][] {
  const counts = new Map<string, number>();
  for (const e of entries) {
    const what =
      e.resource === "" ? e.path : e.subresource === "" ? e.resource : `${e.resource}/${e.subresource}`;
    const key = `${e.verb} ${what}${e.code >= 200 && e.code < 300 ? "" : ` -> ${e.code}`}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Entries that write a PayloadBuild's status (update or patch of `payloadbuilds/status`). */
export function isStatusWrite(e: Pick<AuditEntry, "verb" | "resource" | "subresource">): boolean {
  return (
    e.resource === "payloadbuilds" &&
    e.subresource === "status" &&
    (e.verb === "update" || e.verb === "patch")
  );
}
