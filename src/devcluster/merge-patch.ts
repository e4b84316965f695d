/** JSON merge patch (RFC 7386). */
import { cloneJson, isJsonObject, type JsonValue } from "./types.js";

/** Applies `patch` to `target` and returns a new value; `null` in the patch deletes a key. */
export function applyMergePatch(target: JsonValue | undefined, patch: JsonValue): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const out = isJsonObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = applyMergePatch(out[key], value);
  }
  return out;
}
