/**
 * Builds small real images for tests, demos and the dev cluster's simulated build system: an optional
 * base image plus one layer of files, with labels, written to a store by digest (and tag).
 */
import type { ImageStore, Platform } from "../registry/image-store.js";
import type { ImageConfig } from "../registry/manifest-schemas.js";
import { appendLayer, putBlobIfMissing } from "./append-layer.js";
import { createImageManifest, descriptorOf, type BuiltManifest } from "./create-manifest.js";
import type { TarEntry } from "./deterministic-tar.js";
import { sha256Digest } from "./digest.js";
import { editImageConfig, serializeJson } from "./edit-image-config.js";
import { mediaTypesFor, type ImageFormat } from "./image-format.js";
import { buildLayerBlob } from "./layer-blob.js";

/** What {@link buildSyntheticImage} builds. */
export interface SyntheticImageInput {
  /** Where the image is written. */
  readonly destination: ImageStore;
  /** Tag to put on the image; none means by digest only. */
  readonly tag?: string;
  /** Format of an image with no base (default `oci`); an image with a base keeps the base's format. */
  readonly format?: ImageFormat;
  /** Base image (single-platform manifest digest in `store`); none means a one-layer image. */
  readonly base?: { readonly store: ImageStore; readonly digest: string };
  /** Files of the one new layer (sorted, parent directories added, fixed mtimes). */
  readonly files: readonly TarEntry[];
  /** Labels merged over the base's. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Platform of an image with no base (default linux/amd64). */
  readonly platform?: Platform;
  /** `created` of the config and history entry (default the Unix epoch, so digests are stable). */
  readonly created?: string;
  /** `created_by` of the new history entry. */
  readonly createdBy?: string;
}

/** The image written: its manifest (digest, bytes, media type) and config. */
export interface SyntheticImage {
  readonly manifest: BuiltManifest;
  readonly config: ImageConfig;
  /** `docker://...@digest`-free pullspec suffix: the digest, for building `repo@digest` pullspecs. */
  readonly digest: string;
}

const EPOCH = "1970-01-01T00:00:00Z";

/** Builds and writes the image; same input, same digest. */
export async function buildSyntheticImage(input: SyntheticImageInput): Promise<SyntheticImage> {
  const layer = await buildLayerBlob(input.files);
  const created = input.created ?? EPOCH;
  const history = { created, created_by: input.createdBy ?? "payloadctl synthetic layer" };
  if (input.base !== undefined) {
    const appended = await appendLayer({
      source: input.base.store,
      baseDigest: input.base.digest,
      destination: input.destination,
      layer,
      configEdit: {
        created,
        history: { mode: "append", entries: [history] },
        ...(input.labels === undefined ? {} : { labels: { mode: "merge" as const, values: input.labels } }),
      },
    });
    if (input.tag !== undefined) {
      await input.destination.putManifest(input.tag, appended.manifest.bytes, appended.manifest.mediaType);
    }
    return { manifest: appended.manifest, config: appended.config, digest: appended.manifest.digest };
  }
  const format = input.format ?? "oci";
  const types = mediaTypesFor(format);
  const platform = input.platform ?? { os: "linux", architecture: "amd64" };
  const empty: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    config: { Labels: {} },
    rootfs: { type: "layers", diff_ids: [] },
    history: [],
  };
  const config = editImageConfig(empty, {
    appendDiffIds: [layer.diffId],
    labels: { mode: "merge", values: input.labels ?? {} },
    history: { mode: "append", entries: [history] },
  });
  const configBytes = serializeJson(config);
  const configDigest = sha256Digest(configBytes);
  await putBlobIfMissing(input.destination, layer.digest, layer.bytes);
  await putBlobIfMissing(input.destination, configDigest, configBytes);
  const manifest = createImageManifest(
    format,
    descriptorOf(types.config, { digest: configDigest, size: configBytes.length }),
    [descriptorOf(types.layerGzip, layer)],
  );
  await input.destination.putManifest(input.tag ?? manifest.digest, manifest.bytes, manifest.mediaType);
  if (input.tag !== undefined)
    await input.destination.putManifest(manifest.digest, manifest.bytes, manifest.mediaType);
  return { manifest, config, digest: manifest.digest };
}
