import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { writeDeterministicTar, type TarEntry } from "../../../src/oci-image/deterministic-tar.js";
import { buildLayerBlob, gzipLayer } from "../../../src/oci-image/layer-blob.js";
import { readLayerFiles, underDirectories } from "../../../src/oci-image/read-layer-files.js";
import { sha256Digest } from "../../../src/oci-image/digest.js";

const files: TarEntry[] = [
  { type: "file", path: "manifests/b.yaml", content: "kind: B\n" },
  { type: "file", path: "manifests/a.yaml", content: "kind: A\n", mode: 0o444 },
  { type: "file", path: "usr/bin/tool", content: Buffer.from([0, 1, 2]), mode: 0o755 },
];

function listWithGnuTar(tar: Buffer): string[] {
  const dir = mkdtempSync(join(tmpdir(), "tar-test-"));
  try {
    writeFileSync(join(dir, "layer.tar"), tar);
    return execFileSync("tar", ["--numeric-owner", "-tvf", join(dir, "layer.tar")], { encoding: "utf8" })
      .trim()
      .split("\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("writeDeterministicTar", () => {
  it("gives identical bytes whatever the input order", async () => {
    const one = await writeDeterministicTar(files);
    const two = await writeDeterministicTar([...files].reverse());
    expect(sha256Digest(one)).toBe(sha256Digest(two));
  });

  it("writes sorted entries with parent directories, uid/gid 0, the epoch mtime and the given modes", async () => {
    const lines = listWithGnuTar(await writeDeterministicTar(files));
    expect(lines.map((line) => line.split(/\s+/).slice(-1)[0])).toEqual([
      "manifests/",
      "manifests/a.yaml",
      "manifests/b.yaml",
      "usr/",
      "usr/bin/",
      "usr/bin/tool",
    ]);
    expect(lines[0]).toMatch(/^drwxr-xr-x 0\/0 +0 1970-01-01 00:00 manifests\/$/);
    expect(lines[1]).toMatch(/^-r--r--r-- 0\/0 +8 1970-01-01 00:00 manifests\/a.yaml$/);
    expect(lines[5]).toMatch(/^-rwxr-xr-x 0\/0 +3 /);
  });

  it("keeps the given order and mtimes in as-given mode", async () => {
    const mtime = new Date("2024-01-02T03:04:05.900Z");
    const tar = await writeDeterministicTar(
      [
        { type: "directory", path: "release-manifests", mode: 0o777, mtime },
        { type: "file", path: "release-manifests/z", content: "z", mtime },
        { type: "file", path: "release-manifests/a", content: "a", mtime },
      ],
      { order: "as-given" },
    );
    const lines = listWithGnuTar(tar);
    expect(lines.map((line) => line.split(/\s+/).slice(-1)[0])).toEqual([
      "release-manifests/",
      "release-manifests/z",
      "release-manifests/a",
    ]);
    expect(lines[0]).toContain("2024-01-02 03:04 release-manifests/");
  });

  it("rejects duplicate and escaping paths", async () => {
    await expect(writeDeterministicTar([...files, files[0] as TarEntry])).rejects.toThrow(/duplicate path/);
    await expect(writeDeterministicTar([{ type: "file", path: "../etc/x", content: "" }])).rejects.toThrow(
      /invalid path/,
    );
  });
});

describe("gzipLayer", () => {
  it("gives a stable blob digest and a diffID of the uncompressed tar, with no name or mtime in the header", async () => {
    const tar = await writeDeterministicTar(files);
    const layer = gzipLayer(tar);
    expect(gzipLayer(tar).digest).toBe(layer.digest);
    expect(layer.diffId).toBe(sha256Digest(tar));
    expect(layer.digest).toBe(sha256Digest(layer.bytes));
    expect(layer.bytes[3]).toBe(0); // FLG: no FNAME/FCOMMENT
    expect(layer.bytes.subarray(4, 8)).toEqual(Buffer.alloc(4)); // MTIME = 0
  });
});

describe("readLayerFiles", () => {
  it("reads only the selected files from a gzip layer, streaming", async () => {
    const layer = await buildLayerBlob(files);
    const chunks = [layer.bytes.subarray(0, 7), layer.bytes.subarray(7)];
    const read = await readLayerFiles(Readable.from(chunks), { include: underDirectories("manifests") });
    expect(read.map((f) => [f.path, f.type, f.content.toString()])).toEqual([
      ["manifests", "directory", ""],
      ["manifests/a.yaml", "file", "kind: A\n"],
      ["manifests/b.yaml", "file", "kind: B\n"],
    ]);
    expect(read[1]?.mode).toBe(0o444);
  });

  it("reads an uncompressed tar too", async () => {
    const tar = await writeDeterministicTar(files);
    const read = await readLayerFiles(Readable.from([tar]), { include: (p) => p === "usr/bin/tool" });
    expect(read.map((f) => f.path)).toEqual(["usr/bin/tool"]);
  });

  it("refuses a selected file over the size limit, naming it", async () => {
    const layer = await buildLayerBlob(files);
    await expect(
      readLayerFiles(Readable.from([layer.bytes]), { maxFileBytes: 4, description: "layer X" }),
    ).rejects.toThrow(/"manifests\/a.yaml" in layer X is 8 bytes, over the limit of 4/);
  });
});
