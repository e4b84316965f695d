/** Helpers the backends share to read an attempt back: find its object, confirm its image landed. */
import type { z } from "zod";
import type { KubeObject } from "../kube/kube-object.js";
import type { LandedResult } from "./build-backend.js";
import { COMPONENT_LABEL, INPUT_HASH_ANNOTATION } from "./child-objects.js";
import type { ImageStream } from "./image-stream-schema.js";
import { imageStreamTagLanded } from "./image-stream-tags.js";

/**
 * The object of kind `kind` named `name` among `objects`. Objects from a list carry no `kind`, so a
 * missing kind matches, but then the component label (when present) must name `component`.
 */
export function findAttemptObject(
  objects: readonly KubeObject[],
  kind: string,
  name: string,
  component: string,
): KubeObject | undefined {
  return objects.find((object) => {
    if (object.metadata.name !== name) return false;
    if (object.kind !== undefined) return object.kind === kind;
    const label = object.metadata.labels?.[COMPONENT_LABEL];
    return label === undefined || label === component;
  });
}

/** Parse results of frozen (informer) objects, per schema: a cache over immutable values, not state. */
const parsedObjects = new WeakMap<z.ZodType, WeakMap<object, unknown>>();

/**
 * `schema.safeParse(object)`, cached while `object` is the same frozen object (informer objects
 * are deep-frozen and replaced on change), so an unchanged Build is not parsed on every reconcile.
 */
export function parseObserved<T extends z.ZodType>(
  schema: T,
  object: KubeObject,
): z.ZodSafeParseResult<z.output<T>> {
  if (!Object.isFrozen(object)) return schema.safeParse(object);
  let bySchema = parsedObjects.get(schema);
  if (bySchema === undefined) parsedObjects.set(schema, (bySchema = new WeakMap()));
  const cached = bySchema.get(object) as z.ZodSafeParseResult<z.output<T>> | undefined;
  if (cached !== undefined) return cached;
  const parsed = schema.safeParse(object);
  bySchema.set(object, parsed);
  return parsed;
}

/** The input hash annotation of an observed object. */
export function inputHashOf(object: KubeObject): string | undefined {
  return object.metadata.annotations?.[INPUT_HASH_ANNOTATION];
}

/**
 * The landed test for a built image: tag `component` must pass the §6 test *and* point at `digest`
 * (the one this attempt built), so an older image in the tag never counts as this attempt's. The
 * operator's record of that image in the tag (`ImageStreamImage <stream>@<digest>`) counts as landed
 * whatever its generation (see `imageStreamTagLanded`).
 */
export function builtImageLanded(
  imageStream: ImageStream | undefined,
  component: string,
  digest: string,
  builder: string,
): LandedResult {
  const landed = imageStreamTagLanded(imageStream, component, digest);
  if (!landed.landed || landed.digest === digest) return landed;
  return {
    landed: false,
    reason: `ImageStream tag ${imageStream?.metadata.name ?? ""}:${component} points at ${landed.digest}, but ${builder} produced ${digest}; waiting for the tag to update`,
    importFailed: false,
  };
}
