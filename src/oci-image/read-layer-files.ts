/**
 * Reads selected files out of a layer blob while it streams: gunzip (when gzip) and untar on the fly,
 * keep only the entries the filter accepts, drain the rest. Never holds more than the kept files.
 */
import { Readable } from "node:stream";
import { createGunzip, gunzipSync } from "node:zlib";
import { extract as createExtract } from "tar-stream";
import { normalizeTarPath } from "./deterministic-tar.js";

/** One regular file or directory read from a layer. */
export interface LayerFile {
  /** Normalised path inside the layer (`manifests/0000_50_a.yaml`, no leading `/` or `./`). */
  readonly path: string;
  readonly type: "file" | "directory";
  readonly mode: number;
  readonly mtime: Date;
  /** File content; empty for directories. */
  readonly content: Buffer;
}

/** Which entries to keep and how much to accept. */
export interface ReadLayerFilesOptions {
  /** Keep an entry when this returns true for its normalised path. Default: keep everything. */
  readonly include?: (path: string) => boolean;
  /** Largest single file accepted, in bytes (default 16 MiB). A bigger kept file is an error naming it. */
  readonly maxFileBytes?: number;
  /** Largest total of kept file bytes (default 256 MiB). */
  readonly maxTotalBytes?: number;
  /** Name of the layer for error messages (e.g. `quay.io/x/y@sha256:... layer 3`). */
  readonly description?: string;
}

/** Keeps entries under any of `prefixes` (directory names such as `manifests`, without trailing `/`). */
export function underDirectories(...prefixes: readonly string[]): (path: string) => boolean {
  return (path) => prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

async function* gunzipIfNeeded(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) return;
  const head = first.value;
  const rest: AsyncIterable<Uint8Array> = {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator.next(),
      return: async () => (await iterator.return?.()) ?? { done: true, value: undefined },
    }),
  };
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* rest;
  }
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    yield* Readable.from(all()).pipe(createGunzip());
  } else if (
    head.length >= 4 &&
    head[0] === 0x28 &&
    head[1] === 0xb5 &&
    head[2] === 0x2f &&
    head[3] === 0xfd
  ) {
    throw new Error("zstd-compressed layers are not supported");
  } else {
    yield* all();
  }
}

/** A whole gzip layer decompressing to more than this is streamed instead (bounded memory). */
const WHOLE_GUNZIP_LIMIT = 64 * 1024 * 1024;

/**
 * A gzip layer given whole, decompressed at once: for KiB-sized layers (an operator's manifests) far
 * cheaper than a stream. `undefined` for anything else, or when it decompresses to more than
 * {@link WHOLE_GUNZIP_LIMIT} (then it is streamed like any other).
 */
function gunzipWhole(bytes: Uint8Array): Uint8Array[] | undefined {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return undefined;
  try {
    return [gunzipSync(bytes, { maxOutputLength: WHOLE_GUNZIP_LIMIT })];
  } catch (error) {
    if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") return undefined;
    throw error;
  }
}

/**
 * Reads a layer (gzip or plain tar, detected from its first bytes) and returns the kept entries in
 * archive order. Whiteouts (`.wh.*`), links and special files are skipped. `source` is a stream of the
 * layer's bytes, or the bytes whole (a small layer already read).
 */
export async function readLayerFiles(
  source: AsyncIterable<Uint8Array> | Uint8Array,
  options: ReadLayerFilesOptions = {},
): Promise<LayerFile[]> {
  const include = options.include ?? (() => true);
  const maxFileBytes = options.maxFileBytes ?? 16 * 1024 * 1024;
  const maxTotalBytes = options.maxTotalBytes ?? 256 * 1024 * 1024;
  const where = options.description === undefined ? "" : ` in ${options.description}`;
  const extract = createExtract();
  const input = Readable.from(
    source instanceof Uint8Array
      ? (gunzipWhole(source) ?? gunzipIfNeeded(Readable.from([source])))
      : gunzipIfNeeded(source),
  );
  input.on("error", (error) => extract.destroy(error));
  input.pipe(extract);
  const files: LayerFile[] = [];
  let total = 0;
  try {
    for await (const entry of extract) {
      const header = entry.header;
      const type = header.type === "directory" ? "directory" : header.type === "file" ? "file" : undefined;
      let path: string | undefined;
      try {
        path = normalizeTarPath(header.name);
      } catch {
        path = undefined;
      }
      const base = path?.split("/").pop() ?? "";
      if (type === undefined || path === undefined || base.startsWith(".wh.") || !include(path)) {
        entry.resume();
        continue;
      }
      const size = header.size ?? 0;
      if (size > maxFileBytes) {
        entry.resume();
        throw new Error(`file "${path}"${where} is ${size} bytes, over the limit of ${maxFileBytes}`);
      }
      total += size;
      if (total > maxTotalBytes) {
        entry.resume();
        throw new Error(`selected files${where} exceed the limit of ${maxTotalBytes} bytes`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
      files.push({
        path,
        type,
        mode: (header.mode ?? 0) & 0o7777,
        mtime: header.mtime ?? new Date(0),
        content: type === "file" ? Buffer.concat(chunks) : Buffer.alloc(0),
      });
    }
  } finally {
    // Stops reading the source (and frees its connection) when we return early or fail.
    input.destroy();
  }
  return files;
}
