/**
 * Tiny synthetic images for registry tests: random layer bytes (registries do not look inside),
 * a real image config, and OCI or Docker schema 2 manifests and indexes, pushed through an ImageStore.
 */
import { randomBytes } from "node:crypto";
import type { Descriptor, ImageStore } from "../../src/registry/image-store.js";
import { sha256Digest } from "../../src/registry/digest.js";
import { mediaTypesFor, type ImageFormat } from "../../src/oci-image/image-format.js";

export type { ImageFormat } from "../../src/oci-image/image-format.js";

/** An image made by {@link makeImage}: its blobs and manifest, not yet pushed. */
export interface TestImage {
  readonly format: ImageFormat;
  readonly blobs: readonly { readonly descriptor: Descriptor; readonly bytes: Uint8Array }[];
  readonly manifest: Uint8Array;
  readonly mediaType: string;
  readonly digest: string;
}

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));

/** Makes an image with `layerSizes` random layers and a config with `labels`. */
export function makeImage(
  format: ImageFormat,
  layerSizes: readonly number[] = [64],
  labels: Record<string, string> = {},
  architecture = "amd64",
): TestImage {
  const types = mediaTypesFor(format);
  const layers = layerSizes.map((size) => {
    const bytes = randomBytes(size);
    const descriptor = {
      mediaType: types.layerGzip,
      digest: sha256Digest(bytes),
      size,
    };
    return { descriptor, bytes };
  });
  const config = encode({
    architecture,
    os: "linux",
    config: { Labels: labels },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.descriptor.digest) },
  });
  const configDescriptor = {
    mediaType: types.config,
    digest: sha256Digest(config),
    size: config.length,
  };
  const mediaType = types.manifest;
  const manifest = encode({
    schemaVersion: 2,
    mediaType,
    config: configDescriptor,
    layers: layers.map((l) => l.descriptor),
  });
  return {
    format,
    blobs: [{ descriptor: configDescriptor, bytes: config }, ...layers],
    manifest,
    mediaType,
    digest: sha256Digest(manifest),
  };
}

/** Pushes an image's blobs and its manifest under `tag` (or by digest when `tag` is undefined). */
export async function pushImage(store: ImageStore, image: TestImage, tag?: string): Promise<string> {
  for (const blob of image.blobs) await store.putBlob(blob.descriptor, blob.bytes);
  return store.putManifest(tag ?? image.digest, image.manifest, image.mediaType);
}

/** Makes and pushes an index over per-platform images (pushed by digest first); returns the index digest. */
export async function pushIndex(
  store: ImageStore,
  format: ImageFormat,
  tag: string,
  architectures: readonly string[] = ["amd64", "arm64"],
): Promise<{ digest: string; images: TestImage[] }> {
  const images = architectures.map((arch) => makeImage(format, [32, 48], {}, arch));
  for (const image of images) await pushImage(store, image);
  const mediaType = mediaTypesFor(format).index;
  const index = encode({
    schemaVersion: 2,
    mediaType,
    manifests: images.map((image, i) => ({
      mediaType: image.mediaType,
      digest: image.digest,
      size: image.manifest.length,
      platform: { architecture: architectures[i] ?? "amd64", os: "linux" },
    })),
  });
  const digest = await store.putManifest(tag, index, mediaType);
  return { digest, images };
}
