/**
 * Pullspec checks for component references. One grammar for the whole project: the docker
 * reference parser of `src/registry/image-reference.ts` (pure, no I/O).
 */
import { parseDockerReference } from "../registry/image-reference.js";

/**
 * Why `pullspec` is not a usable image pullspec (`host[:port]/repo[:tag][@digest]`), or
 * `undefined` when it is one. Transport prefixes (`docker://`, `oci:`) are not pullspecs.
 */
export function pullspecProblem(pullspec: string): string | undefined {
  if (/^[a-z-]+:\/\//.test(pullspec) || pullspec.startsWith("oci:")) {
    return `"${pullspec}" has a transport prefix; write a plain pullspec such as quay.io/centos/centos:stream9`;
  }
  if (/\s/.test(pullspec)) return `"${pullspec}" contains whitespace`;
  try {
    parseDockerReference(pullspec);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** True when `pullspec` is a syntactically valid image pullspec. */
export function isPullspec(pullspec: string): boolean {
  return pullspecProblem(pullspec) === undefined;
}

/**
 * True when `reference` looks like a component name rather than an image: only name characters, no
 * registry, path, tag or digest separator (`cli`, not `quay.io/okd/cli:4.17`). Such a reference that names no
 * component is almost always a typo, so validation reports it instead of pulling `docker.io/library/cli`.
 */
export function looksLikeComponentName(reference: string): boolean {
  return /^[A-Za-z0-9._-]+$/.test(reference);
}
