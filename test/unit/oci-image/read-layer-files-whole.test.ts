import { gzipSync } from "node:zlib";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeDeterministicTar, type TarEntry } from "../../../src/oci-image/deterministic-tar.js";
import { buildLayerBlob } from "../../../src/oci-image/layer-blob.js";
import { readLayerFiles, underDirectories } from "../../../src/oci-image/read-layer-files.js";

const files: TarEntry[] = [
  { type: "file", path: "manifests/b.yaml", content: "kind: B\n" },
  { type: "file", path: "manifests/a.yaml", content: "kind: A\n", mode: 0o444 },
  { type: "file", path: "usr/bin/tool", content: Buffer.from([0, 1, 2]), mode: 0o755 },
];

describe("readLayerFiles given the layer whole", () => {
  it("reads a gzip layer as it reads the same layer streamed", async () => {
    const layer = await buildLayerBlob(files);
    const whole = await readLayerFiles(layer.bytes, { include: underDirectories("manifests") });
    const streamed = await readLayerFiles(
      Readable.from([layer.bytes.subarray(0, 9), layer.bytes.subarray(9)]),
      {
        include: underDirectories("manifests"),
      },
    );
    expect(whole).toEqual(streamed);
    expect(whole.map((f) => [f.path, f.content.toString()])).toEqual([
      ["manifests", ""],
      ["manifests/a.yaml", "kind: A\n"],
      ["manifests/b.yaml", "kind: B\n"],
    ]);
  });

  it("reads an uncompressed tar", async () => {
    const tar = await writeDeterministicTar(files);
    expect((await readLayerFiles(tar, { include: (p) => p === "usr/bin/tool" })).map((f) => f.path)).toEqual([
      "usr/bin/tool",
    ]);
  });

  it("streams a small gzip layer that expands past 64 MiB instead of inflating it at once", async () => {
    const big: TarEntry[] = [
      { type: "file", path: "zeros.bin", content: Buffer.alloc(65 * 1024 * 1024) },
      { type: "file", path: "manifests/x.yaml", content: "kind: X\n" },
    ];
    const layer = gzipSync(await writeDeterministicTar(big));
    expect(layer.length).toBeLessThan(1024 * 1024);
    const read = await readLayerFiles(layer, { include: (p) => p === "manifests/x.yaml" });
    expect(read.map((f) => f.content.toString())).toEqual(["kind: X\n"]);
  });

  it("fails on a damaged gzip layer", async () => {
    const layer = await buildLayerBlob(files);
    await expect(readLayerFiles(layer.bytes.subarray(0, layer.bytes.length - 12))).rejects.toThrow();
  });
});
