/** Builds image manifests and indexes (OCI or Docker schema 2) as exact bytes with their digests. */
import type { Descriptor, Platform } from "../registry/image-store.js";
import { sha256Digest } from "./digest.js";
import { serializeJson } from "./edit-image-config.js";
import { mediaTypesFor, type ImageFormat } from "./image-format.js";

/** A manifest or index ready to push: its bytes, digest and media type. */
export interface BuiltManifest {
  readonly bytes: Buffer;
  readonly digest: string;
  readonly mediaType: string;
  readonly size: number;
}

function built(document: unknown, mediaType: string): BuiltManifest {
  const bytes = serializeJson(document);
  return { bytes, digest: sha256Digest(bytes), mediaType, size: bytes.length };
}

/** The descriptor of a blob or manifest, with only the fields a manifest needs. */
export function descriptorOf(
  mediaType: string,
  blob: { readonly digest: string; readonly size: number },
  platform?: Platform,
): Descriptor {
  return { mediaType, digest: blob.digest, size: blob.size, ...(platform === undefined ? {} : { platform }) };
}

/** Builds an image manifest in `format` pointing at `config` and `layers` (descriptors kept as given). */
export function createImageManifest(
  format: ImageFormat,
  config: Descriptor,
  layers: readonly Descriptor[],
): BuiltManifest {
  const mediaType = mediaTypesFor(format).manifest;
  return built({ schemaVersion: 2, mediaType, config, layers }, mediaType);
}

/** Builds an index (OCI image index or Docker manifest list) over `manifests`, in the order given. */
export function createImageIndex(format: ImageFormat, manifests: readonly Descriptor[]): BuiltManifest {
  const mediaType = mediaTypesFor(format).index;
  return built({ schemaVersion: 2, mediaType, manifests }, mediaType);
}
