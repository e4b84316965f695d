/**
 * Pure ImageStream status reads and edits, as OpenShift makes them: a new tag event goes first in
 * `status.tags[tag].items` (newest first; openshift-apiserver `AddTagEventToImageStream`), a failed
 * import becomes an `ImportSuccess=False` condition without a new item (`imagestreamimport/rest.go`
 * `checkImportFailure`), and a tag resolves to a pullspec by its reference policy (library-go
 * `ResolveLatestTaggedImage`).
 */
import type {
  ImageStreamObject as ImageStream,
  ImageStreamStatus as Status,
  NamedTagEventList as StatusTag,
  TagEvent,
  TagEventCondition,
} from "./upstream-objects.js";

/** How many tag events a status tag keeps. */
export const MAX_TAG_ITEMS = 10;

function tagsOf(stream: ImageStream): StatusTag[] {
  return [...(stream.status?.tags ?? [])];
}

function withTag(stream: ImageStream, repository: string, next: StatusTag): Status {
  const others = tagsOf(stream).filter((t) => t.tag !== next.tag);
  const tags = [...others, next].sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { ...statusWithRepository(stream, repository), tags };
}

/**
 * The status with `dockerImageRepository` and `publicDockerImageRepository` set to `repository`, as
 * openshift-apiserver's ImageStream strategy fills them in (`<registry host>/<namespace>/<name>`)
 * when the integrated registry's internal and external hostnames are configured; the simulated
 * registry is reached by one host, so both are the same.
 */
export function statusWithRepository(stream: ImageStream, repository: string): Status {
  return { ...stream.status, dockerImageRepository: repository, publicDockerImageRepository: repository };
}

/** True when the stream's status does not name `repository` as both its internal and public repository. */
export function lacksRepository(stream: ImageStream, repository: string): boolean {
  const status = stream.status;
  return status?.dockerImageRepository !== repository || status.publicDockerImageRepository !== repository;
}

/** The status tag `tag`, if any. */
export function statusTagOf(stream: ImageStream, tag: string): StatusTag | undefined {
  return stream.status?.tags?.find((t) => t.tag === tag);
}

/**
 * The status after `event` landed on `tag`: the event goes first (unless the newest one already
 * has the same image and generation, which makes recording idempotent), older events are kept up
 * to {@link MAX_TAG_ITEMS}, and failed-import conditions are dropped.
 */
export function statusWithTagEvent(
  stream: ImageStream,
  repository: string,
  tag: string,
  event: { created: string; dockerImageReference: string; image: string; generation: number },
): Status {
  const current = statusTagOf(stream, tag);
  const items = current?.items ?? [];
  const newest = items[0];
  const same =
    newest !== undefined &&
    newest.image === event.image &&
    newest.dockerImageReference === event.dockerImageReference &&
    (newest.generation ?? 0) >= (event.generation ?? 0);
  const nextItems: TagEvent[] = same ? items : [event, ...items].slice(0, MAX_TAG_ITEMS);
  const conditions = (current?.conditions ?? []).filter((c) => c.type !== "ImportSuccess");
  return withTag(stream, repository, {
    ...current,
    tag,
    items: nextItems,
    ...(conditions.length > 0 || current?.conditions != null ? { conditions } : {}),
  });
}

/** The status after an import of `tag` failed: an `ImportSuccess=False` condition, no new item. */
export function statusWithImportFailure(
  stream: ImageStream,
  repository: string,
  tag: string,
  failure: {
    readonly reason: string;
    readonly message: string;
    readonly generation: number;
    readonly now: string;
  },
): Status {
  const current = statusTagOf(stream, tag);
  const previous = current?.conditions?.find((c) => c.type === "ImportSuccess");
  const condition: TagEventCondition = {
    type: "ImportSuccess",
    status: "False",
    lastTransitionTime:
      previous?.status === "False" ? (previous.lastTransitionTime ?? failure.now) : failure.now,
    reason: failure.reason,
    message: failure.message,
    generation: failure.generation,
  };
  const others = (current?.conditions ?? []).filter((c) => c.type !== "ImportSuccess");
  return withTag(stream, repository, {
    ...current,
    tag,
    items: current?.items ?? [],
    conditions: [...others, condition],
  });
}

