/**
 * `copyToOciLayout` against real OCI layouts and real tools: a Docker schema 2 image becomes an OCI
 * image that skopeo reads (it ignores Docker media types in an OCI layout) with the same layers
 * and labels; an OCI image is copied byte for byte.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { copyToOciLayout } from "../../../src/demo/copy-to-oci-layout.js";
import { buildSyntheticImage } from "../../../src/oci-image/build-synthetic-image.js";
import { openImageStore } from "../../../src/registry/index.js";
import { describeWithTools } from "../../support/required-tool.js";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "copy-to-oci-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function skopeoInspect(
  reference: string,
): Promise<{ Digest: string; Layers: string[]; Labels: Record<string, string> }> {
  const { stdout } = await run("skopeo", ["inspect", reference]);
  return JSON.parse(stdout) as { Digest: string; Layers: string[]; Labels: Record<string, string> };
}

describeWithTools(["skopeo"])("copyToOciLayout", () => {
  it("rewrites a Docker schema 2 image with OCI media types that skopeo reads, keeping layers and labels", async () => {
    const source = openImageStore(`oci:${dir}/docker-source`);
    const image = await buildSyntheticImage({
      destination: source,
      tag: "src",
      format: "docker",
      files: [{ type: "file", path: "release-manifests/release-metadata", content: "{}" }],
      labels: { "io.openshift.release": "4.17.0" },
    });
    await expect(run("skopeo", ["inspect", `oci:${dir}/docker-source:src`])).rejects.toThrow(
      /no descriptor found/,
    );

    const copy = await copyToOciLayout(source, image.digest, openImageStore(`oci:${dir}/out`), "4.17.0");
    expect(copy.converted).toBe(true);
    expect(copy.digest).not.toBe(image.digest);
    const inspected = await skopeoInspect(`oci:${dir}/out:4.17.0`);
    expect(inspected.Digest).toBe(copy.digest);
    expect(inspected.Labels).toEqual({ "io.openshift.release": "4.17.0" });
    const layers = (JSON.parse(image.manifest.bytes.toString("utf8")) as { layers: { digest: string }[] })
      .layers;
    expect(inspected.Layers).toEqual(layers.map((l) => l.digest));
  });

  it("copies an OCI image byte for byte (same digest)", async () => {
    const source = openImageStore(`oci:${dir}/oci-source`);
    const image = await buildSyntheticImage({
      destination: source,
      tag: "src",
      format: "oci",
      files: [{ type: "file", path: "a", content: "a" }],
    });
    const copy = await copyToOciLayout(source, image.digest, openImageStore(`oci:${dir}/out2`), "v1");
    expect(copy).toEqual({ digest: image.digest, converted: false });
    expect((await skopeoInspect(`oci:${dir}/out2:v1`)).Digest).toBe(image.digest);
  });
});
