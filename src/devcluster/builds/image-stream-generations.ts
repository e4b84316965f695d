/**
 * Pure: spec tag `generation` stamping, the part of openshift-apiserver's ImageStream strategy
 * (`pkg/image/apiserver/registry/imagestream/strategy.go`: `PrepareForCreate`,
 * `ensureSpecTagGenerationsAreSet`, `tagRefChanged`) that imports depend on, for API servers that
 * serve ImageStreams as a plain CRD and so stamp nothing.
 *
 * OpenShift stamps on every write: a tag that is new, whose `from` (name, or namespace defaulting to
 * the stream's) or `reference` changed, or whose generation is unset or 0 gets the stream's
 * `metadata.generation`. A controller sees only the current object, so it stamps afterwards and
 * remembers what each stamped tag pointed at in the {@link STAMPED_TAG_REFERENCES} annotation, to
 * notice a later change of `from` that kept the old generation.
 *
 * Idempotent and harmless where the server stamps (the dev cluster): a stream whose tags all carry
 * a generation and that has no such annotation is taken to be stamped by its server and left alone.
 * The one case this misses: on a server that does not stamp, a client creates a stream whose tags
 * already carry generations and later changes a tag's `from` keeping its generation.
 */
import type { ImageStreamObject, TagReference } from "./upstream-objects.js";

/** Annotation (JSON: tag name -> reference) recording what each tag pointed at when it was stamped. */
export const STAMPED_TAG_REFERENCES = "build-simulator.okd.io/stamped-tag-references";

/** What a tag points at, in the terms of `tagRefChanged`: from namespace, from name, reference flag. */
export function tagReferenceOf(tag: TagReference, streamNamespace: string): string {
  const namespace = tag.from?.namespace ?? "";
  return JSON.stringify([
    namespace === "" ? streamNamespace : namespace,
    tag.from?.name ?? "",
    tag.reference === true,
  ]);
}

function recordedReferences(stream: ImageStreamObject): Record<string, string> | undefined {
  const raw = stream.metadata.annotations?.[STAMPED_TAG_REFERENCES];
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"),
    );
  } catch {
    return {};
  }
}

const hasGeneration = (tag: TagReference): boolean =>
  typeof tag.generation === "number" && tag.generation !== 0;

/**
 * The stream with its spec tag generations stamped and the annotation updated, or undefined when
 * nothing needs writing (see the module documentation for when that is).
 */
export function stampSpecTagGenerations(stream: ImageStreamObject): ImageStreamObject | undefined {
  const tags = stream.spec?.tags ?? [];
  const recorded = recordedReferences(stream);
  if (recorded === undefined && tags.every(hasGeneration)) return undefined;
  const namespace = stream.metadata.namespace ?? "";
  const generation = stream.metadata.generation ?? 1;
  const references: Record<string, string> = {};
  let stamped = false;
  const nextTags = tags.map((tag) => {
    const reference = tagReferenceOf(tag, namespace);
    references[tag.name] = reference;
    const changed = recorded !== undefined && recorded[tag.name] !== reference;
    if (hasGeneration(tag) && !changed) return tag;
    stamped = true;
    return { ...tag, generation };
  });
  const annotation = JSON.stringify(references);
  if (!stamped && stream.metadata.annotations?.[STAMPED_TAG_REFERENCES] === annotation) return undefined;
  return {
    ...stream,
    metadata: {
      ...stream.metadata,
      annotations: { ...stream.metadata.annotations, [STAMPED_TAG_REFERENCES]: annotation },
    },
    spec: { ...stream.spec, tags: nextTags },
  };
}