/**
 * The pullspec tag `tag` resolves to, as library-go's `ResolveLatestTaggedImage` makes it: the newest
 * item's `dockerImageReference`, except that a spec tag with `referencePolicy.type: Local` resolves to
 * `<status.dockerImageRepository>@<image>` (pull-through from the integrated registry). Undefined
 * when the tag has no item.
 */
export function resolveLatestTaggedImage(stream: ImageStream, tag: string): string | undefined {
  const newest = statusTagOf(stream, tag)?.items?.[0];
  if (newest === undefined) return undefined;
  const reference = newest.dockerImageReference ?? "";
  const spec = stream.spec?.tags?.find((t) => t.name === tag);
  const local = stream.status?.dockerImageRepository ?? "";
  const image = newest.image ?? "";
  if (spec?.referencePolicy?.type === "Local" && local !== "" && image !== "") return `${local}@${image}`;
  return reference === "" ? undefined : reference;
}

/** The generation an import of spec tag `name` must reach: the tag's own, else the stream's. */
export function specTagGeneration(stream: ImageStream, name: string): number {
  const tag = stream.spec?.tags?.find((t) => t.name === name);
  return tag?.generation ?? stream.metadata.generation ?? 1;
}

/**
 * True when spec tag `name` still needs an import: its status tag has no event at the wanted
 * generation and no failed import was recorded for that generation.
 */
export function needsImport(stream: ImageStream, name: string): boolean {
  const generation = specTagGeneration(stream, name);
  const status = statusTagOf(stream, name);
  const newest = status?.items?.[0];
  if (newest !== undefined && (newest.generation ?? 0) >= generation && (newest.image ?? "") !== "")
    return false;
  const failed = status?.conditions?.find(
    (c) => c.type === "ImportSuccess" && c.status === "False" && (c.generation ?? 0) >= generation,
  );
  return failed === undefined;
}

/**
 * The image id an `ImageStreamImage` spec tag of `stream` names in that same stream (`<id>` or
 * `<stream>@<id>`, no other namespace), else undefined (another stream, another kind, a reference tag).
 */
export function ownImageIdOf(stream: ImageStream, name: string): string | undefined {
  const tag = stream.spec?.tags?.find((t) => t.name === name);
  const from = tag?.from;
  if (from?.kind !== "ImageStreamImage" || tag?.reference === true) return undefined;
  const namespace = from.namespace ?? "";
  if (namespace !== "" && namespace !== (stream.metadata.namespace ?? "")) return undefined;
  const parts = (from.name ?? "").split("@");
  if (parts.length === 1) return parts[0] === "" ? undefined : parts[0];
  return parts.length === 2 && parts[0] === stream.metadata.name && parts[1] !== "" ? parts[1] : undefined;
}

/**
 * The newest status item of any tag of `stream` whose image is `id` (openshift-apiserver
 * `ResolveImageID`, exact digests only), or undefined.
 */
export function findImageById(stream: ImageStream, id: string): TagEvent | undefined {
  for (const tag of stream.status?.tags ?? []) {
    const item = tag.items?.find((i) => i.image === id);
    if (item !== undefined) return item;
  }
  return undefined;
}

/**
 * The status after resolving every spec tag that names an image of this same stream
 * (`ImageStreamImage`, see {@link ownImageIdOf}) and has no item at its generation, as
 * openshift-apiserver's ImageStream strategy does in the write itself (`tagsChanged`,
 * `tagReferenceToTagEvent`): the image's item, with the tag's generation, goes first. An id the
 * stream does not hold is left unresolved ("referenced tag or ID doesn't exist, which is ok").
 * Undefined when nothing changes. Pure.
 */
export function statusWithOwnImages(
  stream: ImageStream,
  repository: string,
  now: string,
): Status | undefined {
  let next: ImageStream = stream;
  let changed = false;
  for (const tag of stream.spec?.tags ?? []) {
    const id = ownImageIdOf(stream, tag.name);
    if (id === undefined || !needsImport(next, tag.name)) continue;
    const item = findImageById(next, id);
    if (item === undefined) continue;
    const status = statusWithTagEvent(next, repository, tag.name, {
      created: now,
      dockerImageReference: item.dockerImageReference ?? `${repository}@${id}`,
      image: id,
      generation: specTagGeneration(next, tag.name),
    });
    next = { ...next, status };
    changed = true;
  }
  return changed ? (next.status ?? undefined) : undefined;
}
