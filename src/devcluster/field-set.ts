/**
 * Field sets as used by managedFields (`fieldsV1`): the set of leaf paths an object sets, with
 * associative-list items keyed by their map keys (`k:{"type":"Ready"}`), set items by value
 * (`v:"x"`), and atomic values (scalars, other lists) as leaves.
 */
import { PATCH_MERGE_KEYS } from "./strategic-merge-patch.js";
import { itemsSchema, propertySchema } from "./structural-schema.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./types.js";

/** Separator between path tokens in a flattened path. */
const SEP = "\u0001";

/** A field set: flattened path -> the value at that path (for conflict detection). */
export type FieldSet = Map<string, JsonValue>;

const SKIPPED_METADATA = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
  "generateName",
]);

function listKeys(
  schema: JsonObject | undefined,
  field: string,
  builtIn: boolean,
): string[] | "set" | undefined {
  if (schema !== undefined) {
    const type = schema["x-kubernetes-list-type"];
    const keys = schema["x-kubernetes-list-map-keys"];
    if (type === "map" && Array.isArray(keys)) return keys.filter((k): k is string => typeof k === "string");
    if (type === "set") return "set";
  }
  if (field === "finalizers") return "set";
  const key = PATCH_MERGE_KEYS[field];
  if (builtIn && key !== undefined) return [key];
  if (field === "ownerReferences") return ["uid"];
  return undefined;
}

/** Token for an associative-list item. */
export function itemToken(item: JsonObject, keys: string[]): string {
  const k: JsonObject = {};
  for (const key of keys) k[key] = item[key] ?? null;
  return `k:${JSON.stringify(k)}`;
}

/** Computes the field set of `value` under `schema`. */
export function fieldSetOf(value: JsonValue, schema: JsonObject, builtIn: boolean): FieldSet {
  const out: FieldSet = new Map();
  walk(value, schema, "", "", builtIn, out, true);
  return out;
}

function walk(
  value: JsonValue,
  schema: JsonObject | undefined,
  prefix: string,
  field: string,
  builtIn: boolean,
  out: FieldSet,
  root: boolean,
): void {
  if (isJsonObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0 && !root) {
      out.set(prefix, value);
      return;
    }
    for (const [key, child] of entries) {
      if (root && (key === "apiVersion" || key === "kind")) continue;
      if (prefix === `f:metadata` && SKIPPED_METADATA.has(key)) continue;
      const childSchema = schema === undefined ? undefined : propertySchema(schema, key);
      walk(child, childSchema, join(prefix, `f:${key}`), key, builtIn, out, false);
    }
    return;
  }
  if (Array.isArray(value)) {
    const keys = listKeys(schema, field, builtIn);
    if (keys === "set") {
      for (const v of value) out.set(join(prefix, `v:${JSON.stringify(v)}`), v);
      return;
    }
    if (keys !== undefined && value.every(isJsonObject)) {
      const items = schema === undefined ? undefined : itemsSchema(schema);
      for (const item of value) {
        if (!isJsonObject(item)) continue;
        const p = join(prefix, itemToken(item, keys));
        out.set(join(p, "."), null);
        walk(item, items, p, "", builtIn, out, false);
      }
      return;
    }
  }
  out.set(prefix, value);
}

function join(prefix: string, token: string): string {
  return prefix === "" ? token : `${prefix}${SEP}${token}`;
}

/** Encodes flattened paths as a nested `fieldsV1` object. */
export function toFieldsV1(paths: Iterable<string>): JsonObject {
  const root: JsonObject = {};
  for (const path of paths) {
    let node = root;
    for (const token of path.split(SEP)) {
      let next = node[token];
      if (!isJsonObject(next)) node[token] = next = {};
      node = next;
    }
  }
  return root;
}

/** Decodes a `fieldsV1` object into flattened paths (leaves and "." markers). */
export function fromFieldsV1(fields: JsonValue | undefined): Set<string> {
  const out = new Set<string>();
  const visit = (node: JsonValue, prefix: string): void => {
    if (!isJsonObject(node)) return;
    const keys = Object.keys(node);
    if (keys.length === 0 && prefix !== "") out.add(prefix);
    for (const k of keys) {
      const child = node[k];
      if (child !== undefined) visit(child, join(prefix, k));
    }
  };
  visit(fields ?? {}, "");
  return out;
}

/** Splits a flattened path into tokens. */
export function pathTokens(path: string): string[] {
  return path.split(SEP);
}
