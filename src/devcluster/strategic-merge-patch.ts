/**
 * Strategic merge patch for the built-in kinds: lists with a patch merge key are merged item by
 * item, `$patch: delete|replace`, `$deleteFromPrimitiveList/<f>`, `$setElementOrder/<f>` and
 * `$retainKeys` directives are honoured; other lists are replaced.
 */
import { badRequest } from "./errors.js";
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./types.js";

/** Patch merge keys of the built-in kinds, by field name (as in their Go struct tags). */
export const PATCH_MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: "name",
  initContainers: "name",
  ephemeralContainers: "name",
  volumes: "name",
  env: "name",
  imagePullSecrets: "name",
  volumeMounts: "mountPath",
  volumeDevices: "devicePath",
  ports: "containerPort",
  conditions: "type",
  ownerReferences: "uid",
  hostAliases: "ip",
  tags: "name",
  triggers: "type",
};

/** Lists of scalars merged as sets. */
const PRIMITIVE_MERGE_LISTS = new Set(["finalizers"]);

/** Applies a strategic merge patch and returns a new value. */
export function applyStrategicMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  return mergeMap(isJsonObject(target) ? target : {}, patch);
}

function mergeMap(target: JsonObject, patch: JsonObject): JsonObject {
  const directive = patch["$patch"];
  if (directive === "replace") {
    const { $patch: _p, ...rest } = patch;
    return cloneJson(rest);
  }
  if (directive === "delete") return {};
  let out: JsonObject = { ...target };
  const retain = patch["$retainKeys"];
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch" || key === "$retainKeys" || key.startsWith("$setElementOrder/")) continue;
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice("$deleteFromPrimitiveList/".length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(value))
        out[field] = current.filter((v) => !value.includes(v));
      continue;
    }
    if (value === null) {
      delete out[key];
      continue;
    }
    const current = out[key];
    if (Array.isArray(value))
      out[key] = mergeList(
        key,
        Array.isArray(current) ? current : [],
        value,
        patch[`$setElementOrder/${key}`],
      );
    else if (isJsonObject(value))
      out[key] = isJsonObject(current) ? mergeMap(current, value) : mergeMap({}, value);
    else out[key] = value;
  }
  if (Array.isArray(retain)) {
    const keep = new Set(retain.filter((k): k is string => typeof k === "string"));
    out = Object.fromEntries(Object.entries(out).filter(([k]) => keep.has(k)));
  }
  return out;
}

function mergeList(
  field: string,
  current: JsonValue[],
  patch: JsonValue[],
  order: JsonValue | undefined,
): JsonValue[] {
  if (patch.some((p) => isJsonObject(p) && p["$patch"] === "replace")) {
    return cloneJson(patch.filter((p) => !(isJsonObject(p) && p["$patch"] === "replace")));
  }
  if (PRIMITIVE_MERGE_LISTS.has(field)) {
    const out = [...current];
    for (const p of patch) if (!out.includes(p)) out.push(p);
    return sortByOrder(out, order, undefined);
  }
  const mergeKey = PATCH_MERGE_KEYS[field];
  if (mergeKey === undefined || !patch.every(isJsonObject)) return cloneJson(patch);
  const out: JsonValue[] = [...current];
  for (const item of patch) {
    if (!isJsonObject(item)) continue;
    const key = item[mergeKey];
    if (key === undefined)
      throw badRequest(`map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`);
    const index = out.findIndex((o) => isJsonObject(o) && o[mergeKey] === key);
    if (item["$patch"] === "delete") {
      if (index >= 0) out.splice(index, 1);
      continue;
    }
    const existing = index >= 0 ? out[index] : undefined;
    const merged = mergeMap(isJsonObject(existing) ? existing : {}, item);
    if (index >= 0) out[index] = merged;
    else out.push(merged);
  }
  if (Array.isArray(order)) return sortByOrder(out, order, mergeKey);
  // Without $setElementOrder, kube-apiserver puts the patch's items first (in its order), then the
  // items only the server had (normalizeElementOrder).
  const patchKeys = patch.map((p) => (isJsonObject(p) ? JSON.stringify(p[mergeKey] ?? null) : ""));
  const rank = (v: JsonValue): number => {
    const i = isJsonObject(v) ? patchKeys.indexOf(JSON.stringify(v[mergeKey] ?? null)) : -1;
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return out
    .map((item, i) => ({ item, i, r: rank(item) }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.item);
}

function sortByOrder(
  items: JsonValue[],
  order: JsonValue | undefined,
  mergeKey: string | undefined,
): JsonValue[] {
  if (!Array.isArray(order)) return items;
  const keyOf = (v: JsonValue): string =>
    JSON.stringify(mergeKey !== undefined && isJsonObject(v) ? (v[mergeKey] ?? null) : v);
  const rank = new Map(order.map((o, i) => [keyOf(o), i]));
  return items
    .map((item, i) => ({ item, i, r: rank.get(keyOf(item)) }))
    .sort((a, b) => (a.r ?? Number.MAX_SAFE_INTEGER) - (b.r ?? Number.MAX_SAFE_INTEGER) || a.i - b.i)
    .map((x) => x.item);
}
