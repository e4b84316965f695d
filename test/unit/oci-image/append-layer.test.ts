import { describe, expect, it } from "vitest";
import { appendLayer, readImage } from "../../../src/oci-image/append-layer.js";
import { buildSyntheticImage } from "../../../src/oci-image/build-synthetic-image.js";
import { editImageConfig } from "../../../src/oci-image/edit-image-config.js";
import { buildLayerBlob } from "../../../src/oci-image/layer-blob.js";
import type { ImageConfig } from "../../../src/registry/manifest-schemas.js";
import { MemoryRegistry } from "./memory-image-store.js";

const base: ImageConfig = {
  architecture: "",
  os: "",
  created: "2020-01-01T00:00:00Z",
  container: "abc",
  parent: "sha256:1",
  container_config: { Hostname: "x" },
  config: { Labels: { a: "1", b: "2" }, Env: ["PATH=/bin"] },
  rootfs: { type: "layers", diff_ids: [`sha256:${"1".repeat(64)}`] },
  history: [{ created: "2020-01-01T00:00:00Z", created_by: "base" }],
};

describe("editImageConfig", () => {
  it("replaces labels, sets created, fills the platform, clears build fields and keeps everything else", () => {
    const edited = editImageConfig(base, {
      labels: { mode: "replace", values: { c: "3" } },
      created: "2024-01-02T03:04:05Z",
      clearBuildFields: true,
      defaultPlatform: { os: "linux", architecture: "amd64" },
      appendDiffIds: [`sha256:${"2".repeat(64)}`],
      history: {
        mode: "replace",
        entry: { created: "2024-01-02T03:04:05Z", comment: "Release image for OpenShift" },
      },
    });
    expect(edited).toEqual({
      architecture: "amd64",
      os: "linux",
      created: "2024-01-02T03:04:05Z",
      container_config: {},
      config: { Labels: { c: "3" }, Env: ["PATH=/bin"] },
      rootfs: { type: "layers", diff_ids: [`sha256:${"1".repeat(64)}`, `sha256:${"2".repeat(64)}`] },
      history: [
        { created: "2024-01-02T03:04:05Z", comment: "Release image for OpenShift" },
        { created: "2024-01-02T03:04:05Z" },
      ],
    });
    expect(base.config?.Labels).toEqual({ a: "1", b: "2" });
  });

  it("merges labels and appends history when asked", () => {
    const edited = editImageConfig(base, {
      labels: { mode: "merge", values: { b: "two", c: "3" } },
      history: { mode: "append", entries: [{ created_by: "me" }] },
    });
    expect(edited.config?.Labels).toEqual({ a: "1", b: "two", c: "3" });
    expect(edited.history?.map((h) => h.created_by)).toEqual(["base", "me"]);
  });
});

describe("appendLayer", () => {
  it("keeps the base's format and layers, mounts within a registry and copies across registries", async () => {
    const one = new MemoryRegistry();
    const source = one.store("base");
    const image = await buildSyntheticImage({
      destination: source,
      format: "docker",
      files: [{ type: "file", path: "bin/x", content: "x" }],
      labels: { keep: "yes" },
    });
    const layer = await buildLayerBlob([{ type: "file", path: "etc/y", content: "y" }]);
    const mounted = await appendLayer({
      source,
      baseDigest: image.digest,
      destination: one.store("out"),
      layer,
    });
    expect(mounted.manifest.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(mounted.stats).toMatchObject({ mounted: 1, copied: 0, existing: 0 });
    const written = await readImage(one.store("out"), mounted.manifest.digest);
    expect(written.manifest.layers.map((l) => l.mediaType)).toEqual([
      "application/vnd.docker.image.rootfs.diff.tar.gzip",
      "application/vnd.docker.image.rootfs.diff.tar.gzip",
    ]);
    expect(written.manifest.layers[1]?.digest).toBe(layer.digest);
    expect(written.config.rootfs.diff_ids.at(-1)).toBe(layer.diffId);
    expect(written.config.config?.Labels).toEqual({ keep: "yes" });

    const two = new MemoryRegistry();
    const copied = await appendLayer({
      source,
      baseDigest: image.digest,
      destination: two.store("out"),
      layer,
    });
    expect(copied.manifest.digest).toBe(mounted.manifest.digest);
    expect(copied.stats).toMatchObject({ mounted: 0, copied: 1 });
    expect(copied.stats.uploadedBytes).toBe(two.uploadedBytes);

    const again = await appendLayer({
      source,
      baseDigest: image.digest,
      destination: two.store("out"),
      layer,
    });
    expect(again.stats).toMatchObject({ existing: 1, copied: 0 });
  });

  it("writes a Docker schema 2 base in OCI format when asked, with the same blobs", async () => {
    const registry = new MemoryRegistry();
    const source = registry.store("base");
    const image = await buildSyntheticImage({
      destination: source,
      format: "docker",
      files: [{ type: "file", path: "bin/x", content: "x" }],
    });
    const layer = await buildLayerBlob([{ type: "file", path: "etc/y", content: "y" }]);
    const asDocker = await appendLayer({ source, baseDigest: image.digest, destination: source, layer });
    const asOci = await appendLayer({
      source,
      baseDigest: image.digest,
      destination: registry.store("out"),
      layer,
      format: "oci",
    });
    expect(asOci.manifest.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
    const docker = await readImage(source, asDocker.manifest.digest);
    const oci = await readImage(registry.store("out"), asOci.manifest.digest);
    expect(oci.manifest.config).toEqual({
      ...docker.manifest.config,
      mediaType: "application/vnd.oci.image.config.v1+json",
    });
    expect(oci.manifest.layers).toEqual(
      docker.manifest.layers.map((l) => ({ ...l, mediaType: "application/vnd.oci.image.layer.v1.tar+gzip" })),
    );
    const again = await appendLayer({
      source,
      baseDigest: image.digest,
      destination: registry.store("again"),
      layer,
      format: "oci",
    });
    expect(again.manifest.digest).toBe(asOci.manifest.digest);
  });

  it("refuses an index as the base", async () => {
    const registry = new MemoryRegistry();
    const store = registry.store("r");
    await store.putManifest(
      "list",
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: "application/vnd.oci.image.index.v1+json",
          manifests: [],
        }),
      ),
      "application/vnd.oci.image.index.v1+json",
    );
    const digest = (await store.getManifest("list")).digest;
    const layer = await buildLayerBlob([{ type: "file", path: "a", content: "a" }]);
    await expect(
      appendLayer({ source: store, baseDigest: digest, destination: store, layer }),
    ).rejects.toThrow(/is an index/);
  });
});
