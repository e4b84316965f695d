/**
 * ImageStream tags: the "landed" test of release-image-format.md §6 (the one oc and the
 * release-controller use) and the spec tags the operator writes for prebuilt and Shipwright images.
 */
import type { DesiredSpecTag, LandedResult } from "./build-backend.js";
import type { ImageStream, SpecTag } from "./image-stream-schema.js";

/**
 * Lookup by tag name in a frozen (informer) array of tags, so testing every tag of a
 * 1,000-tag stream is linear, not quadratic. A cache over immutable arrays (entries go with
 * them), not state: unfrozen arrays are searched directly.
 */
const tagIndexes = new WeakMap<readonly object[], ReadonlyMap<string, unknown>>();

function findByName<T extends object>(
  items: readonly T[] | null | undefined,
  nameOf: (item: T) => string,
  name: string,
): T | undefined {
  if (items === undefined || items === null) return undefined;
  if (!Object.isFrozen(items)) return items.find((item) => nameOf(item) === name);
  let index = tagIndexes.get(items);
  if (index === undefined) {
    const built = new Map<string, T>();
    // The first of equal names wins, as with `find`.
    for (const item of items) if (!built.has(nameOf(item))) built.set(nameOf(item), item);
    tagIndexes.set(items, (index = built));
  }
  return index.get(name) as T | undefined;
}

/** `quay.io/a/b:tag@sha256:...` -> `quay.io/a/b`: the repository of a pullspec. */
export function repositoryOf(pullspec: string): string {
  const at = pullspec.indexOf("@");
  const withoutDigest = at < 0 ? pullspec : pullspec.slice(0, at);
  const colon = withoutDigest.lastIndexOf(":");
  return colon > withoutDigest.lastIndexOf("/") ? withoutDigest.slice(0, colon) : withoutDigest;
}

/** The digest part of `repo@sha256:...`, or the string itself when it is a bare digest; else undefined. */
export function digestOf(reference: string): string | undefined {
  const at = reference.lastIndexOf("@");
  if (at >= 0) return reference.slice(at + 1);
  return /^[a-z0-9]+:[a-f0-9]+$/.test(reference) ? reference : undefined;
}

/**
 * Whether tag `tag` of `imageStream` has landed (release-image-format.md §6): a status tag exists,
 * its `items` are non-empty, no `ImportSuccess` condition is `False` (else its message is the
 * reason, with `importFailed`), the spec tag (if any) has a generation not above
 * `items[0].generation`, and `items[0].image` is not empty. The pullspec is
 * `<repository>@<items[0].image>`, the repository taken from `status.publicDockerImageRepository`,
 * else `status.dockerImageRepository`, else the repository of `items[0].dockerImageReference`.
 *
 * With `builtDigest` (the image a build pushed into this tag), a spec tag that is the record of that
 * image ({@link recordsImage}) passes without the generation check while `items[0].image` is that
 * digest: the tag resolves to it already. OpenShift adds the item at the tag's generation in the
 * write that records it; an API server serving ImageStreams as a CRD stamps and resolves it after.
 */
