/**
 * One interface over the two image transports, named as skopeo names them:
 * `docker://host[:port]/repo` (a registry) and `oci:DIR` (an OCI image layout directory).
 */
import type { Readable } from "node:stream";
import type { ImageReference } from "./image-reference.js";
import { parseImageReference, repositoryOf } from "./image-reference.js";
import type { RegistryOptions } from "./registry-options.js";
import { parseDockerConfig } from "./docker-config.js";
import type { CredentialStore } from "./docker-config.js";
import { OciLayoutStore } from "./oci-layout-store.js";
import { RegistryClient } from "./registry-client.js";
import { RegistryStore } from "./registry-store.js";
import { RegistryError } from "./registry-error.js";

export { RegistryError, isRegistryError } from "./registry-error.js";
export type { RegistryOptions, RetryPolicy } from "./registry-options.js";
export type { ImageReference, DockerImageReference, OciLayoutReference } from "./image-reference.js";

/** A platform of an index entry, as in the OCI image index. */
export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  "os.version"?: string;
  "os.features"?: string[];
}

/** An OCI content descriptor: what a manifest or index says about a blob or manifest it points to. */
export interface Descriptor {
  mediaType: string;
  /** `sha256:<64 hex>` */
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: Platform;
}

/** A manifest or index as stored: its exact bytes, their digest and the media type the store reported. */
export interface FetchedManifest {
  mediaType: string;
  /** sha256 of `bytes`; always verified against the bytes read. */
  digest: string;
  bytes: Uint8Array;
}

/** The outcome of {@link ImageStore.transferBlobFrom}. */
export type BlobTransfer = "exists" | "mounted" | "copied";

/**
 * A repository of images: a registry repository or an OCI layout directory.
 *
 * Every read is checked against its digest; a mismatch is a {@link RegistryError} with code
 * `DIGEST_MISMATCH`. Errors of the distribution spec (MANIFEST_UNKNOWN, BLOB_UNKNOWN, NAME_UNKNOWN,
 * DENIED, UNAUTHORIZED...) surface as {@link RegistryError} with that code.
 */
export interface ImageStore {
  /** The repository-level reference (no tag, no digest). */
  readonly reference: ImageReference;
  /** Reads an image manifest or index (OCI or Docker schema 2) by tag or `sha256:` digest. */
  getManifest(tagOrDigest: string): Promise<FetchedManifest>;
  /**
   * Stores manifest `bytes` under a tag, or under its digest when `tagOrDigest` is a digest (which
   * must match). Every blob and child manifest it names must already be in the store. Returns its digest.
   */
  putManifest(tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<string>;
  /** True when the blob is in the store. */
  hasBlob(digest: string): Promise<boolean>;
  /** Streams a blob; the stream errors at its end when the bytes do not match `digest`. */
  openBlob(digest: string): Promise<Readable>;
  /** Reads a small blob (a config) whole, verified; fails when it is larger than `maxBytes` (default 16 MiB). */
  readBlob(digest: string, maxBytes?: number): Promise<Uint8Array>;
  /** Uploads a blob, verified against `descriptor`; does nothing when it is already present. */
  putBlob(descriptor: { digest: string; size: number }, body: Readable | Uint8Array): Promise<void>;
  /**
   * Makes sure `from`'s blob exists here: "exists" when already present, "mounted" by cross-repository
   * mount when both stores are the same registry, else "copied" by streaming it through.
   */
  transferBlobFrom(from: ImageStore, descriptor: Descriptor): Promise<BlobTransfer>;
  /** Every tag of the repository, sorted; empty for a repository that does not exist. */
  listTags(): Promise<string[]>;
}

/**
 * Opens the repository named by `ref` (its tag or digest, if any, is ignored: pass it to the methods).
 * `docker://` and bare pullspecs give a registry store, `oci:DIR` an OCI layout store (created on first write).
 * Opening does no I/O; errors surface from the first call, except malformed credentials, which throw here.
 * Each call gets its own connection pool and token cache; to open many repositories, use {@link ImageStores}.
 */
export function openImageStore(ref: string | ImageReference, options: RegistryOptions = {}): ImageStore {
  return new ImageStores(options).open(ref);
}

/**
 * Opens stores that share, per registry, one connection pool, one scheme probe and one token cache:
 * the way to open hundreds of component repositories on a few registries. Holds no I/O resources
 * beyond idle keep-alive sockets, which do not keep the process alive.
 */
export class ImageStores {
  private readonly clients = new Map<string, RegistryClient>();
  private readonly credentials: CredentialStore;

  /** Throws here when `options.dockerConfigJson` is malformed. */
  constructor(private readonly options: RegistryOptions = {}) {
    this.credentials =
      options.dockerConfigJson === undefined ? new Map() : parseDockerConfig(options.dockerConfigJson);
  }

  /** Opens a repository as {@link openImageStore} does, reusing this factory's clients. */
  open(ref: string | ImageReference): ImageStore {
    const parsed = repositoryOf(typeof ref === "string" ? parseImageReference(ref) : ref);
    if (parsed.transport === "oci") return new OciLayoutStore(parsed);
    let client = this.clients.get(parsed.registry);
    if (client === undefined) {
      client = new RegistryClient(parsed.registry, this.options, this.credentials);
      this.clients.set(parsed.registry, client);
    }
    return new RegistryStore(parsed, client, {
      chunkSize: this.options.chunkSize ?? Number.POSITIVE_INFINITY,
      tagPageSize: this.options.tagPageSize ?? 1000,
    });
  }

  /**
   * Deletes manifest `digest` from the registry repository `ref` (`DELETE /v2/<repo>/manifests/<digest>`):
   * "absent" when the registry does not have it; a {@link RegistryError} with the status when it refuses
   * (405 when deletes are disabled, 401/403 for credentials that may not delete). Not for OCI layouts.
   */
  deleteManifest(ref: string | ImageReference, digest: string): Promise<"deleted" | "absent"> {
    const store = this.open(ref);
    if (!(store instanceof RegistryStore))
      return Promise.reject(
        new RegistryError(
          "UNSUPPORTED",
          `delete manifest ${String(ref)}@${digest}: not a registry repository`,
        ),
      );
    return store.deleteManifest(digest);
  }
}
