/** The two image formats this module writes, and the media types each uses. */
import {
  DOCKER_CONFIG,
  DOCKER_LAYER_GZIP,
  DOCKER_MANIFEST,
  DOCKER_MANIFEST_LIST,
  OCI_CONFIG,
  OCI_INDEX,
  OCI_LAYER_GZIP,
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
