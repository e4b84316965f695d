/** Generic OCI image construction: deterministic layers, config edits, manifests, appending a layer. */
export { appendLayer, readImage, transferBlobs, putBlobIfMissing } from "./append-layer.js";
export type { AppendLayerInput, AppendedImage, TransferStats } from "./append-layer.js";
export { buildSyntheticImage } from "./build-synthetic-image.js";
export type { SyntheticImageInput, SyntheticImage } from "./build-synthetic-image.js";
export { createImageIndex, createImageManifest, descriptorOf } from "./create-manifest.js";
export type { BuiltManifest } from "./create-manifest.js";
export { writeDeterministicTar, normalizeTarPath, FIXED_MTIME } from "./deterministic-tar.js";
export type { TarEntry, TarWriteOptions } from "./deterministic-tar.js";
export { sha256Digest, isSha256Digest } from "./digest.js";
export { editImageConfig, serializeJson } from "./edit-image-config.js";
export type { ImageConfigEdit, HistoryEntry } from "./edit-image-config.js";
export { formatOfMediaType, mediaTypesFor } from "./image-format.js";
export type { ImageFormat, FormatMediaTypes } from "./image-format.js";
export { buildLayerBlob, gzipLayer } from "./layer-blob.js";
export type { LayerBlob } from "./layer-blob.js";
export { readLayerFiles, underDirectories } from "./read-layer-files.js";
export type { LayerFile, ReadLayerFilesOptions } from "./read-layer-files.js";
