/** The two image formats this module writes, and the media types each uses. */
import {
  DOCKER_CONFIG,
  DOCKER_LAYER_GZIP,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_LAYER_GZIP,
  OCI_LAYER_TAR,
  OCI_MANIFEST,
} from "../registry/media-types.js";

/** OCI, or Docker schema 2. Each has its own manifest, index, config and layer media types. */
export type ImageFormat = "oci" | "docker";

/** The media types used when writing an image in one format. */
export interface FormatMediaTypes {
  readonly manifest: string;
  readonly index: string;
  readonly config: string;
  readonly layerGzip: string;
}

/** Media types used when writing an image in `format`. */
export function mediaTypesFor(format: ImageFormat): FormatMediaTypes {
  return format === "oci"
    ? { manifest: OCI_MANIFEST, index: OCI_INDEX, config: OCI_CONFIG, layerGzip: OCI_LAYER_GZIP }
    : {
        manifest: DOCKER_MANIFEST,
        index: DOCKER_MANIFEST_LIST,
        config: DOCKER_CONFIG,
        layerGzip: DOCKER_LAYER_GZIP,
      };
}

/** The format a manifest or index media type belongs to. Throws for any other media type. */
export function formatOfMediaType(mediaType: string): ImageFormat {
  if (mediaType === OCI_MANIFEST || mediaType === OCI_INDEX) return "oci";
  if (mediaType === DOCKER_MANIFEST || mediaType === DOCKER_MANIFEST_LIST) return "docker";
  throw new Error(
    `unsupported manifest media type "${mediaType}" (expected an OCI or Docker schema 2 manifest or index)`,
  );
}

const DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
const DOCKER_FOREIGN_LAYER_GZIP = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
const OCI_NONDISTRIBUTABLE_LAYER_GZIP = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";

/** Blob media types of one format paired with the same kind of blob in the other (the bytes are the same). */
const BLOB_EQUIVALENTS: readonly (readonly [docker: string, oci: string])[] = [
  [DOCKER_CONFIG, OCI_CONFIG],
  [DOCKER_LAYER_GZIP, OCI_LAYER_GZIP],
  [DOCKER_LAYER_TAR, OCI_LAYER_TAR],
  [DOCKER_FOREIGN_LAYER_GZIP, OCI_NONDISTRIBUTABLE_LAYER_GZIP],
];

/**
 * The media type of a config or layer blob of type `mediaType` when written in an image of `format`
 * (as skopeo converts on copy). A type already of `format`, or with no equivalent (for example a zstd
 * OCI layer kept in OCI), is returned unchanged when `format` can hold it. Throws for an OCI-only blob
 * type written in Docker format, naming the type.
 */
export function blobMediaTypeIn(format: ImageFormat, mediaType: string): string {
  for (const [docker, oci] of BLOB_EQUIVALENTS) {
    if (mediaType === docker || mediaType === oci) return format === "oci" ? oci : docker;
  }
  if (format === "oci" || !mediaType.startsWith("application/vnd.oci.")) return mediaType;
  throw new Error(`cannot write a "${mediaType}" blob in a Docker schema 2 image (no Docker equivalent)`);
}
