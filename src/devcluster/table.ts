/** Server-side printing: `meta.k8s.io/v1` Tables built from printer columns, as `kubectl get` asks. */
import { evaluateJsonPath, parseJsonPath } from "./jsonpath.js";
import type { PrinterColumn, ResourceDefinition } from "./resource-definition.js";
import type { KubeObject } from "./types.js";

/** What each row carries: nothing, PartialObjectMetadata, or the full object. */
export type IncludeObject = "None" | "Metadata" | "Object";

/** Renders a duration as kubectl does (`5s`, `3m12s`, `2d4h`). */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return "<invalid>";
  if (s < 0) return "0s";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / (24 * 365));
  return y < 8 ? `${y}y${Math.floor((h % (24 * 365)) / 24)}d` : `${y}y`;
}

/** The columns of a resource: Name, its printer columns, and Age (CRDs default to Name + Age). */
export function columnsOf(def: ResourceDefinition): PrinterColumn[] {
  const age: PrinterColumn = {
    name: "Age",
    type: "date",
    jsonPath: ".metadata.creationTimestamp",
    description:
      "CreationTimestamp is a timestamp representing the server time when this object was created.",
  };
  if (!def.builtIn) return def.printerColumns.length > 0 ? def.printerColumns : [age];
  return [...def.printerColumns, age];
}

function cell(column: PrinterColumn, object: KubeObject, now: number): unknown {
  let results: unknown[];
  try {
    results = evaluateJsonPath(parseJsonPath(column.jsonPath), object);
  } catch {
    return null;
  }
  if (results.length === 0) return null;
  const value =
    results.length === 1
      ? results[0]
      : results.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join(",");
  if (column.type === "date" && typeof value === "string") {
    const t = Date.parse(value);
    return Number.isNaN(t) ? value : humanDuration(now - t);
  }
  if ((column.type === "integer" || column.type === "number") && typeof value === "number") return value;
  if (column.type === "boolean" && typeof value === "boolean") return value;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** One row per object. */
export function tableRows(
  def: ResourceDefinition,
  objects: readonly KubeObject[],
  include: IncludeObject,
  now: number,
): unknown[] {
  const columns = columnsOf(def);
  return objects.map((o) => {
    const row: Record<string, unknown> = {
      cells: [o.metadata.name ?? "", ...columns.map((c) => cell(c, o, now))],
    };
    if (include === "Object") row["object"] = o;
    else if (include === "Metadata")
      row["object"] = { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: o.metadata };
    return row;
  });
}

/** A full Table response. */
export function toTable(
  def: ResourceDefinition,
  objects: readonly KubeObject[],
  include: IncludeObject,
  now: number,
  listMeta: Record<string, unknown>,
  withHeaders = true,
): Record<string, unknown> {
  const columns = columnsOf(def);
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: withHeaders
      ? [
          {
            name: "Name",
            type: "string",
            format: "name",
            description: "Name must be unique within a namespace.",
            priority: 0,
          },
          ...columns.map((c) => ({
            name: c.name,
            type: c.type,
            format: c.format ?? "",
            description: c.description ?? "",
            priority: c.priority ?? 0,
          })),
        ]
      : [],
    rows: tableRows(def, objects, include, now),
  };
}
