/**
 * An {@link ImageStore} that answers blob reads (configs, small layers) from a {@link ContentCache}
 * before asking the store behind it, and keeps what it reads from the store (verified by it) within
 * {@link CACHEABLE_BYTES}. Manifests are always read from the store, even by digest: reading one is
 * what shows that the repository still holds the image (a gone image fails as it would uncached,
 * naming it), and the blobs it names are then the repository's. Writes, existence checks and tag
 * lists pass straight through.
 */
import { Readable } from "node:stream";
import { CACHEABLE_BYTES, type ContentCache } from "./content-cache.js";
import type { BlobTransfer, Descriptor, FetchedManifest, ImageStore } from "./image-store.js";
import type { ImageReference } from "./image-reference.js";
import { RegistryError } from "./registry-error.js";

class CachingImageStore implements ImageStore {
  readonly reference: ImageReference;

  constructor(
    private readonly store: ImageStore,
    private readonly cache: ContentCache,
    private readonly maxBytes: number,
  ) {
    this.reference = store.reference;
  }

  getManifest(tagOrDigest: string): Promise<FetchedManifest> {
    return this.store.getManifest(tagOrDigest);
  }

  async readBlob(digest: string, maxBytes?: number): Promise<Uint8Array> {
    const hit = await this.cache.get(digest);
    if (hit !== undefined) {
      if (maxBytes !== undefined && hit.bytes.length > maxBytes)
        throw new RegistryError("TOO_LARGE", `get blob ${digest}: larger than ${maxBytes} bytes`);
      return hit.bytes;
    }
    const bytes = await this.store.readBlob(digest, maxBytes);
    if (bytes.length <= this.maxBytes) await this.cache.put(digest, { bytes });
    return bytes;
  }

  async openBlob(digest: string): Promise<Readable> {
    const hit = await this.cache.get(digest);
    return hit === undefined ? this.store.openBlob(digest) : Readable.from([hit.bytes]);
  }

  putManifest(tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    return this.store.putManifest(tagOrDigest, bytes, mediaType);
  }

  hasBlob(digest: string): Promise<boolean> {
    return this.store.hasBlob(digest);
  }

  putBlob(descriptor: { digest: string; size: number }, body: Readable | Uint8Array): Promise<void> {
    return this.store.putBlob(descriptor, body);
  }

  transferBlobFrom(from: ImageStore, descriptor: Descriptor): Promise<BlobTransfer> {
    return this.store.transferBlobFrom(from, descriptor);
  }

  listTags(): Promise<string[]> {
    return this.store.listTags();
  }
}

/**
 * `store` with blob reads answered from `cache` first (see the module documentation). Blobs larger
 * than `maxBytes` (default {@link CACHEABLE_BYTES}) are never cached.
 */
export function withContentCache(
  store: ImageStore,
  cache: ContentCache,
  maxBytes = CACHEABLE_BYTES,
): ImageStore {
  return new CachingImageStore(store, cache, maxBytes);
}
