/**
 * Where a release's component images come from: an ImageStream (file or live object), an existing
 * release's image-references (`--from-release`), or explicit `NAME=PULLSPEC` pairs.
 */
import { formatPullspec, parseDockerReference, parseImageReference } from "../registry/image-reference.js";
import type { ImageStream } from "./image-stream.js";
import { ReleaseAssemblyError } from "./release-assembly-error.js";

/** One input component: its tag name in the payload and its pullspec (`repo@sha256:...` or `repo:tag`). */
export interface ReleaseComponentInput {
  readonly tag: string;
  readonly pullspec: string;
  /** Annotations carried over from the input (spec tag annotations, or a release's tag annotations). */
  readonly annotations?: Readonly<Record<string, string>>;
  /** True for tags given as `NAME=PULLSPEC` overrides: marked `io.openshift.release.override=true`. */
  readonly override?: boolean;
}

function isImportFailed(conditions: readonly { type: string; status: string }[] | null | undefined): boolean {
  return (conditions ?? []).some((c) => c.type === "ImportSuccess" && c.status !== "True");
}

function repositoryPart(pullspec: string): string {
  const ref = parseDockerReference(pullspec);
  return formatPullspec({ transport: "docker", registry: ref.registry, repository: ref.repository });
}

/**
 * The landed tags of an ImageStream, pinned by digest, following `oc adm release new --from-image-stream`:
 * spec tags first (a spec tag whose generation is newer than its newest status item is an error
 * "not imported yet"), then status tags not yet covered. Pullspecs are
 * `<status.publicDockerImageRepository>@<digest>` when the stream has a public repository, else the
 * recorded image's repository `@<digest>` (the integrated registry's `status.dockerImageRepository`
 * for pushed images). Spec tag annotations are carried over.
 */
export function componentsFromImageStream(
  stream: ImageStream,
  what = "input image stream",
): ReleaseComponentInput[] {
  const status = stream.status ?? {};
  const publicRepository = status.publicDockerImageRepository ?? "";
  const statusByTag = new Map((status.tags ?? []).map((tag) => [tag.tag, tag]));
  const external = (reference: string, digest: string): string | undefined => {
    if (publicRepository !== "") return `${publicRepository}@${digest}`;
    // No public repository (openshift-apiserver sets it only when the registry has an external
    // hostname): an image pushed to the integrated registry is named there, not left out of the
    // release (oc's source mode drops it silently); the operator reads it with its own token.
    if (reference === "") return undefined;
    return `${repositoryPart(reference)}@${digest}`;
  };
  const components: ReleaseComponentInput[] = [];
  const covered = new Set<string>();
  const add = (tag: string, pullspec: string, annotations?: Record<string, string> | null): void => {
    covered.add(tag);
    components.push({ tag, pullspec, ...(annotations ? { annotations: { ...annotations } } : {}) });
  };
  for (const tag of stream.spec?.tags ?? []) {
    const history = statusByTag.get(tag.name);
    const newest = history?.items?.[0];
    if (tag.generation !== undefined && tag.generation !== null && newest !== undefined) {
      if (tag.generation > (newest.generation ?? 0)) {
        throw new ReleaseAssemblyError(
          `${what}: tag "${tag.name}" has not been imported yet (spec generation ${tag.generation} is newer than its newest image)`,
        );
      }
      continue;
    }
    if (tag.from?.kind !== "DockerImage") continue;
    const at = tag.from.name.indexOf("@");
    if (at >= 0) {
      const pullspec = external(tag.from.name, tag.from.name.slice(at + 1));
      if (pullspec !== undefined) add(tag.name, pullspec, tag.annotations);
      continue;
    }
    if (history === undefined) continue;
    if (newest === undefined) {
      if (isImportFailed(history.conditions))
        throw new ReleaseAssemblyError(`${what}: tag "${tag.name}" failed to import`);
      continue;
    }
    if (newest.image === undefined || newest.image === "") {
      throw new ReleaseAssemblyError(
        `${what}: tag "${tag.name}" has no image digest in its newest status item`,
      );
    }
    const pullspec = external(newest.dockerImageReference ?? "", newest.image);
    if (pullspec !== undefined) add(tag.name, pullspec, tag.annotations);
  }
  const specAnnotations = new Map((stream.spec?.tags ?? []).map((tag) => [tag.name, tag.annotations]));
  for (const history of status.tags ?? []) {
    if (covered.has(history.tag)) continue;
    const newest = history.items?.[0];
    if (newest === undefined) {
      if (isImportFailed(history.conditions))
        throw new ReleaseAssemblyError(`${what}: tag "${history.tag}" has not been imported yet`);
      continue;
    }
    if (newest.image === undefined || newest.image === "") continue;
    const pullspec = external(newest.dockerImageReference ?? "", newest.image);
    if (pullspec !== undefined) add(history.tag, pullspec, specAnnotations.get(history.tag));
  }
  return components;
}

