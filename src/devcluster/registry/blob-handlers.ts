/** Blob and upload endpoints of the integrated registry: `/v2/<name>/blobs/...`. */
import { randomUUID } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { DistributionError } from "./distribution-error.js";
import type { Exchange } from "./exchange.js";
import { digestHex } from "./registry-storage.js";

function requireDigest(digest: string | null | undefined): string {
  const hex = digest === null || digest === undefined ? undefined : digestHex(digest);
  if (hex === undefined)
    throw new DistributionError(
      "DIGEST_INVALID",
      `invalid digest "${digest ?? ""}" (sha256:<64 hex> expected)`,
    );
  return hex;
}

async function linkedBlobSize(ex: Exchange, name: string, hex: string): Promise<number> {
  const size = (await ex.storage.repoHasBlob(name, hex)) ? await ex.storage.blobSize(hex) : undefined;
  if (size === undefined)
    throw new DistributionError("BLOB_UNKNOWN", `blob unknown to registry: sha256:${hex}`, {
      digest: `sha256:${hex}`,
    });
  return size;
}

/** GET/HEAD a blob; GET honours one `Range: bytes=a-b`. */
export async function getBlob(ex: Exchange, name: string, digest: string): Promise<void> {
  const hex = requireDigest(digest);
  const size = await linkedBlobSize(ex, name, hex);
  const headers = {
    "content-type": "application/octet-stream",
    "docker-content-digest": `sha256:${hex}`,
    etag: `"sha256:${hex}"`,
    "accept-ranges": "bytes",
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(ex.req.headers.range ?? "");
  if (range !== null && ex.req.method === "GET" && size > 0) {
    const start = range[1] === "" ? Math.max(0, size - Number(range[2])) : Number(range[1]);
    const end = range[1] === "" || range[2] === "" ? size - 1 : Math.min(Number(range[2]), size - 1);
    if (start > end || start >= size) {
      ex.res.writeHead(416, { "content-range": `bytes */${size}` });
      ex.res.end();
      return;
    }
    ex.res.writeHead(206, {
      ...headers,
      "content-length": end - start + 1,
      "content-range": `bytes ${start}-${end}/${size}`,
    });
    await pipeline(createReadStream(ex.storage.blobPath(hex), { start, end }), ex.res);
    return;
  }
  ex.res.writeHead(200, { ...headers, "content-length": size });
  if (ex.req.method === "HEAD") ex.res.end();
  else await pipeline(createReadStream(ex.storage.blobPath(hex)), ex.res);
}

/** DELETE a blob from a repository (the content stays for other repositories). */
export async function deleteBlob(ex: Exchange, name: string, digest: string): Promise<void> {
  const hex = requireDigest(digest);
  if (!(await ex.storage.unlinkBlob(name, hex)))
    throw new DistributionError("BLOB_UNKNOWN", `blob unknown to registry: ${digest}`);
  ex.res.writeHead(202, { "content-length": 0 });
  ex.res.end();
}

function sendUploadStatus(ex: Exchange, status: number, id: string, size: number): void {
  ex.res.writeHead(status, {
    location: `${ex.base}/v2/${sessionName(ex, id)}/blobs/uploads/${id}`,
    range: `0-${Math.max(0, size - 1)}`,
    "docker-upload-uuid": id,
    "content-length": 0,
  });
  ex.res.end();
}

function sessionName(ex: Exchange, id: string): string {
  const session = ex.sessions.get(id);
  if (session === undefined) throw new DistributionError("BLOB_UPLOAD_UNKNOWN", `blob upload unknown: ${id}`);
  return session.name;
}

function sendBlobCreated(ex: Exchange, name: string, hex: string): void {
  ex.res.writeHead(201, {
    location: `${ex.base}/v2/${name}/blobs/sha256:${hex}`,
    "docker-content-digest": `sha256:${hex}`,
    "content-length": 0,
  });
  ex.res.end();
}

async function appendBody(ex: Exchange, id: string): Promise<number> {
  const path = ex.storage.uploadPath(id);
  await pipeline(ex.req, createWriteStream(path, { flags: "a" }));
  return (await stat(path)).size;
}

/** POST: cross-repository mount (201, or a new session when the source lacks the blob), single-request upload with `digest`, or a new session (202). */
export async function startUpload(ex: Exchange, name: string): Promise<void> {
  const mount = ex.url.searchParams.get("mount");
  const from = ex.url.searchParams.get("from");
  if (mount !== null && from !== null) {
    const hex = requireDigest(mount);
    if ((await ex.storage.repoHasBlob(from, hex)) && (await ex.storage.blobSize(hex)) !== undefined) {
      await ex.storage.linkBlob(name, hex);
      ex.req.resume();
      sendBlobCreated(ex, name, hex);
      return;
    }
  }
  const id = randomUUID();
  const path = ex.storage.uploadPath(id);
  await mkdir(dirname(path), { recursive: true });
  ex.sessions.set(id, { name });
  const digest = ex.url.searchParams.get("digest");
  const size = await appendBody(ex, id);
  if (digest !== null && mount === null) {
    await finishUpload(ex, name, id, digest);
    return;
  }
  sendUploadStatus(ex, 202, id, size);
}

/** GET: the session's progress (204 with `Range`). */
export async function uploadStatus(ex: Exchange, name: string, id: string): Promise<void> {
  if (sessionName(ex, id) !== name)
    throw new DistributionError("BLOB_UPLOAD_UNKNOWN", `blob upload unknown: ${id}`);
  const size = (await stat(ex.storage.uploadPath(id))).size;
  sendUploadStatus(ex, 204, id, size);
}

/** PATCH: appends a chunk; a `Content-Range` must start where the data ends (else 416). */
export async function patchUpload(ex: Exchange, name: string, id: string): Promise<void> {
  if (sessionName(ex, id) !== name)
    throw new DistributionError("BLOB_UPLOAD_UNKNOWN", `blob upload unknown: ${id}`);
  const current = (await stat(ex.storage.uploadPath(id))).size;
  const contentRange = ex.req.headers["content-range"];
  if (contentRange !== undefined) {
    const match = /^(?:bytes )?(\d+)-(\d+)$/.exec(contentRange);
    if (match === null || Number(match[1]) !== current) {
      ex.req.resume();
      ex.res.writeHead(416, {
        location: `${ex.base}/v2/${name}/blobs/uploads/${id}`,
        range: `0-${Math.max(0, current - 1)}`,
        "content-length": 0,
      });
      ex.res.end();
      return;
    }
  }
  const size = await appendBody(ex, id);
  sendUploadStatus(ex, 202, id, size);
}

/** PUT `?digest=`: appends an optional last chunk, verifies the digest, commits the blob (201). */
export async function putUpload(ex: Exchange, name: string, id: string): Promise<void> {
  if (sessionName(ex, id) !== name)
    throw new DistributionError("BLOB_UPLOAD_UNKNOWN", `blob upload unknown: ${id}`);
  await appendBody(ex, id);
  await finishUpload(ex, name, id, ex.url.searchParams.get("digest"));
}

async function finishUpload(ex: Exchange, name: string, id: string, digest: string | null): Promise<void> {
  const hex = requireDigest(digest);
  const actual = await ex.storage.hashFile(ex.storage.uploadPath(id));
  if (actual !== hex) {
    await cancel(ex, id);
    throw new DistributionError(
      "DIGEST_INVALID",
      `provided digest did not match uploaded content (got sha256:${actual})`,
      { digest },
    );
  }
  ex.sessions.delete(id);
  if ((await ex.storage.blobSize(hex)) === undefined) await ex.storage.commitUpload(id, hex);
  else await rm(ex.storage.uploadPath(id), { force: true });
  await ex.storage.linkBlob(name, hex);
  sendBlobCreated(ex, name, hex);
}

async function cancel(ex: Exchange, id: string): Promise<void> {
  ex.sessions.delete(id);
  await rm(ex.storage.uploadPath(id), { force: true });
}

/** DELETE: cancels the session (204). */
export async function cancelUpload(ex: Exchange, name: string, id: string): Promise<void> {
  if (sessionName(ex, id) !== name)
    throw new DistributionError("BLOB_UPLOAD_UNKNOWN", `blob upload unknown: ${id}`);
  await cancel(ex, id);
  ex.res.writeHead(204);
  ex.res.end();
}
