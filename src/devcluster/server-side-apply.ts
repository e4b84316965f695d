/**
 * Server-side apply: merges an applied configuration into the live object, detecting conflicts
 * with fields other managers own, removing fields the manager stopped applying, and recording the
 * manager's Apply entry in managedFields.
 */
import { applyConflict, type StatusCause } from "./errors.js";
import { fieldSetOf, fromFieldsV1, itemToken, pathTokens, toFieldsV1 } from "./field-set.js";
import { withApplyEntry, stripManaged, type FieldManagerIdentity } from "./managed-fields.js";
import { deepEqual } from "./object-meta.js";
import { PATCH_MERGE_KEYS } from "./strategic-merge-patch.js";
import { itemsSchema, propertySchema } from "./structural-schema.js";
import {
  asJson,
  cloneJson,
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type KubeObject,
} from "./types.js";

/** Inputs of one apply. */
export interface ApplyRequest {
  live: KubeObject | undefined;
  applied: KubeObject;
  schema: JsonObject;
  builtIn: boolean;
  id: FieldManagerIdentity;
  force: boolean;
  target: { group: string; kind: string; name: string };
}

/** Returns the object after the apply (managedFields updated); throws a 409 with causes on conflicts. */
export function serverSideApply(req: ApplyRequest): KubeObject {
  const { live, applied, schema, builtIn, id } = req;
  const appliedSet = fieldSetOf(asJson(stripManaged(applied)), schema, builtIn);
  if (live === undefined) {
    const created = cloneJson(applied);
    created.metadata.managedFields = withApplyEntry([], id, appliedSet.keys());
    return created;
  }
  const liveSet = fieldSetOf(asJson(stripManaged(live)), schema, builtIn);
  const entries = live.metadata.managedFields ?? [];
  const causes: StatusCause[] = [];
  const stolen = new Map<number, Set<string>>();
  entries.forEach((e, index) => {
    if (
      e.manager === id.manager &&
      e.operation === "Apply" &&
      (e.subresource ?? "") === (id.subresource ?? "")
    )
      return;
    if (e.manager === id.manager && e.operation === "Update") return;
    const owned = fromFieldsV1(e.fieldsV1);
    for (const [p, v] of appliedSet) {
      if (!owned.has(p) || p.endsWith(".")) continue;
      if (liveSet.has(p) && !deepEqual(liveSet.get(p), v)) {
        if (req.force) {
          let s = stolen.get(index);
          if (s === undefined) stolen.set(index, (s = new Set()));
          s.add(p);
        } else {
          const field = displayPath(p);
          causes.push({
            reason: "FieldManagerConflict",
            message: `conflict with "${e.manager}"${e.operation === "Update" ? ` using ${e.apiVersion}` : ""}: ${field}`,
            field,
          });
        }
      }
    }
  });
  if (causes.length > 0) throw applyConflict(req.target, causes);

  let merged = mergeApplied(
    live as unknown as JsonValue,
    applied as unknown as JsonValue,
    schema,
    "",
    builtIn,
    true,
  ) as unknown as KubeObject;
  const others = entries
    .map((e, index) => {
      const s = stolen.get(index);
      if (s === undefined) return e;
      const left = [...fromFieldsV1(e.fieldsV1)].filter((p) => !s.has(p));
      return left.length === 0 ? undefined : { ...e, fieldsV1: toFieldsV1(left) };
    })
    .filter((e) => e !== undefined);
  const previous = entries.find(
    (e) =>
      e.manager === id.manager && e.operation === "Apply" && (e.subresource ?? "") === (id.subresource ?? ""),
  );
  if (previous !== undefined) {
    const ownedByOthers = new Set<string>();
    for (const e of others)
      if (e !== previous) for (const p of fromFieldsV1(e.fieldsV1)) ownedByOthers.add(p);
    const dropped = [...fromFieldsV1(previous.fieldsV1)].filter(
      (p) => !appliedSet.has(p) && !ownedByOthers.has(p),
    );
    // Remove whole list items no one else owns anything under first, then leaves elsewhere (never
    // the key fields of an item that stays).
    const removedItems = dropped
      .filter((d) => d.endsWith("."))
      .map((d) => d.slice(0, -1))
      .filter((prefix) => ![...ownedByOthers].some((o) => o.startsWith(prefix)));
    for (const prefix of removedItems) merged = removePath(merged, pathTokens(prefix).slice(0, -1));
    for (const p of dropped) {
      if (p.endsWith(".") || removedItems.some((prefix) => p.startsWith(prefix))) continue;
      const tokens = pathTokens(p);
      const parent = tokens[tokens.length - 2] ?? "";
      const leaf = tokens[tokens.length - 1] ?? "";
      if (
        parent.startsWith("k:") &&
        leaf.startsWith("f:") &&
        parent.includes(`${JSON.stringify(leaf.slice(2))}:`)
      )
        continue;
      merged = removePath(merged, tokens);
    }
  }
  merged.metadata = {
    ...merged.metadata,
    managedFields: withApplyEntry(
      others.filter((e) => e !== previous),
      id,
      appliedSet.keys(),
    ),
  };
  return merged;
}

