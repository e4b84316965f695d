/**
 * On-disk storage of the dev cluster's integrated registry, laid out like distribution's:
 * content-addressed blobs shared by all repositories, and per repository the links that say which
 * blobs and manifests it holds and which digest each tag names. Every write is temp file + rename.
 *
 * ```
 * DIR/blobs/sha256/<hex>                                   content (layers, configs, manifests)
 * DIR/repositories/<name>/_layers/sha256/<hex>             empty: the blob is in this repository
 * DIR/repositories/<name>/_manifests/revisions/sha256/<hex> the manifest's media type
 * DIR/repositories/<name>/_manifests/tags/<tag>            the digest the tag names
 * DIR/uploads/<uuid>                                       data of an upload session
 * ```
 */
import { randomUUID } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";

/** Digests this registry accepts. */
export const DIGEST_PATTERN = /^sha256:([a-f0-9]{64})$/;

/** The hex part of a sha256 digest, or `undefined` for anything else. */
export function digestHex(digest: string): string | undefined {
  return DIGEST_PATTERN.exec(digest)?.[1];
}

/** File-system storage of repositories, blobs, manifests, tags and upload data. */
export class RegistryStorage {
  constructor(readonly dir: string) {}

  /** Path of a blob's content (it may not exist). */
  blobPath(hex: string): string {
    return join(this.dir, "blobs", "sha256", hex);
  }

  private repoPath(name: string, ...parts: string[]): string {
    return join(this.dir, "repositories", ...name.split("/"), ...parts);
  }

  /** Path of an upload session's data. */
  uploadPath(id: string): string {
    return join(this.dir, "uploads", id);
  }

  /** Size of a blob's content, or `undefined` when absent. */
  async blobSize(hex: string): Promise<number | undefined> {
    return stat(this.blobPath(hex)).then(
      (s) => s.size,
      () => undefined,
    );
  }

  /** True when `name` links the blob. */
  async repoHasBlob(name: string, hex: string): Promise<boolean> {
    return exists(this.repoPath(name, "_layers", "sha256", hex));
  }

  /** Links a stored blob into `name`. */
  async linkBlob(name: string, hex: string): Promise<void> {
    await atomicWrite(this.repoPath(name, "_layers", "sha256", hex), "");
  }

  /** Removes a blob's link from `name`; false when it was not linked. */
  async unlinkBlob(name: string, hex: string): Promise<boolean> {
    if (!(await this.repoHasBlob(name, hex))) return false;
    await rm(this.repoPath(name, "_layers", "sha256", hex), { force: true });
    return true;
  }

  /** True when the repository exists (it holds a blob or a manifest). */
  async repoExists(name: string): Promise<boolean> {
    return (
      (await exists(this.repoPath(name, "_layers"))) || (await exists(this.repoPath(name, "_manifests")))
    );
  }

  /** Stores bytes as a blob and returns its hex digest. */
  async putBlobBytes(bytes: Uint8Array): Promise<string> {
    const hex = createHash("sha256").update(bytes).digest("hex");
    if ((await this.blobSize(hex)) === undefined) await atomicWrite(this.blobPath(hex), bytes);
    return hex;
  }

  /** Moves a finished upload's data into the blob store under `hex`. */
  async commitUpload(id: string, hex: string): Promise<void> {
    await mkdir(dirname(this.blobPath(hex)), { recursive: true });
    await rename(this.uploadPath(id), this.blobPath(hex));
  }

  /** The sha256 hex of a file, streamed. */
  async hashFile(path: string): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
    return hash.digest("hex");
  }

  /** Records a manifest revision in `name` with its media type. */
  async putRevision(name: string, hex: string, mediaType: string): Promise<void> {
    await atomicWrite(this.repoPath(name, "_manifests", "revisions", "sha256", hex), mediaType);
    await this.linkBlob(name, hex);
  }

  /** The media type of a manifest revision of `name`, or `undefined` when it has none. */
  async revisionMediaType(name: string, hex: string): Promise<string | undefined> {
    return readFile(this.repoPath(name, "_manifests", "revisions", "sha256", hex), "utf8").catch(
      () => undefined,
    );
  }

  /** Deletes a manifest revision and every tag naming it; false when absent. */
  async deleteRevision(name: string, hex: string): Promise<boolean> {
    if ((await this.revisionMediaType(name, hex)) === undefined) return false;
    await rm(this.repoPath(name, "_manifests", "revisions", "sha256", hex), { force: true });
    for (const tag of await this.listTags(name)) {
      if ((await this.tagDigest(name, tag)) === `sha256:${hex}`) await this.deleteTag(name, tag);
    }
    return true;
  }

  /** Points `tag` of `name` at a digest. */
  async setTag(name: string, tag: string, digest: string): Promise<void> {
    await atomicWrite(this.repoPath(name, "_manifests", "tags", tag), digest);
  }

  /** The digest a tag names, or `undefined`. */
  async tagDigest(name: string, tag: string): Promise<string | undefined> {
    return readFile(this.repoPath(name, "_manifests", "tags", tag), "utf8").catch(() => undefined);
  }

  /** Removes a tag; false when absent. */
  async deleteTag(name: string, tag: string): Promise<boolean> {
    const path = this.repoPath(name, "_manifests", "tags", tag);
    if (!(await exists(path))) return false;
    await rm(path, { force: true });
    return true;
  }

  /** Tags of `name`, sorted. */
  async listTags(name: string): Promise<string[]> {
    const entries = await readdir(this.repoPath(name, "_manifests", "tags")).catch(() => []);
    return entries.filter((e) => !e.includes(".tmp-")).sort();
  }

  /** Every repository name, sorted. */
  async listRepositories(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (parts: string[]): Promise<void> => {
      const entries = await readdir(join(this.dir, "repositories", ...parts), { withFileTypes: true }).catch(
        () => [],
      );
      if (entries.some((e) => e.name === "_layers" || e.name === "_manifests")) out.push(parts.join("/"));
      for (const entry of entries)
        if (entry.isDirectory() && !entry.name.startsWith("_")) await walk([...parts, entry.name]);
    };
    await walk([]);
    return out.sort();
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes a file by temp + rename, creating its directory. */
export async function atomicWrite(path: string, content: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temp = `${path}.tmp-${randomUUID()}`;
  await writeFile(temp, content);
  await rename(temp, path);
}
