/**
 * Reading kube-apiserver's JSON audit log (`--audit-log-format=json`, one event per line) into
 * one entry per request, in the same shape as the dev cluster's audit entries.
 */
import { readFile } from "node:fs/promises";

/** One request, as the audit log recorded it. */
export interface AuditRecord {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  /** Plural resource, or "" for non-resource requests. */
  readonly resource: string;
  readonly subresource: string;
  readonly namespace: string;
  readonly name: string;
  readonly user: string;
  readonly userAgent: string;
  /** Response code (for watches: 200 once the stream started). */
  readonly code: number;
  /** Request path (`requestURI`). */
  readonly path: string;
  readonly time: string;
  readonly auditID: string;
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
}

/** The entry of one audit event line, or undefined when the line is not an audit event. */
export function parseAuditEvent(line: string): AuditRecord | undefined {
  let event: Record<string, unknown>;
  try {
    event = record(JSON.parse(line));
  } catch {
    return undefined;
  }
  if (event["kind"] !== "Event") return undefined;
  const ref = record(event["objectRef"]);
  const status = record(event["responseStatus"]);
  return {
    verb: text(event["verb"]),
    group: text(ref["apiGroup"]),
    version: text(ref["apiVersion"]),
    resource: text(ref["resource"]),
    subresource: text(ref["subresource"]),
    namespace: text(ref["namespace"]),
    name: text(ref["name"]),
    user: text(record(event["user"])["username"]),
    userAgent: text(event["userAgent"]),
    code: typeof status["code"] === "number" ? status["code"] : 0,
    path: text(event["requestURI"]),
    time: text(event["stageTimestamp"]),
    auditID: text(event["auditID"]),
  };
}

/**
 * Every request in the audit log file, once each (a watch's `ResponseStarted` and
 * `ResponseComplete` events are one request), in the order they were first logged.
 */
export async function readAuditLog(file: string): Promise<AuditRecord[]> {
  const content = await readFile(file, "utf8").catch(() => "");
  const byId = new Map<string, AuditRecord>();
  for (const line of content.split("\n")) {
    const entry = line === "" ? undefined : parseAuditEvent(line);
    if (entry === undefined) continue;
    const first = byId.get(entry.auditID);
    if (first === undefined || first.code === 0) byId.set(entry.auditID, entry);
  }
  return [...byId.values()];
}
