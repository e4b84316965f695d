/** Copying an image or index between stores, keeping its bytes and so its digest. */
import pLimit from "p-limit";
import type { BlobTransfer, Descriptor, ImageStore } from "./image-store.js";
import { parseManifest, toDescriptor } from "./manifest-schemas.js";
import { isRegistryError } from "./registry-error.js";

/** What {@link copyImage} did. */
export interface CopyResult {
  /** Digest of the top manifest or index (the same in both stores). */
  readonly digest: string;
  readonly mediaType: string;
  /** How many distinct blobs were already there, mounted, or streamed through. */
  readonly blobs: Readonly<Record<BlobTransfer, number>>;
  /** Bytes of the blobs streamed through (not mounted, not present). */
  readonly bytesCopied: number;
}

/**
 * Copies the manifest or index `fromTagOrDigest` of `from` to `to` under `toTag` (a tag, or the
 * same digest), with every child manifest and blob. Each blob is transferred at most once:
 * mounted when both stores are repositories of one registry, copied otherwise.
 * Manifests are copied byte for byte, so digests do not change.
 */
export async function copyImage(
  from: ImageStore,
  fromTagOrDigest: string,
  to: ImageStore,
  toTag: string,
  options: { concurrency?: number } = {},
): Promise<CopyResult> {
  const limit = pLimit(options.concurrency ?? 4);
  const blobs = new Map<string, Promise<BlobTransfer>>();
  const counts: Record<BlobTransfer, number> = { exists: 0, mounted: 0, copied: 0 };
  let bytesCopied = 0;

  const transfer = (descriptor: Descriptor): Promise<BlobTransfer> => {
    let pending = blobs.get(descriptor.digest);
    if (pending === undefined) {
      pending = limit(() => to.transferBlobFrom(from, descriptor)).then((outcome) => {
        counts[outcome] += 1;
        if (outcome === "copied") bytesCopied += descriptor.size;
        return outcome;
      });
      blobs.set(descriptor.digest, pending);
    }
    return pending;
  };

  const copyManifest = async (
    source: string,
    target: string,
  ): Promise<{ digest: string; mediaType: string }> => {
    const manifest = await from.getManifest(source);
    const what = `manifest ${source}`;
    const parsed = parseManifest(manifest.bytes, manifest.mediaType, what);
    if (parsed.kind === "index") {
      for (const child of parsed.index.manifests) {
        if (!(await hasManifest(to, child.digest))) await copyManifest(child.digest, child.digest);
      }
    } else {
      await Promise.all(
        [parsed.manifest.config, ...parsed.manifest.layers].map((d) => transfer(toDescriptor(d))),
      );
    }
    const digest = await to.putManifest(target, manifest.bytes, manifest.mediaType);
    return { digest, mediaType: manifest.mediaType };
  };

  const top = await copyManifest(fromTagOrDigest, toTag);
  return { ...top, blobs: counts, bytesCopied };
}

async function hasManifest(store: ImageStore, digest: string): Promise<boolean> {
  try {
    await store.getManifest(digest);
    return true;
  } catch (error) {
    if (isRegistryError(error, "MANIFEST_UNKNOWN", "NOT_FOUND", "NAME_UNKNOWN")) return false;
    throw error;
  }
}
