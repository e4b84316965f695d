/**
 * An in-memory ImageStore for unit tests of code that writes images (not a test of the registry module).
 * Stores of one `MemoryRegistry` share blobs per repository and "mount" between repositories.
 */
import { Readable } from "node:stream";
import { createHash } from "node:crypto";
import type {
  BlobTransfer,
  Descriptor,
  FetchedManifest,
  ImageStore,
} from "../../../src/registry/image-store.js";
import type { ImageReference } from "../../../src/registry/image-reference.js";

function digestOf(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A registry of in-memory repositories. */
export class MemoryRegistry {
  readonly repositories = new Map<string, MemoryImageStore>();
  /** Bytes received by putBlob/putManifest and copies, across all repositories. */
  uploadedBytes = 0;

  /** The store of `repository` (created on first use). */
  store(repository: string): MemoryImageStore {
    let store = this.repositories.get(repository);
    if (store === undefined) {
      store = new MemoryImageStore(this, repository);
      this.repositories.set(repository, store);
    }
    return store;
  }
}

/** One in-memory repository. */
export class MemoryImageStore implements ImageStore {
  readonly reference: ImageReference;
  readonly blobs = new Map<string, Uint8Array>();
  readonly manifests = new Map<string, { bytes: Uint8Array; mediaType: string }>();
  readonly tags = new Map<string, string>();

  constructor(
    readonly registry: MemoryRegistry,
    readonly repository: string,
  ) {
    this.reference = { transport: "docker", registry: "memory.invalid", repository };
  }

  async getManifest(tagOrDigest: string): Promise<FetchedManifest> {
    const digest = tagOrDigest.startsWith("sha256:") ? tagOrDigest : this.tags.get(tagOrDigest);
    const found = digest === undefined ? undefined : this.manifests.get(digest);
    if (digest === undefined || found === undefined)
      throw new Error(`MANIFEST_UNKNOWN ${this.repository}:${tagOrDigest}`);
    return { digest, mediaType: found.mediaType, bytes: found.bytes };
  }

  async putManifest(tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const digest = digestOf(bytes);
    if (tagOrDigest.startsWith("sha256:") && tagOrDigest !== digest) throw new Error("DIGEST_INVALID");
    this.manifests.set(digest, { bytes: Uint8Array.from(bytes), mediaType });
    if (!tagOrDigest.startsWith("sha256:")) this.tags.set(tagOrDigest, digest);
    this.registry.uploadedBytes += bytes.length;
    return digest;
  }

  async hasBlob(digest: string): Promise<boolean> {
    return this.blobs.has(digest);
  }

  async openBlob(digest: string): Promise<Readable> {
    const blob = this.blobs.get(digest);
    if (blob === undefined) throw new Error(`BLOB_UNKNOWN ${digest}`);
    return Readable.from([Buffer.from(blob)]);
  }

  async readBlob(digest: string): Promise<Uint8Array> {
    const blob = this.blobs.get(digest);
    if (blob === undefined) throw new Error(`BLOB_UNKNOWN ${digest}`);
    return blob;
  }

  async putBlob(descriptor: { digest: string; size: number }, body: Readable | Uint8Array): Promise<void> {
    const chunks: Buffer[] = [];
    if (body instanceof Uint8Array) chunks.push(Buffer.from(body));
    else for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
    const bytes = Buffer.concat(chunks);
    if (digestOf(bytes) !== descriptor.digest) throw new Error("DIGEST_MISMATCH");
    this.registry.uploadedBytes += bytes.length;
    this.blobs.set(descriptor.digest, bytes);
  }

  async transferBlobFrom(from: ImageStore, descriptor: Descriptor): Promise<BlobTransfer> {
    if (this.blobs.has(descriptor.digest)) return "exists";
    if (from instanceof MemoryImageStore && from.registry === this.registry) {
      const blob = from.blobs.get(descriptor.digest);
      if (blob === undefined) throw new Error(`BLOB_UNKNOWN ${descriptor.digest}`);
      this.blobs.set(descriptor.digest, blob);
      return "mounted";
    }
    await this.putBlob(descriptor, await from.openBlob(descriptor.digest));
    return "copied";
  }

  async listTags(): Promise<string[]> {
    return [...this.tags.keys()].sort();
  }
}