/** The `DockerImage` tags of a release's image-references, with their annotations (for `--from-release`). */
export function componentsFromImageReferences(stream: ImageStream): ReleaseComponentInput[] {
  return (stream.spec?.tags ?? []).flatMap((tag) =>
    tag.from?.kind === "DockerImage"
      ? [
          {
            tag: tag.name,
            pullspec: tag.from.name,
            ...(tag.annotations ? { annotations: { ...tag.annotations } } : {}),
          },
        ]
      : [],
  );
}

/**
 * Parses `NAME=PULLSPEC` pairs (`--from-images`). PULLSPEC is a registry pullspec (`docker://`
 * optional) or an `oci:DIR[:tag]` layout reference, the transports every payloadctl command takes;
 * a layout reference is kept as given (a layout cannot be pinned by digest in a reference, and a
 * cluster cannot pull from it: such a release is for local use). Throws naming the pair when it is
 * malformed, the pullspec does not parse, or a name repeats.
 */
export function parseComponentMappings(pairs: readonly string[], override = false): ReleaseComponentInput[] {
  const seen = new Set<string>();
  return pairs.map((pair) => {
    const eq = pair.indexOf("=");
    const tag = eq < 0 ? "" : pair.slice(0, eq);
    const pullspec = eq < 0 ? "" : pair.slice(eq + 1).replace(/^docker:\/\//, "");
    if (tag === "" || pullspec === "")
      throw new ReleaseAssemblyError(
        `"${pair}" must be NAME=PULLSPEC (for example cli=quay.io/okd/scos-content@sha256:...)`,
      );
    if (!/^[\w][\w.-]{0,127}$/.test(tag))
      throw new ReleaseAssemblyError(`"${pair}": "${tag}" is not a valid tag name`);
    if (seen.has(tag)) throw new ReleaseAssemblyError(`"${pair}": the name "${tag}" is given more than once`);
    seen.add(tag);
    try {
      if (pullspec.startsWith("oci:")) parseImageReference(pullspec);
      else parseDockerReference(pullspec);
    } catch (error) {
      throw new ReleaseAssemblyError(`"${pair}": ${(error as Error).message}`);
    }
    return { tag, pullspec, ...(override ? { override: true } : {}) };
  });
}

/**
 * `base` with `overrides` applied: an override replaces the tag of the same name (its earlier
 * annotations dropped) or adds a new one. Throws when `base` repeats a tag.
 */
export function mergeComponents(
  base: readonly ReleaseComponentInput[],
  overrides: readonly ReleaseComponentInput[],
): ReleaseComponentInput[] {
  const byTag = new Map<string, ReleaseComponentInput>();
  for (const component of base) {
    if (byTag.has(component.tag))
      throw new ReleaseAssemblyError(`the input names tag "${component.tag}" more than once`);
    byTag.set(component.tag, component);
  }
  for (const component of overrides) byTag.set(component.tag, component);
  return [...byTag.values()];
}
