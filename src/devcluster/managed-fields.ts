/**
 * Maintenance of `metadata.managedFields`: for Update operations the manager takes ownership of
 * the fields it changed (and others lose them); for Apply the manager's set is exactly its
 * applied configuration.
 */
import { deepEqual } from "./object-meta.js";
import { fieldSetOf, fromFieldsV1, toFieldsV1, type FieldSet } from "./field-set.js";
import {
  asJson,
  type JsonObject,
  type JsonValue,
  type KubeObject,
  type ManagedFieldsEntry,
} from "./types.js";

/** Who is writing. */
export interface FieldManagerIdentity {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource: string | undefined;
  time: string;
}

function sameEntry(e: ManagedFieldsEntry, id: FieldManagerIdentity): boolean {
  return (
    e.manager === id.manager &&
    e.operation === id.operation &&
    (e.subresource ?? "") === (id.subresource ?? "")
  );
}

function entry(id: FieldManagerIdentity, paths: Iterable<string>): ManagedFieldsEntry {
  const e: ManagedFieldsEntry = {
    manager: id.manager,
    operation: id.operation,
    apiVersion: id.apiVersion,
    time: id.time,
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(paths),
  };
  if (id.subresource !== undefined) e.subresource = id.subresource;
  return e;
}

/** Paths whose value was added or changed between two field sets. */
export function changedPaths(before: FieldSet, after: FieldSet): string[] {
  const out: string[] = [];
  for (const [p, v] of after) if (!before.has(p) || !deepEqual(before.get(p), v)) out.push(p);
  return out;
}

/**
 * Returns the managedFields of `next` after an Update by `id`: the manager owns what it changed,
 * other managers lose those paths, and paths that disappeared are dropped from everyone.
 */
export function managedFieldsAfterUpdate(
  old: KubeObject | undefined,
  next: KubeObject,
  schema: JsonObject,
  builtIn: boolean,
  id: FieldManagerIdentity,
): ManagedFieldsEntry[] {
  const before =
    old === undefined ? new Map<string, JsonValue>() : fieldSetOf(asJson(stripManaged(old)), schema, builtIn);
  const after = fieldSetOf(asJson(stripManaged(next)), schema, builtIn);
  const changed = new Set(changedPaths(before, after));
  const existing = old?.metadata.managedFields ?? [];
  const result: ManagedFieldsEntry[] = [];
  let mine: Set<string> | undefined;
  for (const e of existing) {
    const paths = fromFieldsV1(e.fieldsV1);
    const kept = [...paths].filter((p) => after.has(p) && (sameEntry(e, id) || !changed.has(p)));
    if (sameEntry(e, id)) {
      mine = new Set(kept);
      continue;
    }
    if (kept.length === paths.size) result.push(e);
    else if (kept.length > 0) result.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  if (changed.size > 0 || mine !== undefined) {
    const all = new Set([...(mine ?? []), ...changed]);
    if (all.size > 0) {
      const previous = existing.find((e) => sameEntry(e, id));
      result.push(
        changed.size === 0 && previous !== undefined
          ? { ...previous, fieldsV1: toFieldsV1(all) }
          : entry(id, all),
      );
    }
  }
  return result;
}

/** Replaces (or adds) the Apply entry of `id` with exactly `paths`, keeping the other entries as given. */
export function withApplyEntry(
  entries: ManagedFieldsEntry[],
  id: FieldManagerIdentity,
  paths: Iterable<string>,
): ManagedFieldsEntry[] {
  const list = [...paths];
  const others = entries.filter((e) => !sameEntry(e, id));
  return list.length === 0 ? others : [...others, entry(id, list)];
}

/** The object without managedFields (for field set computation). */
export function stripManaged(object: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = object.metadata;
  return { ...object, metadata };
}
