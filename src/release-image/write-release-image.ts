/**
 * The act step of release assembly: append the release layer to the CVO image (or to every platform
 * image of a CVO index, then write an index over them), with `oc`'s config rewrite, and tag the result.
 */
import { appendLayer, type TransferStats } from "../oci-image/append-layer.js";
import { createImageIndex } from "../oci-image/create-manifest.js";
import { formatOfMediaType, type ImageFormat } from "../oci-image/image-format.js";
import type { LayerBlob } from "../oci-image/layer-blob.js";
import type { Descriptor, ImageStore } from "../registry/image-store.js";
import type { ResolvedImage } from "./resolve-image.js";

/** Label holding the release name on the release image. */
export const RELEASE_LABEL = "io.openshift.release";
/** Label holding the manifest digest of the base (CVO) image the release was built on. */
export const BASE_DIGEST_LABEL = "io.openshift.release.base-image-digest";
/** The one history comment of a release image. */
export const HISTORY_COMMENT = "Release image for OpenShift";

/** One platform image of the release. */
export interface ReleasePlatformImage {
  readonly platform?: { readonly os: string; readonly architecture: string; readonly variant?: string };
  readonly digest: string;
  readonly baseDigest: string;
}

/** The image written: top digest and media type (an index for a multi-arch base), platforms, transfers. */
export interface WrittenReleaseImage {
  readonly digest: string;
  readonly mediaType: string;
  readonly platforms: readonly ReleasePlatformImage[];
  readonly transfers: TransferStats;
}

/** What {@link writeReleaseImage} writes. */
export interface WriteReleaseImageInput {
  readonly baseStore: ImageStore;
  /** The base as read (its `index` set for a multi-arch base). */
  readonly base: ResolvedImage;
  readonly destination: ImageStore;
  readonly tag: string;
  readonly layer: LayerBlob;
  readonly name: string;
  /** RFC 3339, whole seconds. */
  readonly created: string;
  /**
   * Format of the written manifests and index (default: the base's). An OCI layout destination needs
   * `"oci"`: skopeo and umoci ignore Docker-typed manifests in a layout.
   */
  readonly format?: ImageFormat;
}

/**
 * Writes the release: per base image, base layers (mounted, copied or present) + `layer`, labels replaced
 * by exactly {@link RELEASE_LABEL} and {@link BASE_DIGEST_LABEL} (that platform image's digest), `created`
 * and history set, build-only fields cleared; then, for an index base, an index with the original
 * platforms and order. Everything is written in `input.format`, else the base's format. Tags the top
 * manifest with `tag`.
 */
export async function writeReleaseImage(input: WriteReleaseImageInput): Promise<WrittenReleaseImage> {
  const multiArch = input.base.index !== undefined;
  const children: Descriptor[] = multiArch
    ? ((input.base.index?.manifests ?? []) as Descriptor[])
    : [{ mediaType: input.base.imageMediaType, digest: input.base.imageDigest, size: 0 }];
  const platforms: ReleasePlatformImage[] = [];
  const descriptors: Descriptor[] = [];
  const totals = { existing: 0, mounted: 0, copied: 0, uploadedBytes: 0 };
  let single: { bytes: Uint8Array; mediaType: string } | undefined;
  for (const child of children) {
    const appended = await appendLayer({
      source: input.baseStore,
      baseDigest: child.digest,
      destination: input.destination,
      layer: input.layer,
      ...(input.format === undefined ? {} : { format: input.format }),
      // The base as read already (single-platform, or the index's linux/amd64 image): not read again.
      ...(child.digest === input.base.imageDigest
        ? {
            baseImage: {
              manifest: input.base.manifest,
              mediaType: input.base.imageMediaType,
              config: input.base.config,
            },
          }
        : {}),
      configEdit: {
        labels: {
          mode: "replace",
          values: { [RELEASE_LABEL]: input.name, [BASE_DIGEST_LABEL]: child.digest },
        },
        created: input.created,
        history: { mode: "replace", entry: { created: input.created, comment: HISTORY_COMMENT } },
        clearBuildFields: true,
        defaultPlatform: { os: "linux", architecture: "amd64" },
      },
    });
    totals.existing += appended.stats.existing;
    totals.mounted += appended.stats.mounted;
    totals.copied += appended.stats.copied;
    totals.uploadedBytes += appended.stats.uploadedBytes;
    platforms.push({
      ...(child.platform ? { platform: child.platform } : {}),
      digest: appended.manifest.digest,
      baseDigest: child.digest,
    });
    descriptors.push({
      ...child,
      mediaType: appended.manifest.mediaType,
      digest: appended.manifest.digest,
      size: appended.manifest.size,
    });
    single = { bytes: appended.manifest.bytes, mediaType: appended.manifest.mediaType };
  }
  const top = multiArch
    ? createImageIndex(input.format ?? formatOfMediaType(input.base.mediaType), descriptors)
    : {
        digest: descriptors[0]?.digest ?? "",
        mediaType: single?.mediaType ?? "",
        bytes: single?.bytes ?? new Uint8Array(),
      };
  if (multiArch) {
    await input.destination.putManifest(top.digest, top.bytes, top.mediaType);
    totals.uploadedBytes += top.bytes.length;
  }
  await input.destination.putManifest(input.tag, top.bytes, top.mediaType);
  totals.uploadedBytes += top.bytes.length;
  return { digest: top.digest, mediaType: top.mediaType, platforms, transfers: totals };
}
