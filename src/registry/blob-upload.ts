/**
 * Blob upload over the distribution API: POST a session, then either one PUT (monolithic) or PATCHes
 * of `chunkSize` bytes and a closing PUT (chunked). The bytes sent are hashed on the way; a mismatch
 * aborts the session. A stream is read once and never held whole in memory (at most one chunk).
 */
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Response } from "undici";
import { createDigestVerifier, verifyBytes } from "./digest.js";
import type { RegistryRequest } from "./registry-client.js";
import { RegistryError } from "./registry-error.js";

/** What {@link uploadBlob} needs of a store: requests scoped to its repository. */
export interface UploadTarget {
  send(request: Omit<RegistryRequest, "scopes" | "repository"> & { push?: boolean }): Promise<Response>;
}

/** One upload. `location` is an already opened session (e.g. from a mount that answered 202). */
export interface BlobUpload {
  readonly store: UploadTarget;
  readonly repository: string;
  readonly what: string;
  readonly descriptor: { readonly digest: string; readonly size: number };
  readonly body: Readable | Uint8Array;
  readonly location: string | undefined;
  readonly chunkSize: number;
}

/** Uploads a blob; resolves when the registry has committed it under its digest. */
export async function uploadBlob(upload: BlobUpload): Promise<void> {
  const { store, what, descriptor, body } = upload;
  if (body instanceof Uint8Array) {
    verifyBytes(body, descriptor.digest, what);
    if (body.length !== descriptor.size) {
      throw new RegistryError(
        "SIZE_INVALID",
        `${what}: ${body.length} bytes given, descriptor says ${descriptor.size}`,
      );
    }
  }
  let location = upload.location ?? (await startSession(upload));
  try {
    if (body instanceof Uint8Array && body.length <= upload.chunkSize) {
      await finish(upload, location, body);
      return;
    }
    if (!(body instanceof Uint8Array) && descriptor.size <= upload.chunkSize) {
      const verifier = createDigestVerifier(descriptor.digest, what, descriptor.size);
      let streamError: unknown;
      verifier.on("error", (error) => (streamError ??= error));
      const piped = pipeline(body, verifier);
      piped.catch(() => undefined);
      try {
        await finish(upload, location, verifier);
      } catch (error) {
        throw streamError instanceof RegistryError ? streamError : error;
      }
      await piped;
      return;
    }
    const chunks = body instanceof Uint8Array ? sliceBytes(body, upload.chunkSize) : verifiedChunks(upload);
    let offset = 0;
    for await (const chunk of chunks) {
      const response = await store.send({
        method: "PATCH",
        url: location,
        headers: {
          "content-type": "application/octet-stream",
          "content-range": `${offset}-${offset + chunk.length - 1}`,
        },
        body: chunk,
        what: `${what} (chunk at ${offset})`,
        ok: [202, 204],
        push: true,
      });
      await response.body?.cancel();
      location = locationOf(response, location);
      offset += chunk.length;
    }
    await finish(upload, location, undefined);
  } catch (error) {
    await abort(upload, location);
    throw error;
  }
}

async function startSession(upload: BlobUpload): Promise<string> {
  const response = await upload.store.send({
    method: "POST",
    url: `/v2/${upload.repository}/blobs/uploads/`,
    what: `${upload.what} (start)`,
    ok: [202],
    push: true,
  });
  await response.body?.cancel();
  const location = response.headers.get("location");
  if (location === null)
    throw new RegistryError("PROTOCOL", `${upload.what}: upload session without a Location`);
  return new URL(location, response.url).toString();
}

async function finish(
  upload: BlobUpload,
  location: string,
  body: Uint8Array | Readable | undefined,
): Promise<void> {
  const separator = location.includes("?") ? "&" : "?";
  const response = await upload.store.send({
    method: "PUT",
    url: `${location}${separator}digest=${encodeURIComponent(upload.descriptor.digest)}`,
    headers: {
      "content-type": "application/octet-stream",
      ...(body === undefined ? { "content-length": "0" } : {}),
    },
    ...(body === undefined ? {} : { body }),
    what: upload.what,
    ok: [201, 204],
    push: true,
  });
  await response.body?.cancel();
}

async function abort(upload: BlobUpload, location: string): Promise<void> {
  try {
    const response = await upload.store.send({
      method: "DELETE",
      url: location,
      what: `${upload.what} (cancel)`,
      ok: [204, 202, 200, 404],
      push: true,
    });
    await response.body?.cancel();
  } catch {
    // best effort: the registry expires abandoned sessions
  }
}

function locationOf(response: Response, previous: string): string {
  const location = response.headers.get("location");
  return location === null ? previous : new URL(location, response.url).toString();
}

function* sliceBytes(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield bytes.subarray(offset, offset + size);
}

/**
 * The stream's bytes in pieces of `chunkSize` (the last one shorter), verified against the descriptor.
 * Every piece is the same buffer, refilled: the consumer must be done with a piece (its PATCH answered)
 * before it asks for the next. The source is not read while a piece is out, so at most one chunk (plus
 * the streams' small buffers) is in memory.
 */
async function* verifiedChunks(upload: BlobUpload): AsyncGenerator<Uint8Array> {
  if (upload.body instanceof Uint8Array) return;
  const verifier = createDigestVerifier(upload.descriptor.digest, upload.what, upload.descriptor.size);
  const piped = pipeline(upload.body, verifier);
  piped.catch(() => undefined);
  const chunk = Buffer.allocUnsafeSlow(upload.chunkSize);
  let filled = 0;
  for await (const part of verifier as AsyncIterable<Buffer>) {
    for (let from = 0; from < part.length;) {
      const copied = part.copy(chunk, filled, from);
      filled += copied;
      from += copied;
      if (filled === chunk.length) {
        yield chunk;
        filled = 0;
      }
    }
  }
  await piped;
  if (filled > 0) yield chunk.subarray(0, filled);
}

/** Reads a web stream whole, failing with `TOO_LARGE` beyond `maxBytes`. */
export async function readAllBounded(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  if (body === null) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let length = 0;
  for await (const part of body) {
    length += part.length;
    if (length > maxBytes) {
      await body.cancel().catch(() => undefined);
      throw new RegistryError("TOO_LARGE", `${what}: larger than ${maxBytes} bytes`);
    }
    parts.push(part);
  }
  return Buffer.concat(parts);
}
