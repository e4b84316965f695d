/**
 * Pure: spec tag `generation` stamping, the part of openshift-apiserver's ImageStream strategy
 * (`pkg/image/apiserver/registry/imagestream/strategy.go`: `PrepareForCreate`,
 * `ensureSpecTagGenerationsAreSet`, `tagRefChanged`) that imports depend on, for API servers that
 * serve ImageStreams as a plain CRD and so stamp nothing.
 *
 * OpenShift stamps on every write: a tag that is new, whose `from` (name, or namespace defaulting to
 * the stream's) or `reference` changed, or whose generation is 0 gets the stream's
 * `metadata.generation`; any other tag keeps the generation it had, whatever the client sent
 * (`updateSpecTagGenerationsForUpdate`: a client that rewrites a tag without its generation, e.g.
 * to change its annotations, does not start a new import). A controller sees only the current
 * object, so it stamps afterwards and remembers what each stamped tag pointed at and its
 * generation in the {@link STAMPED_TAG_REFERENCES} annotation, to notice a later change of `from`
 * that kept the old generation and to give an unchanged tag whose generation a client dropped its
 * generation back.
 *
 * Idempotent and harmless where the server stamps (the dev cluster): a stream whose tags all carry
 * a generation and that has no such annotation is taken to be stamped by its server and left alone.
 * The one case this misses: on a server that does not stamp, a client creates a stream whose tags
 * already carry generations and later changes a tag's `from` keeping its generation.
 */
import type { ImageStreamObject, TagReference } from "./upstream-objects.js";

/**
 * Annotation (JSON: tag name -> `{reference, generation}`) recording what each tag pointed at and
 * its generation when it was stamped (an older form held the reference string alone).
 */
export const STAMPED_TAG_REFERENCES = "build-simulator.okd.io/stamped-tag-references";

/** What the annotation records of one tag. */
interface RecordedTag {
  readonly reference: string;
  readonly generation?: number;
}

/** What a tag points at, in the terms of `tagRefChanged`: from namespace, from name, reference flag. */
export function tagReferenceOf(tag: TagReference, streamNamespace: string): string {
  const namespace = tag.from?.namespace ?? "";
  return JSON.stringify([
    namespace === "" ? streamNamespace : namespace,
    tag.from?.name ?? "",
    tag.reference === true,
  ]);
}

function recordedTag(value: unknown): RecordedTag | undefined {
  if (typeof value === "string") return { reference: value };
  if (typeof value !== "object" || value === null) return undefined;
  const { reference, generation } = value as { reference?: unknown; generation?: unknown };
  if (typeof reference !== "string") return undefined;
  return typeof generation === "number" && generation > 0 ? { reference, generation } : { reference };
}

function recordedTags(stream: ImageStreamObject): Record<string, RecordedTag> | undefined {
  const raw = stream.metadata.annotations?.[STAMPED_TAG_REFERENCES];
  if (raw === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).flatMap(([name, value]) => {
        const tag = recordedTag(value);
        return tag === undefined ? [] : [[name, tag] as const];
      }),
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
  const recorded = recordedTags(stream);
  if (recorded === undefined && tags.every(hasGeneration)) return undefined;
  const namespace = stream.metadata.namespace ?? "";
  const generation = stream.metadata.generation ?? 1;
  const records: Record<string, RecordedTag> = {};
  let stamped = false;
  const nextTags = tags.map((tag) => {
    const reference = tagReferenceOf(tag, namespace);
    const before = recorded?.[tag.name];
    const changed = recorded !== undefined && before?.reference !== reference;
    const next =
      !changed && hasGeneration(tag)
        ? tag
        : !changed && tag.generation !== 0 && before?.generation !== undefined
          ? { ...tag, generation: before.generation } // written without its generation: it keeps it
          : { ...tag, generation };
    if (next !== tag) stamped = true;
    const kept = next.generation;
    records[tag.name] =
      typeof kept === "number" && kept > 0 ? { reference, generation: kept } : { reference };
    return next;
  });
  const annotation = JSON.stringify(records);
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
