/**
 * The `oci:DIR` transport: an {@link ImageStore} over an OCI image layout directory (`oci-layout`,
 * `index.json` whose entries are named by `org.opencontainers.image.ref.name`, `blobs/<alg>/<hex>`),
 * readable by skopeo and umoci. Blobs and `index.json` are written to a temporary file and renamed;
 * `index.json` updates hold a lock file, so concurrent writers (in this process or others) do not lose tags.
 */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createDigestVerifier, digestAlgorithm, digestLike, sha256Digest, verifyBytes } from "./digest.js";
import { isDigest } from "./image-reference.js";
import type { OciLayoutReference } from "./image-reference.js";
import type { BlobTransfer, Descriptor, FetchedManifest, ImageStore } from "./image-store.js";
import { imageIndexSchema, declaredMediaType, parseManifest } from "./manifest-schemas.js";
import type { ImageIndex } from "./manifest-schemas.js";
import { OCI_INDEX, OCI_MANIFEST } from "./media-types.js";
import { RegistryError } from "./registry-error.js";

/** The annotation naming an image in `index.json`. */
export const REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

/** An OCI image layout directory. */
export class OciLayoutStore implements ImageStore {
  readonly reference: OciLayoutReference;
  private readonly dir: string;

  constructor(reference: OciLayoutReference) {
    this.reference = { transport: "oci", directory: reference.directory };
    this.dir = reference.directory;
  }

  async getManifest(tagOrDigest: string): Promise<FetchedManifest> {
    const what = `get manifest oci:${this.dir}${isDigest(tagOrDigest) ? "@" : ":"}${tagOrDigest}`;
    let digest = tagOrDigest;
    let mediaType: string | undefined;
    if (!isDigest(tagOrDigest)) {
      const index = await this.readIndex();
      const entries = index.manifests.filter((m) =>
        tagOrDigest === ""
          ? index.manifests.length === 1
          : m.annotations?.[REF_NAME_ANNOTATION] === tagOrDigest,
      );
      const entry = entries[entries.length - 1];
      if (entry === undefined)
        throw new RegistryError("MANIFEST_UNKNOWN", `${what}: no image named "${tagOrDigest}"`);
      digest = entry.digest;
      mediaType = entry.mediaType;
    }
    const bytes = await this.readBlobFile(digest, 8 * 1024 * 1024, what, "MANIFEST_UNKNOWN");
    const declared = declaredMediaType(bytes);
    const shapeType = new TextDecoder().decode(bytes).includes('"manifests"') ? OCI_INDEX : OCI_MANIFEST;
    return { mediaType: declared ?? mediaType ?? shapeType, digest, bytes };
  }

  async putManifest(tagOrDigest: string, bytes: Uint8Array, mediaType: string): Promise<string> {
    const what = `put manifest oci:${this.dir}${isDigest(tagOrDigest) ? "@" : ":"}${tagOrDigest}`;
    const digest = isDigest(tagOrDigest) ? digestLike(tagOrDigest, bytes) : sha256Digest(bytes);
    if (isDigest(tagOrDigest)) verifyBytes(bytes, tagOrDigest, what);
    await this.checkReferencedBlobs(bytes, mediaType, what);
    await this.putBlob({ digest, size: bytes.length }, bytes);
    if (isDigest(tagOrDigest)) return digest;
    await this.updateIndex((index) => {
      const others = index.manifests.filter((m) => m.annotations?.[REF_NAME_ANNOTATION] !== tagOrDigest);
      const entry = {
        mediaType,
        digest,
        size: bytes.length,
        annotations: { [REF_NAME_ANNOTATION]: tagOrDigest },
      };
      return { ...index, manifests: [...others, entry] };
    });
    return digest;
  }

  async hasBlob(digest: string): Promise<boolean> {
    try {
      return (await stat(this.blobPath(digest))).isFile();
    } catch {
      return false;
    }
  }

  async openBlob(digest: string): Promise<Readable> {
    const what = `get blob oci:${this.dir}@${digest}`;
    const path = this.blobPath(digest);
    if (!(await this.hasBlob(digest))) throw new RegistryError("BLOB_UNKNOWN", `${what}: not in the layout`);
    const verifier = createDigestVerifier(digest, what);
    pipeline(createReadStream(path), verifier).catch(() => undefined);
    return verifier;
  }

  readBlob(digest: string, maxBytes = 16 * 1024 * 1024): Promise<Uint8Array> {
    return this.readBlobFile(digest, maxBytes, `get blob oci:${this.dir}@${digest}`, "BLOB_UNKNOWN");
  }