export function imageStreamTagLanded(
  imageStream: ImageStream | undefined,
  tag: string,
  builtDigest?: string,
): LandedResult {
  const where = `ImageStream tag ${imageStream?.metadata.name ?? "(missing stream)"}:${tag}`;
  const notLanded = (reason: string, importFailed = false): LandedResult => ({
    landed: false,
    reason: `${where}: ${reason}`,
    importFailed,
  });
  if (imageStream === undefined) return notLanded("the ImageStream does not exist");
  const statusTag = findByName(imageStream.status?.tags, (t) => t.tag, tag);
  if (statusTag === undefined) return notLanded("no status tag yet (nothing pushed or imported)");
  const failed = statusTag.conditions?.find((c) => c.type === "ImportSuccess" && c.status === "False");
  if (failed !== undefined) {
    const detail = [failed.reason, failed.message].filter((s) => s !== undefined && s !== "").join(": ");
    return notLanded(`import failed: ${detail === "" ? "ImportSuccess=False" : detail}`, true);
  }
  const newest = statusTag.items?.[0];
  if (newest === undefined) return notLanded("the status tag has no items yet");
  const specTag = findByName(imageStream.spec?.tags, (t) => t.name, tag);
  // The operator's record of the image the build pushed here: nothing to import, whatever its generation.
  const recorded =
    builtDigest !== undefined &&
    newest.image === builtDigest &&
    recordsImage(specTag, imageStream.metadata.name ?? "", builtDigest);
  if (specTag !== undefined && !recorded) {
    if (specTag.generation === undefined || specTag.generation === null) {
      return notLanded("the spec tag has no generation yet");
    }
    const itemGeneration = newest.generation ?? 0;
    if (specTag.generation > itemGeneration) {
      return notLanded(
        `the newest item is of generation ${itemGeneration}, the spec tag of generation ${specTag.generation} (import pending)`,
      );
    }
  }
  const digest = newest.image ?? "";
  if (digest === "") return notLanded("the newest item has no image digest");
  const status = imageStream.status;
  const repository =
    nonEmpty(status?.publicDockerImageRepository) ??
    nonEmpty(status?.dockerImageRepository) ??
    (newest.dockerImageReference !== undefined && newest.dockerImageReference !== ""
      ? repositoryOf(newest.dockerImageReference)
      : undefined);
  if (repository === undefined) {
    return notLanded("no repository to pin the digest to (no status repository, no dockerImageReference)");
  }
  return { landed: true, digest, pullspec: `${repository}@${digest}` };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

/** A tag to take from an image pullspec: a prebuilt component, a fromRelease image or a Shipwright output. */
export interface ImageStreamTagSource {
  /** The tag (component name). */
  readonly tag: string;
  /** The image pullspec (by digest for reproducible releases). */
  readonly pullspec: string;
  /** Annotations of the spec tag (e.g. the component key). */
  readonly annotations?: Readonly<Record<string, string>> | undefined;
  /** Annotations the spec tag must not keep from an earlier write (e.g. a stale `reused-from`). */
  readonly withoutAnnotations?: readonly string[] | undefined;
}

/**
 * The spec tags that import each source: `{name, from: {kind: DockerImage, name}, importPolicy: {},
 * referencePolicy: {type: Local}}` (Local: consumers pull through the integrated registry by digest).
 */
export function desiredImageStreamTags(sources: readonly ImageStreamTagSource[]): DesiredSpecTag[] {
  return sources.map((source) => ({
    name: source.tag,
    from: { kind: "DockerImage", name: source.pullspec },
    importPolicy: {},
    referencePolicy: { type: "Local" },
    ...(source.annotations === undefined ? {} : { annotations: { ...source.annotations } }),
    ...(source.withoutAnnotations === undefined || source.withoutAnnotations.length === 0
      ? {}
      : { withoutAnnotations: [...source.withoutAnnotations] }),
  }));
}

/**
 * The spec tag recording, in the stream it was pushed to, the image `digest` a build pushed there:
 * `from: {kind: ImageStreamImage, name: <stream>@<digest>}` (what `oc tag <stream>@<digest>
 * <stream>:<tag>` writes). openshift-apiserver resolves such a tag in the write itself (the
 * strategy's `tagsChanged` adds a status item of the image at the tag's new generation): no import,
 * no registry request, and the tag keeps resolving to the same image.
 */
export function imageRecordTag(
  stream: string,
  tag: string,
  digest: string,
  annotations: Readonly<Record<string, string>>,
  withoutAnnotations: readonly string[] = [],
): DesiredSpecTag {
  return {
    name: tag,
    from: { kind: "ImageStreamImage", name: `${stream}@${digest}` },
    importPolicy: {},
    referencePolicy: { type: "Local" },
    annotations: { ...annotations },
    ...(withoutAnnotations.length === 0 ? {} : { withoutAnnotations: [...withoutAnnotations] }),
  };
}

/**
 * True when spec tag `specTag` of stream `stream` is the record of image `digest` in that stream
 * (`ImageStreamImage` `<stream>@<digest>` or `<digest>`, no other namespace: {@link imageRecordTag}).
 */
export function recordsImage(specTag: SpecTag | undefined, stream: string, digest: string): boolean {
  const from = specTag?.from;
  if (from?.kind !== "ImageStreamImage" || specTag?.reference === true) return false;
  if (from.namespace !== undefined && from.namespace !== "") return false;
  return from.name === `${stream}@${digest}` || from.name === digest;
}

/**
 * The new `spec.tags` list after making every desired tag import its pullspec, or `undefined`
 * when the stream already does (nothing to write). Other tags are kept as they are; a tag whose
 * `from` differs is replaced (the API server then bumps its generation and re-imports).
 */
export function mergeSpecTags(
  imageStream: ImageStream | undefined,
  desired: readonly DesiredSpecTag[],
): SpecTag[] | undefined {
  const tags: SpecTag[] = [...(imageStream?.spec?.tags ?? [])];
  let changed = false;
  for (const want of desired) {
    const index = tags.findIndex((t) => t.name === want.name);
    const have = index < 0 ? undefined : tags[index];
    const without = want.withoutAnnotations ?? [];
    const annotationsHeld =
      Object.entries(want.annotations ?? {}).every(([key, value]) => have?.annotations?.[key] === value) &&
      without.every((key) => have?.annotations?.[key] === undefined);
    if (have?.from?.kind === want.from.kind && have.from.name === want.from.name && annotationsHeld) continue;
    changed = true;
    const merged =
      want.annotations === undefined && without.length === 0
        ? have?.annotations
        : { ...have?.annotations, ...want.annotations };
    const annotations =
      merged === undefined || merged === null || without.length === 0
        ? merged
        : Object.fromEntries(Object.entries(merged).filter(([key]) => !without.includes(key)));
    const next: SpecTag = {
      ...(annotations === undefined ? {} : { annotations }),
      name: want.name,
      from: { ...want.from },
      importPolicy: { ...want.importPolicy },
      referencePolicy: { ...want.referencePolicy },
    };
    if (index < 0) tags.push(next);
    else tags[index] = next;
  }
  return changed ? tags : undefined;
}
