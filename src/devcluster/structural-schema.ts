/**
 * Walks of an `openAPIV3Schema` together with a value: defaulting and pruning of unknown fields,
 * as the API server does for custom resources before validation.
 */
import type { StatusCause } from "./errors.js";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./types.js";

/** The schema of a property of an object schema, if it is declared or covered by additionalProperties. */
export function propertySchema(schema: JsonObject, key: string): JsonObject | undefined {
  const props = schema["properties"];
  if (isJsonObject(props)) {
    const p = props[key];
    if (isJsonObject(p)) return p;
  }
  const additional = schema["additionalProperties"];
  if (isJsonObject(additional)) return additional;
  if (additional === true) return {};
  return undefined;
}

/** The schema of array items, if any. */
export function itemsSchema(schema: JsonObject): JsonObject | undefined {
  const items = schema["items"];
  return isJsonObject(items) ? items : undefined;
}

function preservesUnknown(schema: JsonObject): boolean {
  return (
    schema["x-kubernetes-preserve-unknown-fields"] === true || schema["x-kubernetes-int-or-string"] === true
  );
}

/**
 * Fills in `default` values for missing properties, recursively, in place.
 * `value` must be a private copy owned by the caller.
 */
export function applyDefaults(value: JsonValue, schema: JsonObject): void {
  if (isJsonObject(value)) {
    const props = schema["properties"];
    if (isJsonObject(props)) {
      for (const [key, propSchema] of Object.entries(props)) {
        if (!isJsonObject(propSchema)) continue;
        if (value[key] === undefined && propSchema["default"] !== undefined)
          value[key] = cloneJson(propSchema["default"]);
        const child = value[key];
        if (child !== undefined && child !== null) applyDefaults(child, propSchema);
      }
    }
    const additional = schema["additionalProperties"];
    if (isJsonObject(additional))
      for (const child of Object.values(value)) if (child !== null) applyDefaults(child, additional);
  } else if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    if (items !== undefined) for (const child of value) if (child !== null) applyDefaults(child, items);
  }
}

/**
 * Removes fields the schema does not declare (unless `x-kubernetes-preserve-unknown-fields`), in
 * place, and returns their paths (`spec.foo`, `spec.items[0].bar`) for field validation warnings.
 * At the root, `apiVersion`, `kind` and `metadata` are always kept.
 */
export function pruneUnknownFields(value: JsonValue, schema: JsonObject, path = "", root = true): string[] {
  const pruned: string[] = [];
  if (isJsonObject(value)) {
    const hasStructure = schema["properties"] !== undefined || schema["additionalProperties"] !== undefined;
    for (const key of Object.keys(value)) {
      if (root && (key === "apiVersion" || key === "kind" || key === "metadata")) continue;
      const childPath = path === "" ? key : `${path}.${key}`;
      const child = propertySchema(schema, key);
      if (child === undefined) {
        if (preservesUnknown(schema) || (!hasStructure && schema["type"] === undefined)) continue;
        delete value[key];
        pruned.push(childPath);
        continue;
      }
      const v = value[key];
      if (v !== undefined && v !== null) pruned.push(...pruneUnknownFields(v, child, childPath, false));
    }
  } else if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    if (items !== undefined)
      value.forEach((v, i) =>
        pruned.push(...(v === null ? [] : pruneUnknownFields(v, items, `${path}[${i}]`, false))),
      );
  }
  return pruned;
}

/**
 * Converts an `openAPIV3Schema` into a plain JSON Schema ajv understands (nullable, int-or-string).
 * `format` is kept only for string schemas naming one of `checkedFormats` (default: none).
 */
export function toAjvSchema(schema: JsonValue, checkedFormats?: ReadonlyMap<string, unknown>): JsonValue {
  if (Array.isArray(schema)) return schema.map((s) => toAjvSchema(s, checkedFormats));
  if (!isJsonObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(schema)) {
    if (
      k === "default" ||
      k === "example" ||
      k === "enum" ||
      k.startsWith("x-kubernetes") ||
      k === "format" ||
      k === "nullable"
    )
      continue;
    if (k === "properties" && isJsonObject(v)) {
      const props: JsonObject = {};
      for (const [pk, pv] of Object.entries(v)) props[pk] = toAjvSchema(pv, checkedFormats);
      out[k] = props;
    } else out[k] = toAjvSchema(v, checkedFormats);
  }
  const format = schema["format"];
  if (typeof format === "string" && schema["type"] === "string" && checkedFormats?.has(format) === true)
    out["format"] = format;
  if (Array.isArray(schema["enum"])) out["enum"] = schema["enum"];
  if (schema["x-kubernetes-int-or-string"] === true) {
    delete out["type"];
    out["anyOf"] = [{ type: "integer" }, { type: "string" }];
  }
  if (schema["nullable"] === true) {
    if (typeof out["type"] === "string") out["type"] = [out["type"], "null"];
    if (Array.isArray(out["enum"])) out["enum"] = [...out["enum"], null];
  }
  return out;
}

/** The list-map keys of `item` as kube-apiserver prints them: a JSON object, keys sorted. */
function mapKeysJson(item: JsonObject, keys: readonly string[]): string {
  return JSON.stringify(Object.fromEntries([...keys].sort().map((k) => [k, item[k] ?? null])));
}

/**
 * Duplicate entries of `x-kubernetes-list-type: map` (by their keys) and `set` lists, reported
 * like the API server: `spec.items[2]: Duplicate value: {"name":"x"}`.
 */
export function listUniquenessCauses(value: JsonValue, schema: JsonObject, path = ""): StatusCause[] {
  const causes: StatusCause[] = [];
  if (isJsonObject(value)) {
    for (const [key, child] of Object.entries(value)) {
      const childSchema = path === "" && key === "metadata" ? undefined : propertySchema(schema, key);
      if (childSchema !== undefined && child !== null)
        causes.push(...listUniquenessCauses(child, childSchema, path === "" ? key : `${path}.${key}`));
    }
  } else if (Array.isArray(value)) {
    const items = itemsSchema(schema);
    const type = schema["x-kubernetes-list-type"];
    const keys = Array.isArray(schema["x-kubernetes-list-map-keys"])
      ? schema["x-kubernetes-list-map-keys"].filter((k): k is string => typeof k === "string")
      : [];
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const id =
        type === "map" && isJsonObject(item)
          ? JSON.stringify(keys.map((k) => item[k] ?? null))
          : type === "set"
            ? JSON.stringify(item)
            : undefined;
      if (id !== undefined) {
        if (seen.has(id))
          causes.push({
            reason: "FieldValueDuplicate",
            field: `${path}[${i}]`,
            message: `Duplicate value: ${type === "map" && isJsonObject(item) ? mapKeysJson(item, keys) : JSON.stringify(item)}`,
          });
        seen.add(id);
      }
      if (items !== undefined && item !== null)
        causes.push(...listUniquenessCauses(item, items, `${path}[${i}]`));
    });
  }
  return causes;
}