function listKeysFor(
  schema: JsonObject | undefined,
  field: string,
  builtIn: boolean,
): string[] | "set" | undefined {
  const type = schema?.["x-kubernetes-list-type"];
  const keys = schema?.["x-kubernetes-list-map-keys"];
  if (type === "map" && Array.isArray(keys)) return keys.filter((k): k is string => typeof k === "string");
  if (type === "set" || field === "finalizers") return "set";
  const key = PATCH_MERGE_KEYS[field];
  if ((builtIn && key !== undefined) || field === "ownerReferences") return [key ?? "uid"];
  return undefined;
}

function mergeApplied(
  live: JsonValue | undefined,
  applied: JsonValue,
  schema: JsonObject | undefined,
  field: string,
  builtIn: boolean,
  root: boolean,
): JsonValue {
  if (isJsonObject(applied) && isJsonObject(live)) {
    const out: JsonObject = { ...live };
    for (const [k, v] of Object.entries(applied)) {
      if (root && k === "metadata" && isJsonObject(v)) {
        out[k] = mergeApplied(live[k], v, undefined, k, builtIn, false);
        continue;
      }
      out[k] = mergeApplied(
        live[k],
        v,
        schema === undefined ? undefined : propertySchema(schema, k),
        k,
        builtIn,
        false,
      );
    }
    return out;
  }
  if (Array.isArray(applied) && Array.isArray(live)) {
    const keys = listKeysFor(schema, field, builtIn);
    if (keys === "set") return [...live, ...applied.filter((a) => !live.some((l) => deepEqual(l, a)))];
    if (keys !== undefined && applied.every(isJsonObject)) {
      const items = schema === undefined ? undefined : itemsSchema(schema);
      const out = [...live];
      for (const a of applied) {
        if (!isJsonObject(a)) continue;
        const token = itemToken(a, keys);
        const i = out.findIndex((l) => isJsonObject(l) && itemToken(l, keys) === token);
        if (i >= 0) out[i] = mergeApplied(out[i], a, items, "", builtIn, false);
        else out.push(cloneJson(a));
      }
      return out;
    }
  }
  return cloneJson(applied);
}

function removePath(object: KubeObject, tokens: string[]): KubeObject {
  const copy = cloneJson(object) as unknown as JsonValue;
  let node: JsonValue | undefined = copy;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? "";
    const last = i === tokens.length - 1;
    if (t.startsWith("f:") && isJsonObject(node)) {
      if (last) delete node[t.slice(2)];
      else node = node[t.slice(2)];
    } else if ((t.startsWith("k:") || t.startsWith("v:")) && Array.isArray(node)) {
      const want: unknown = JSON.parse(t.slice(2));
      const idx = node.findIndex((item) =>
        t.startsWith("v:")
          ? deepEqual(item, want)
          : isJsonObject(item) &&
            isJsonObject(want) &&
            Object.entries(want).every(([k, v]) => deepEqual(item[k], v)),
      );
      if (idx < 0) break;
      if (last) node.splice(idx, 1);
      else node = node[idx];
    } else break;
  }
  return copy as unknown as KubeObject;
}

/** A flattened path as the API server prints it in conflicts: `.spec.replicas`, `.status.conditions[type="Ready"]`. */
export function displayPath(path: string): string {
  let out = "";
  for (const t of pathTokens(path)) {
    if (t.startsWith("f:")) out += `.${t.slice(2)}`;
    else if (t.startsWith("k:")) {
      const parsed: unknown = JSON.parse(t.slice(2));
      out += isJsonObject(parsed)
        ? `[${Object.entries(parsed)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(",")}]`
        : t;
    } else if (t.startsWith("v:")) out += `[${t.slice(2)}]`;
  }
  return out;
}
