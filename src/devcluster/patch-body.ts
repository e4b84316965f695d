/** Applying PATCH bodies: JSON merge, JSON patch (RFC 6902) and strategic merge (built-in kinds). */
import jsonPatch from "fast-json-patch";
import { ApiError, badRequest, unsupportedMediaType } from "./errors.js";
import { applyMergePatch } from "./merge-patch.js";
import type { ResourceDefinition } from "./resource-definition.js";
import { applyStrategicMergePatch } from "./strategic-merge-patch.js";
import { cloneJson, type JsonValue, type KubeObject } from "./types.js";

/** Content types accepted by PATCH. */
export const PATCH_TYPES = {
  json: "application/json-patch+json",
  merge: "application/merge-patch+json",
  strategic: "application/strategic-merge-patch+json",
  apply: "application/apply-patch+yaml",
} as const;

/** Returns `old` with a non-apply patch body applied (a new object; `old` is not changed). */
export function applyPatchBody(def: ResourceDefinition, old: KubeObject, type: string, raw: string): unknown {
  let patched: unknown;
  const patchBody = parseJson(raw);
  if (type === PATCH_TYPES.merge || type === "application/json")
    patched = applyMergePatch(old as unknown as JsonValue, patchBody);
  else if (type === PATCH_TYPES.strategic) {
    if (!def.builtIn) throw unsupportedMediaType(type);
    patched = applyStrategicMergePatch(old as unknown as JsonValue, patchBody);
  } else if (type === PATCH_TYPES.json) {
    if (!Array.isArray(patchBody)) throw badRequest("json patch must be an array of operations");
    try {
      patched = jsonPatch.applyPatch(
        cloneJson(old),
        patchBody as unknown as jsonPatch.Operation[],
        true,
        false,
      ).newDocument;
    } catch (e) {
      throw new ApiError({
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        reason: "Invalid",
        code: 422,
        message: `the server rejected our request due to an error in our request: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  } else throw unsupportedMediaType(type);
  return patched;
}

function parseJson(raw: string): JsonValue {
  try {
    return JSON.parse(raw) as JsonValue;
  } catch (e) {
    throw badRequest(`error decoding patch: ${e instanceof Error ? e.message : String(e)}`);
  }
}
