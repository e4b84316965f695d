/** Small builders for the `openAPIV3Schema`s of the kinds the dev cluster defines itself. */
import type { JsonObject } from "./types.js";

/** `{type: string}`. */
export const str = (extra: JsonObject = {}): JsonObject => ({ type: "string", ...extra });
/** `{type: integer}`. */
export const int = (extra: JsonObject = {}): JsonObject => ({ type: "integer", ...extra });
/** `{type: boolean}`. */
export const bool = (): JsonObject => ({ type: "boolean" });
/** An array of `items`. */
export const arr = (items: JsonObject, extra: JsonObject = {}): JsonObject => ({
  type: "array",
  items,
  ...extra,
});
/** A map of strings. */
export const strMap = (): JsonObject => ({ type: "object", additionalProperties: { type: "string" } });
/** An object that keeps any fields (no pruning, no unknown-field warnings below it). */
export const anyObject = (description?: string): JsonObject => ({
  type: "object",
  "x-kubernetes-preserve-unknown-fields": true,
  ...(description === undefined ? {} : { description }),
});
/** An object with the given properties. */
export const obj = (properties: JsonObject, extra: JsonObject = {}): JsonObject => ({
  type: "object",
  properties,
  ...extra,
});
/** A list merged by `key` (`x-kubernetes-list-type: map`). */
export const mapList = (items: JsonObject, key: string): JsonObject => ({
  type: "array",
  items,
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": [key],
});
/** `metav1.Condition`. */
export const condition = (): JsonObject =>
  obj(
    {
      type: str(),
      status: str(),
      reason: str(),
      message: str(),
      lastTransitionTime: str({ format: "date-time" }),
      lastUpdateTime: str({ format: "date-time" }),
      lastProbeTime: str({ format: "date-time" }),
      observedGeneration: int({ format: "int64" }),
    },
    { required: ["type", "status"] },
  );
/** `corev1.ObjectReference`. */
export const objectReference = (): JsonObject =>
  obj({
    kind: str(),
    namespace: str(),
    name: str(),
    uid: str(),
    apiVersion: str(),
    resourceVersion: str(),
    fieldPath: str(),
  });
/** A top-level kind schema: apiVersion, kind, metadata plus the given properties. */
export const kindSchema = (description: string, properties: JsonObject): JsonObject => ({
  type: "object",
  description,
  properties: {
    apiVersion: str({
      description: "APIVersion defines the versioned schema of this representation of an object.",
    }),
    kind: str({
      description: "Kind is a string value representing the REST resource this object represents.",
    }),
    metadata: { type: "object" },
    ...properties,
  },
});
