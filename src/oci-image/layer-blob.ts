/** Gzip-compressed layer blobs with both digests: the blob digest and the uncompressed diffID. */
import { gzipSync } from "node:zlib";
import { sha256Digest } from "./digest.js";
import { writeDeterministicTar, type TarEntry, type TarWriteOptions } from "./deterministic-tar.js";

/** A layer ready to push: compressed bytes, their digest and size, and the diffID for `rootfs.diff_ids`. */
export interface LayerBlob {
  /** The gzip-compressed tar, exactly as pushed. */
  readonly bytes: Buffer;
  /** `sha256:` of {@link bytes}: the layer descriptor's digest. */
  readonly digest: string;
  /** Compressed size in bytes. */
  readonly size: number;
  /** `sha256:` of the uncompressed tar: the config's `rootfs.diff_ids` entry. */
  readonly diffId: string;
  /** Uncompressed tar size in bytes. */
  readonly uncompressedSize: number;
}

/**
 * Gzips a tar with fixed settings (level 6, default strategy, no file name and a zero mtime in the gzip
 * header), so the same tar always gives the same blob on the same Node.js/zlib.
 */
export function gzipLayer(tar: Uint8Array): LayerBlob {
  const bytes = gzipSync(tar, { level: 6, memLevel: 8, windowBits: 15 });
  return {
    bytes,
    digest: sha256Digest(bytes),
    size: bytes.length,
    diffId: sha256Digest(tar),
    uncompressedSize: tar.length,
  };
}

/** Builds a deterministic tar of `entries` and gzips it: the one call to make a layer from files. */
export async function buildLayerBlob(
  entries: readonly TarEntry[],
  options: TarWriteOptions = {},
): Promise<LayerBlob> {
  return gzipLayer(await writeDeterministicTar(entries, options));
}
