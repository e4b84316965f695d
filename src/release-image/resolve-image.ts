/**
 * Reads one image from a store: its manifest (following an index to the preferred platform), config and
 * labels, and selected files of its top layer. The observe step of release assembly and release-info.
 */
import { isRegistryError, type Descriptor, type ImageStore, type Platform } from "../registry/image-store.js";
import {
  parseImageConfig,
  parseManifest,
  type ImageConfig,
  type ImageIndex,
  type ImageManifest,
} from "../registry/manifest-schemas.js";
import { readLayerFiles, type LayerFile } from "../oci-image/read-layer-files.js";

/** An image as read: the digest asked for, the index (if it was one) and the chosen platform image. */
export interface ResolvedImage {
  /** Digest of the manifest the reference named (an index digest for multi-arch images). */
  readonly digest: string;
  readonly mediaType: string;
  /** The index, when the reference named one. */
  readonly index?: ImageIndex;
  /** Digest of the single-platform image manifest read. */
  readonly imageDigest: string;
  readonly imageMediaType: string;
  readonly manifest: ImageManifest;
  readonly config: ImageConfig;
  readonly labels: Readonly<Record<string, string>>;
}

/** The platform `oc` reads labels and manifests from for multi-arch images. */
export const DEFAULT_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

/** The index entry for `platform`, or the first image entry when no entry matches (or none has a platform). */
export function choosePlatform(
  index: ImageIndex,
  platform: Platform = DEFAULT_PLATFORM,
): Descriptor | undefined {
  const images = index.manifests as Descriptor[];
  return (
    images.find((d) => d.platform?.os === platform.os && d.platform.architecture === platform.architecture) ??
    images.find((d) => d.platform === undefined || d.platform.architecture !== "unknown")
  );
}

/** Reads `tagOrDigest` from `store`, following an index to `platform` (default linux/amd64). `what` names the image in errors. */
export async function resolveImage(
  store: ImageStore,
  tagOrDigest: string,
  what: string,
  platform: Platform = DEFAULT_PLATFORM,
): Promise<ResolvedImage> {
  const top = await store.getManifest(tagOrDigest);
  const parsed = parseManifest(top.bytes, top.mediaType, `manifest of ${what}`);
  let index: ImageIndex | undefined;
  let imageDigest = top.digest;
  let imageMediaType = parsed.kind === "image" ? (parsed.manifest.mediaType ?? top.mediaType) : top.mediaType;
  let manifest: ImageManifest;
  if (parsed.kind === "index") {
    index = parsed.index;
    const entry = choosePlatform(parsed.index, platform);
    if (entry === undefined)
      throw new Error(`${what} is an index with no image for ${platform.os}/${platform.architecture}`);
    const child = await store.getManifest(entry.digest);
    const childParsed = parseManifest(child.bytes, child.mediaType, `manifest ${entry.digest} of ${what}`);
    if (childParsed.kind !== "image")
      throw new Error(`${what}: index entry ${entry.digest} is itself an index`);
    manifest = childParsed.manifest;
    imageDigest = child.digest;
    imageMediaType = childParsed.manifest.mediaType ?? child.mediaType;
  } else {
    manifest = parsed.manifest;
  }
  const config = parseImageConfig(await store.readBlob(manifest.config.digest), `config of ${what}`);
  return {
    digest: top.digest,
    mediaType: parsed.kind === "index" ? (parsed.index.mediaType ?? top.mediaType) : imageMediaType,
    ...(index === undefined ? {} : { index }),
    imageDigest,
    imageMediaType,
    manifest,
    config,
    labels: config.config?.Labels ?? {},
  };
}

/** Top layers up to this size are read whole (one verified read, cacheable: see `withContentCache`). */
export const SMALL_LAYER_BYTES = 1024 * 1024;

/**
 * The direct children of `directory` in the image's top layer (no deeper entries). A layer of at most
 * {@link SMALL_LAYER_BYTES} (as its descriptor says) is read whole, a larger one streamed.
 * `maxFileBytes` bounds each file.
 */
export async function readTopLayerDirectory(
  store: ImageStore,
  image: ResolvedImage,
  directory: string,
  what: string,
  maxFileBytes = 8 * 1024 * 1024,
): Promise<LayerFile[]> {
  const layers = image.manifest.layers;
  const top = layers[layers.length - 1];
  if (top === undefined) return [];
  try {
    const source =
      top.size <= SMALL_LAYER_BYTES
        ? await store.readBlob(top.digest, top.size)
        : await store.openBlob(top.digest);
    return await readLayerFiles(source, {
      include: (path) => path.startsWith(`${directory}/`) && !path.slice(directory.length + 1).includes("/"),
      maxFileBytes,
      description: `the top layer of ${what}`,
    });
  } catch (error) {
    const message = (error as Error).message;
    if (message.includes(what) || isRegistryError(error)) throw error;
    throw new Error(`reading the top layer ${top.digest} of ${what}: ${message}`, { cause: error });
  }
}
