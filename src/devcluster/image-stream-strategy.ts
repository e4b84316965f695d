/**
 * The ImageStream strategy of OpenShift's API server (`openshift-apiserver`
 * `pkg/image/apiserver/registry/imagestream/strategy.go`) for spec tag generations: on create every
 * spec tag gets `generation: 1`; on update a client cannot change a tag's generation except to 0
 * (which asks for a re-import), and a tag that is new, whose `from` name or namespace or `reference`
 * changed, or that was set to 0 gets the stream's new `metadata.generation`.
 */
import type { KindStrategy } from "./kind-strategy.js";
import { isJsonObject, type JsonObject, type JsonValue, type KubeObject } from "./types.js";

function specTags(object: KubeObject): JsonObject[] {
  const spec = object["spec"];
  const tags = isJsonObject(spec) ? spec["tags"] : undefined;
  return Array.isArray(tags) ? tags.filter(isJsonObject) : [];
}

function tagNamed(object: KubeObject, name: JsonValue | undefined): JsonObject | undefined {
  return specTags(object).find((t) => t["name"] === name);
}

function stringField(o: JsonValue | undefined, field: string): string {
  const v = isJsonObject(o) ? o[field] : undefined;
  return typeof v === "string" ? v : "";
}

/** `tagRefChanged` of the OpenShift strategy: did the user's intent for this tag change? Pure. */
export function tagRefChanged(old: JsonObject, next: JsonObject, streamNamespace: string): boolean {
  const from = next["from"];
  if (!isJsonObject(from)) return false;
  if (stringField(from, "kind") === "" && stringField(from, "name") === "") return false;
  const oldFrom = old["from"];
  const oldNamespace = stringField(oldFrom, "namespace") || streamNamespace;
  const nextNamespace = stringField(from, "namespace") || streamNamespace;
  if (oldNamespace !== nextNamespace) return true;
  if (stringField(oldFrom, "name") !== stringField(from, "name")) return true;
  if ((old["reference"] ?? false) !== (next["reference"] ?? false)) return true;
  const oldGeneration = old["generation"];
  const nextGeneration = next["generation"];
  return (
    typeof oldGeneration === "number" &&
    typeof nextGeneration === "number" &&
    oldGeneration !== nextGeneration &&
    nextGeneration === 0
  );
}

/** The ImageStream strategy hooks. */
export const imageStreamStrategy: KindStrategy = {
  prepareForCreate(object) {
    for (const tag of specTags(object)) tag["generation"] = object.metadata.generation ?? 1;
  },
  prepareForUpdate(next, old) {
    // A client keeps the server's generation of an existing tag unless it asks for 0.
    for (const tag of specTags(next)) {
      if (tag["generation"] === 0) continue;
      const previous = tagNamed(old, tag["name"])?.["generation"];
      if (previous === undefined || previous === null) delete tag["generation"];
      else tag["generation"] = previous;
    }
  },
  afterGeneration(next, old) {
    const namespace = next.metadata.namespace ?? "";
    for (const tag of specTags(next)) {
      const previous = tagNamed(old, tag["name"]);
      const generation = tag["generation"];
      const changed = previous === undefined || tagRefChanged(previous, tag, namespace);
      if (changed || typeof generation !== "number" || generation === 0)
        tag["generation"] = next.metadata.generation ?? 1;
    }
  },
};
