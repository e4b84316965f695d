import { describe, expect, it } from "vitest";
import { AuditLog, DEFAULT_AUDIT_LIMIT, type AuditEntry } from "../../../src/devcluster/audit-log.js";

function entry(name: string, verb = "get"): AuditEntry {
  return {
    verb,
    group: "",
    version: "v1",
    resource: "configmaps",
    subresource: "",
    namespace: "default",
    name,
    userAgent: "test",
    code: 200,
    path: "",
    time: "2026-01-01T00:00:00Z",
  };
}

describe("AuditLog", () => {
  it("keeps only the most recent entries, oldest first, and counts the dropped ones", () => {
    const log = new AuditLog(3);
    for (const n of ["a", "b", "c", "d", "e"]) log.record(entry(n, n === "d" ? "create" : "get"));
    expect(log.entries().map((e) => e.name)).toEqual(["c", "d", "e"]);
    expect(log.filter({ verb: "create" }).map((e) => e.name)).toEqual(["d"]);
    expect(log.dropped).toBe(2);
    log.clear();
    expect(log.entries()).toEqual([]);
    log.record(entry("f"));
    expect(log.entries().map((e) => e.name)).toEqual(["f"]);
  });

  it("is bounded by default and rejects a limit that is not a positive integer", () => {
    expect(new AuditLog().limit).toBe(DEFAULT_AUDIT_LIMIT);
    expect(() => new AuditLog(0)).toThrow(/positive integer/);
  });
});