  async putBlob(descriptor: { digest: string; size: number }, body: Readable | Uint8Array): Promise<void> {
    const what = `put blob oci:${this.dir}@${descriptor.digest}`;
    if (await this.hasBlob(descriptor.digest)) {
      if (!(body instanceof Uint8Array)) body.destroy();
      return;
    }
    const final = this.blobPath(descriptor.digest);
    await this.initialize();
    const temp = `${final}.tmp-${randomUUID()}`;
    try {
      const source = body instanceof Uint8Array ? Readable.from([body]) : body;
      await pipeline(
        source,
        createDigestVerifier(descriptor.digest, what, descriptor.size),
        createWriteStream(temp),
      );
      await rename(temp, final);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async transferBlobFrom(from: ImageStore, descriptor: Descriptor): Promise<BlobTransfer> {
    if (await this.hasBlob(descriptor.digest)) return "exists";
    await this.putBlob(descriptor, await from.openBlob(descriptor.digest));
    return "copied";
  }

  async listTags(): Promise<string[]> {
    const index = await this.readIndex().catch((error: unknown) => {
      if (error instanceof RegistryError && error.code === "NAME_UNKNOWN") return undefined;
      throw error;
    });
    const names = (index?.manifests ?? []).flatMap((m) => m.annotations?.[REF_NAME_ANNOTATION] ?? []);
    return [...new Set(names)].sort();
  }

  private blobPath(digest: string): string {
    const algorithm = digestAlgorithm(digest);
    return join(this.dir, "blobs", algorithm, digest.slice(algorithm.length + 1));
  }

  private async readBlobFile(
    digest: string,
    maxBytes: number,
    what: string,
    missing: string,
  ): Promise<Uint8Array> {
    const path = this.blobPath(digest);
    let size: number;
    try {
      size = (await stat(path)).size;
    } catch {
      throw new RegistryError(missing, `${what}: not in the layout`);
    }
    if (size > maxBytes)
      throw new RegistryError("TOO_LARGE", `${what}: ${size} bytes, more than ${maxBytes}`);
    const bytes = await readFile(path);
    verifyBytes(bytes, digest, what);
    return bytes;
  }

  private async checkReferencedBlobs(bytes: Uint8Array, mediaType: string, what: string): Promise<void> {
    const parsed = parseManifest(bytes, mediaType, what);
    const needed =
      parsed.kind === "index" ? parsed.index.manifests : [parsed.manifest.config, ...parsed.manifest.layers];
    for (const descriptor of needed) {
      if (!(await this.hasBlob(descriptor.digest))) {
        throw new RegistryError(
          "MANIFEST_BLOB_UNKNOWN",
          `${what}: it names ${descriptor.digest}, which is not in the layout`,
        );
      }
    }
  }

  private async readIndex(): Promise<ImageIndex> {
    let text: string;
    try {
      text = await readFile(join(this.dir, "index.json"), "utf8");
    } catch {
      throw new RegistryError("NAME_UNKNOWN", `oci:${this.dir}: not an OCI image layout (no index.json)`);
    }
    const parsed = imageIndexSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new RegistryError("MANIFEST_INVALID", `oci:${this.dir}/index.json is malformed`);
    return parsed.data;
  }

  private async initialize(): Promise<void> {
    await mkdir(join(this.dir, "blobs", "sha256"), { recursive: true });
    await writeFile(join(this.dir, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}', { flag: "wx" }).catch(
      ignoreExists,
    );
    const empty = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] };
    await writeFile(join(this.dir, "index.json"), JSON.stringify(empty), { flag: "wx" }).catch(ignoreExists);
  }

  private async updateIndex(change: (index: ImageIndex) => ImageIndex): Promise<void> {
    await this.initialize();
    const lock = join(this.dir, "index.json.lock");
    await acquireLock(lock);
    try {
      const next = change(await this.readIndex());
      const temp = join(this.dir, `index.json.tmp-${randomUUID()}`);
      await writeFile(temp, JSON.stringify(next));
      await rename(temp, join(this.dir, "index.json"));
    } finally {
      await rm(lock, { force: true });
    }
  }
}

function ignoreExists(error: unknown): void {
  if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
}

/** Takes a lock file (O_EXCL); waits while another writer holds it; breaks a lock older than 30 s. */
async function acquireLock(path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, "wx");
      await handle.close();
      return;
    } catch (error) {
      ignoreExists(error);
      const age = await stat(path).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > 30_000) await rm(path, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, Math.min(2 + attempt, 50)));
    }
  }
}
