/**
 * The inputs of a release, read from an ImageStream's status tags the way release-controller reads
 * them: each tag's newest image, tags sorted by name, empty tags skipped, and the input hash
 * `sha256:<hex>` over them. Pure.
 */
import { createHash } from "node:crypto";
import type { ImageStream } from "../builds/image-stream-schema.js";

/** One input of a release: a tag and its image by digest. */
export interface InputImage {
  readonly tag: string;
  /** `repository@sha256:...`. */
  readonly pullspec: string;
  /** `sha256:...` (the image ID), or the reference when the stream records none. */
  readonly image: string;
}

/** The landed inputs of a stream and their hash. */
export interface ReleaseInputs {
  readonly images: readonly InputImage[];
  /** `sha256:<hex>` over the images, as release-controller's input hash. */
  readonly hash: string;
}

function pullspecOf(
  reference: string | undefined,
  image: string | undefined,
  repository: string | undefined,
) {
  if (reference !== undefined && reference.includes("@")) return reference;
  if (image !== undefined && image.startsWith("sha256:")) {
    const repo = reference?.replace(/:[^:/]+$/, "") ?? repository;
    if (repo !== undefined && repo !== "") return `${repo}@${image}`;
  }
  return reference;
}

/**
 * The landed tags of `stream` (their newest status item, by digest) and their hash; undefined when
 * no tag has landed yet.
 */
export function releaseInputsOf(stream: ImageStream | undefined): ReleaseInputs | undefined {
  const repository =
    stream?.status?.publicDockerImageRepository ?? stream?.status?.dockerImageRepository ?? undefined;
  const images: InputImage[] = [];
  for (const tag of stream?.status?.tags ?? []) {
    const newest = tag.items?.[0];
    if (newest === undefined) continue;
    const image = newest.image ?? newest.dockerImageReference;
    const pullspec = pullspecOf(newest.dockerImageReference, newest.image, repository);
    if (image === undefined || image === "" || pullspec === undefined) continue;
    images.push({ tag: tag.tag, pullspec, image });
  }
  if (images.length === 0) return undefined;
  images.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  const hash = createHash("sha256");
  for (const i of images) hash.update(i.image);
  return { images, hash: `sha256:${hash.digest("hex")}` };
}
