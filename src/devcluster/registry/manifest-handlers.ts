/** Manifest endpoints of the integrated registry: `/v2/<name>/manifests/<reference>`. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { parseManifest } from "../../registry/manifest-schemas.js";
import { MANIFEST_MEDIA_TYPES, OCI_MANIFEST } from "../../registry/media-types.js";
import { DistributionError } from "./distribution-error.js";
import type { Exchange } from "./exchange.js";
import { readBody } from "./exchange.js";
import { digestHex } from "./registry-storage.js";

const TAG = /^[\w][\w.-]{0,127}$/;

/** Resolves a tag or digest of `name` to a digest hex, or throws MANIFEST_UNKNOWN. */
async function resolve(ex: Exchange, name: string, reference: string): Promise<string> {
  const digest = reference.startsWith("sha256:") ? reference : await ex.storage.tagDigest(name, reference);
  const hex = digest === undefined ? undefined : digestHex(digest);
  if (hex === undefined || (await ex.storage.revisionMediaType(name, hex)) === undefined) {
    if (!(await ex.storage.repoExists(name)))
      throw new DistributionError("NAME_UNKNOWN", `repository ${name} not known to registry`, { name });
    throw new DistributionError("MANIFEST_UNKNOWN", `manifest unknown: ${name}:${reference}`, {
      name,
      reference,
    });
  }
  return hex;
}

/** GET and HEAD: the stored bytes with their media type and digest. */
export async function getManifest(ex: Exchange, name: string, reference: string): Promise<void> {
  const hex = await resolve(ex, name, reference);
  const mediaType = (await ex.storage.revisionMediaType(name, hex)) ?? OCI_MANIFEST;
  const bytes = await readFile(ex.storage.blobPath(hex));
  ex.res.writeHead(200, {
    "content-type": mediaType,
    "content-length": bytes.length,
    "docker-content-digest": `sha256:${hex}`,
    etag: `"sha256:${hex}"`,
  });
  ex.res.end(ex.req.method === "HEAD" ? undefined : bytes);
}

/** PUT: validates the manifest and that what it names is in the repository, stores it, tags it. */
export async function putManifest(ex: Exchange, name: string, reference: string): Promise<void> {
  const isDigest = reference.startsWith("sha256:");
  if (!isDigest && !TAG.test(reference))
    throw new DistributionError("MANIFEST_INVALID", `invalid tag "${reference}"`);
  const bytes = await readBody(ex.req, 4 * 1024 * 1024);
  const hex = createHash("sha256").update(bytes).digest("hex");
  if (isDigest && reference !== `sha256:${hex}`) {
    throw new DistributionError(
      "DIGEST_INVALID",
      `manifest digest sha256:${hex} does not match ${reference}`,
    );
  }
  const contentType = (ex.req.headers["content-type"] ?? "").split(";")[0]?.trim() ?? "";
  let parsed;
  try {
    parsed = parseManifest(bytes, contentType);
  } catch (error) {
    throw new DistributionError("MANIFEST_INVALID", (error as Error).message);
  }
  const declared = parsed.kind === "index" ? parsed.index.mediaType : parsed.manifest.mediaType;
  const mediaType = MANIFEST_MEDIA_TYPES.includes(contentType) ? contentType : (declared ?? OCI_MANIFEST);
  if (declared !== undefined && declared !== mediaType) {
    throw new DistributionError(
      "MANIFEST_INVALID",
      `Content-Type ${mediaType} but the manifest declares ${declared}`,
    );
  }
  if (parsed.kind === "index") {
    for (const child of parsed.index.manifests) {
      const childHex = digestHex(child.digest);
      if (childHex === undefined || (await ex.storage.revisionMediaType(name, childHex)) === undefined) {
        throw new DistributionError("MANIFEST_BLOB_UNKNOWN", `manifest ${child.digest} is not in ${name}`, {
          digest: child.digest,
        });
      }
    }
  } else {
    for (const blob of [parsed.manifest.config, ...parsed.manifest.layers]) {
      const blobHex = digestHex(blob.digest);
      if (blobHex === undefined || !(await ex.storage.repoHasBlob(name, blobHex))) {
        throw new DistributionError("MANIFEST_BLOB_UNKNOWN", `blob ${blob.digest} is not in ${name}`, {
          digest: blob.digest,
        });
      }
    }
  }
  await ex.storage.putBlobBytes(bytes);
  await ex.storage.putRevision(name, hex, mediaType);
  if (!isDigest) await ex.storage.setTag(name, reference, `sha256:${hex}`);
  ex.res.writeHead(201, {
    location: `${ex.base}/v2/${name}/manifests/sha256:${hex}`,
    "docker-content-digest": `sha256:${hex}`,
    "content-length": 0,
  });
  ex.res.end();
}

/** DELETE by digest (the revision and its tags) or by tag (the tag only). */
export async function deleteManifest(ex: Exchange, name: string, reference: string): Promise<void> {
  const hex = digestHex(reference);
  const deleted =
    hex !== undefined
      ? await ex.storage.deleteRevision(name, hex)
      : await ex.storage.deleteTag(name, reference);
  if (!deleted) {
    if (!(await ex.storage.repoExists(name)))
      throw new DistributionError("NAME_UNKNOWN", `repository ${name} not known to registry`);
    throw new DistributionError("MANIFEST_UNKNOWN", `manifest unknown: ${name}:${reference}`);
  }
  ex.res.writeHead(202, { "content-length": 0 });
  ex.res.end();
}
