/**
 * Appends one layer to an image: the base image is read from one store, and the new image (base
 * layers + the new layer, edited config) is written to another store by digest. Base layers are
 * mounted when both stores are the same registry, copied once otherwise, and skipped when present.
 */
import pLimit from "p-limit";
import type { BlobTransfer, Descriptor, ImageStore } from "../registry/image-store.js";
import {
  parseImageConfig,
  parseManifest,
  type ImageConfig,
  type ImageManifest,
} from "../registry/manifest-schemas.js";
import { createImageManifest, descriptorOf, type BuiltManifest } from "./create-manifest.js";
import { sha256Digest } from "./digest.js";
import { editImageConfig, serializeJson, type ImageConfigEdit } from "./edit-image-config.js";
import { blobMediaTypeIn, formatOfMediaType, mediaTypesFor, type ImageFormat } from "./image-format.js";
import type { TarEntry } from "./deterministic-tar.js";
import { buildLayerBlob, type LayerBlob } from "./layer-blob.js";

/** What {@link appendLayer} needs. */
export interface AppendLayerInput {
  /** Store holding the base image. */
  readonly source: ImageStore;
  /** Digest of the base image manifest (a single-platform manifest, not an index). */
  readonly baseDigest: string;
  /** Store receiving the new image (may be `source`). */
  readonly destination: ImageStore;
  /** The layer to append: a built blob, or files to build one from (sorted, parents added, fixed mtimes). */
  readonly layer: LayerBlob | { readonly files: readonly TarEntry[] };
  /** Config changes besides the appended diffID (labels, history, created...). */
  readonly configEdit?: Omit<ImageConfigEdit, "appendDiffIds">;
  /**
   * Format of the written manifest (default: the base's). When it differs from the base's, the base's
   * config and layer descriptors get that format's media types; the blobs are the same bytes.
   */
  readonly format?: ImageFormat;
  /** Base layers transferred at once (default 4). */
  readonly concurrency?: number;
  /** The base image manifest (at `baseDigest`) and config when the caller has read them already. */
  readonly baseImage?: {
    readonly manifest: ImageManifest;
    readonly mediaType: string;
    readonly config: ImageConfig;
  };
}

/** Counts of what crossed the wire while writing an image. */
export interface TransferStats {
  /** Base blobs already present in the destination. */
  readonly existing: number;
  /** Base blobs mounted from another repository of the same registry. */
  readonly mounted: number;
  /** Base blobs streamed from the source. */
  readonly copied: number;
  /** Bytes sent to the destination: copied blobs, new layer and config (when not present), manifest. */
  readonly uploadedBytes: number;
}

/** The image written by {@link appendLayer}. */
export interface AppendedImage {
  readonly manifest: BuiltManifest;
  readonly config: ImageConfig;
  readonly stats: TransferStats;
}

/** Reads and parses an image manifest and its config from `store`. Throws when `digest` names an index. */
export async function readImage(
  store: ImageStore,
  digest: string,
): Promise<{ manifest: ImageManifest; mediaType: string; config: ImageConfig }> {
  const fetched = await store.getManifest(digest);
  const manifest = imageManifestOf(fetched.bytes, fetched.mediaType, digest);
  const config = parseImageConfig(await store.readBlob(manifest.config.digest), `config of image ${digest}`);
  const mediaType = manifest.mediaType ?? fetched.mediaType;
  return { manifest, mediaType, config };
}

function imageManifestOf(bytes: Uint8Array, mediaType: string, digest: string): ImageManifest {
  const parsed = parseManifest(bytes, mediaType, `manifest ${digest}`);
  if (parsed.kind !== "image")
    throw new Error(`${digest} is an index, expected a single-platform image manifest`);
  return parsed.manifest;
}

/** Uploads `bytes` unless present; returns the number of bytes sent. */
export async function putBlobIfMissing(
  store: ImageStore,
  digest: string,
  bytes: Uint8Array,
): Promise<number> {
  if (await store.hasBlob(digest)) return 0;
  await store.putBlob({ digest, size: bytes.length }, bytes);
  return bytes.length;
}

/** Makes every descriptor's blob present in `destination`, at most `concurrency` at once. */
export async function transferBlobs(
  source: ImageStore,
  destination: ImageStore,
  descriptors: readonly Descriptor[],
  concurrency = 4,
): Promise<TransferStats> {
  const limit = pLimit(concurrency);
  const outcomes: BlobTransfer[] = await Promise.all(
    descriptors.map((descriptor) => limit(() => destination.transferBlobFrom(source, descriptor))),
  );
  let copiedBytes = 0;
  outcomes.forEach((outcome, i) => {
    if (outcome === "copied") copiedBytes += descriptors[i]?.size ?? 0;
  });
  return {
    existing: outcomes.filter((o) => o === "exists").length,
    mounted: outcomes.filter((o) => o === "mounted").length,
    copied: outcomes.filter((o) => o === "copied").length,
    uploadedBytes: copiedBytes,
  };
}

/**
 * Writes base image + `layer` to `destination` under the new manifest's digest (no tag: the caller
 * tags it). The manifest has `input.format`, or else the base's format (OCI or Docker schema 2); base
 * layer descriptors are converted to that format's media types and the new layer uses its gzip layer
 * media type. Idempotent: running it twice writes the same digest.
 */
export async function appendLayer(input: AppendLayerInput): Promise<AppendedImage> {
  const layer = "files" in input.layer ? await buildLayerBlob(input.layer.files) : input.layer;
  const base = input.baseImage ?? (await readImage(input.source, input.baseDigest));
  const format = input.format ?? formatOfMediaType(base.mediaType);
  const types = mediaTypesFor(format);
  const config = editImageConfig(base.config, { ...input.configEdit, appendDiffIds: [layer.diffId] });
  const configBytes = serializeJson(config);
  const configDigest = sha256Digest(configBytes);
  // Base layers, new layer and config are independent: written at once, the manifest after all of them.
  const [transfers, layerBytes, configUploaded] = await Promise.all([
    transferBlobs(input.source, input.destination, base.manifest.layers as Descriptor[], input.concurrency),
    putBlobIfMissing(input.destination, layer.digest, layer.bytes),
    putBlobIfMissing(input.destination, configDigest, configBytes),
  ]);
  let uploadedBytes = transfers.uploadedBytes + layerBytes + configUploaded;
  const manifest = createImageManifest(
    format,
    descriptorOf(types.config, { digest: configDigest, size: configBytes.length }),
    [
      ...(base.manifest.layers as Descriptor[]).map((d) => ({
        ...d,
        mediaType: blobMediaTypeIn(format, d.mediaType),
      })),
      descriptorOf(types.layerGzip, layer),
    ],
  );
  await input.destination.putManifest(manifest.digest, manifest.bytes, manifest.mediaType);
  uploadedBytes += manifest.size;
  return { manifest, config, stats: { ...transfers, uploadedBytes } };
}
