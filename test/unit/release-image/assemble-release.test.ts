import { describe, expect, it } from "vitest";
import { parseImageReference } from "../../../src/registry/image-reference.js";
import { parseImageConfig, parseManifest } from "../../../src/registry/manifest-schemas.js";
import { assembleRelease } from "../../../src/release-image/assemble-release.js";
import { readReleaseInfo } from "../../../src/release-image/read-release-info.js";
import { writeSyntheticPayload } from "../../../src/release-image/synthetic-payload.js";
import { buildSyntheticImage } from "../../../src/oci-image/build-synthetic-image.js";
import { MemoryRegistry } from "../oci-image/memory-image-store.js";

const REPO = "memory.invalid/okd/content";

function openStoreIn(registry: MemoryRegistry) {
  return (reference: string) => {
    const ref = parseImageReference(reference);
    if (ref.transport !== "docker") throw new Error("memory registry only");
    return registry.store(ref.repository);
  };
}

async function payload(
  registry: MemoryRegistry,
  options: Parameters<typeof writeSyntheticPayload>[0] extends infer O ? Partial<O> : never = {},
) {
  return writeSyntheticPayload({
    store: registry.store("okd/content"),
    repository: REPO,
    components: 8,
    operators: 3,
    ...options,
  });
}

describe("assembleRelease (in-memory stores)", () => {
  it("gives the same digest for the same inputs, and a different one for another name", async () => {
    const digests: string[] = [];
    for (const name of ["4.15.0-0.okd-2024-01-02-030405", "4.15.0-0.okd-2024-01-02-030405", "4.15.1"]) {
      const registry = new MemoryRegistry();
      const { components } = await payload(registry);
      const release = await assembleRelease(
        { source: { kind: "images" }, images: components, name, to: "docker://memory.invalid/okd/release" },
        { openStore: openStoreIn(registry) },
      );
      digests.push(release.digest);
    }
    expect(digests[0]).toBe(digests[1]);
    expect(digests[2]).not.toBe(digests[0]);
  });

  it("appends one layer to the CVO, replaces the labels, mounts the base layers and reports what it did", async () => {
    const registry = new MemoryRegistry();
    const { components } = await payload(registry);
    const name = "4.15.0-0.okd-2024-01-02-030405";
    const release = await assembleRelease(
      {
        source: { kind: "images" },
        images: components,
        name,
        to: "docker://memory.invalid/okd/release",
        previous: ["4.14.9", "4.14.10"],
      },
      { openStore: openStoreIn(registry) },
    );
    const store = registry.store("okd/release");
    expect(await store.listTags()).toEqual([name]);
    const manifest = parseManifest((await store.getManifest(name)).bytes, "");
    if (manifest.kind !== "image") throw new Error("expected an image");
    const config = parseImageConfig(await store.readBlob(manifest.manifest.config.digest));
    const cvo = components.find((c) => c.tag === "cluster-version-operator");
    const cvoDigest = cvo?.pullspec.split("@")[1] ?? "";
    const cvoManifest = parseManifest((await registry.store("okd/content").getManifest(cvoDigest)).bytes, "");
    if (cvoManifest.kind !== "image") throw new Error("expected an image");
    expect(manifest.manifest.layers.length).toBe(cvoManifest.manifest.layers.length + 1);
    expect(config.config?.Labels).toEqual({
      "io.openshift.release": name,
      "io.openshift.release.base-image-digest": cvoDigest,
    });
    expect(config.history?.length).toBe(manifest.manifest.layers.length);
    expect(config.history?.[0]?.comment).toBe("Release image for OpenShift");
    expect(release.transfers.mounted).toBe(cvoManifest.manifest.layers.length);
    expect(release.report.operators).toEqual(["operator-01", "operator-02", "operator-03"]);
    // Operators reference themselves and one operand each: components 4..6 are kept, component-007 is pruned.
    expect(release.report.pruned).toEqual(["component-007"]);
    expect(release.report.manifests.map((m) => m.name)).toContain("0000_50_operator-01_00_namespace.yaml");

    const info = await readReleaseInfo(`docker://memory.invalid/okd/release:${name}`, {
      openStore: openStoreIn(registry),
    });
    expect(info.problems).toEqual([]);
    expect(info.name).toBe(name);
    expect(info.metadata.previous).toEqual(["4.14.10", "4.14.9"]);
    expect(info.images.map((i) => i.tag)).toEqual(release.report.images);
    expect(info.componentVersions).toEqual({ kubernetes: "1.28.3" });
    expect(info.manifests).toHaveLength(6);
  });

  it("builds one release per platform and an index when the CVO is an index", async () => {
    const registry = new MemoryRegistry();
    const { components } = await payload(registry, {
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
    });
    const release = await assembleRelease(
      {
        source: { kind: "images" },
        images: components,
        name: "4.15.0",
        to: "docker://memory.invalid/okd/release:multi",
      },
      { openStore: openStoreIn(registry) },
    );
    expect(release.mediaType).toBe("application/vnd.oci.image.index.v1+json");
    expect(release.platforms.map((p) => p.platform?.architecture)).toEqual(["amd64", "arm64"]);
    const store = registry.store("okd/release");
    for (const platform of release.platforms) {
      const child = parseManifest((await store.getManifest(platform.digest)).bytes, "");
      if (child.kind !== "image") throw new Error("expected an image");
      const config = parseImageConfig(await store.readBlob(child.manifest.config.digest));
      expect(config.architecture).toBe(platform.platform?.architecture);
      expect(config.config?.Labels?.["io.openshift.release.base-image-digest"]).toBe(platform.baseDigest);
    }
    const info = await readReleaseInfo("docker://memory.invalid/okd/release:multi", {
      openStore: openStoreIn(registry),
    });
    expect(info.metadata.metadata).toEqual({ "release.openshift.io/architecture": "multi" });
    expect(info.platforms.map((p) => p.architecture)).toEqual(["amd64", "arm64"]);
    expect(info.digest).toBe(release.digest);
  });

  it("names the operator and the missing tag when an operator references an image not in the input", async () => {
    const registry = new MemoryRegistry();
    const { components } = await payload(registry);
    const withoutOperand = components.filter((c) => c.tag !== "component-004");
    await expect(
      assembleRelease(
        {
          source: { kind: "images" },
          images: withoutOperand,
          name: "4.15.0",
          to: "docker://memory.invalid/okd/release",
        },
        { openStore: openStoreIn(registry) },
      ),
    ).rejects.toThrow(
      /operator "operator-01": its image-references names tag "component-004", which is not in the release input/,
    );
  });

  it("names the image whose versions label has an unknown key", async () => {
    const registry = new MemoryRegistry();
    const { components } = await payload(registry);
    const store = registry.store("okd/content");
    const bad = await buildSyntheticImage({
      destination: store,
      files: [{ type: "file", path: "x", content: "x" }],
      labels: { "io.openshift.build.versions": "etcd=3.5.9" },
    });
    await expect(
      assembleRelease(
        {
          source: { kind: "images" },
          images: [...components, { tag: "etcd", pullspec: `${REPO}@${bad.digest}` }],
          name: "4.15.0",
          to: "docker://memory.invalid/okd/release",
        },
        { openStore: openStoreIn(registry) },
      ),
    ).rejects.toThrow(
      /image "etcd" \(memory.invalid\/okd\/content@sha256:[0-9a-f]+\): label io.openshift.build.versions: unknown key "etcd"/,
    );
  });

  it("names the operator and file of a manifest that does not parse", async () => {
    const registry = new MemoryRegistry();
    const { components } = await payload(registry);
    const store = registry.store("okd/content");
    const broken = await buildSyntheticImage({
      destination: store,
      files: [{ type: "file", path: "manifests/01_bad.yaml", content: "kind: [unclosed\n" }],
      labels: { "io.openshift.release.operator": "true" },
    });
    await expect(
      assembleRelease(
        {
          source: { kind: "images" },
          images: [...components, { tag: "broken-operator", pullspec: `${REPO}@${broken.digest}` }],
          name: "4.15.0",
          to: "docker://memory.invalid/okd/release",
        },
        { openStore: openStoreIn(registry) },
      ),
    ).rejects.toThrow(
      /operator "broken-operator": manifest "manifests\/01_bad.yaml" failed the manifest check: not valid YAML/,
    );
  });

  it("rebuilds a release from an existing one with the same digest", async () => {
    const registry = new MemoryRegistry();
    const { components } = await payload(registry);
    const first = await assembleRelease(
      {
        source: { kind: "images" },
        images: components,
        name: "4.15.0",
        to: "docker://memory.invalid/okd/release",
        created: new Date("2025-05-05T05:05:05Z"),
      },
      { openStore: openStoreIn(registry) },
    );
    const again = await assembleRelease(
      {
        source: { kind: "release", pullspec: first.pullspec },
        name: "4.15.0",
        to: "docker://memory.invalid/okd/again",
      },
      { openStore: openStoreIn(registry) },
    );
    expect(again.created).toBe("2025-05-05T05:05:05Z");
    expect(again.digest).toBe(first.digest);
    expect(again.report.warnings).toEqual([]);
    const renamed = await assembleRelease(
      {
        source: { kind: "release", pullspec: first.pullspec },
        name: "4.15.1",
        to: "docker://memory.invalid/okd/again",
      },
      { openStore: openStoreIn(registry) },
    );
    const info = await readReleaseInfo(`docker://memory.invalid/okd/again@${renamed.digest}`, {
      openStore: openStoreIn(registry),
    });
    expect(info.name).toBe("4.15.1");
    expect(info.imageReferences.metadata?.annotations).toEqual({
      "release.openshift.io/from-release": first.pullspec,
    });
    expect(info.images).toEqual(
      (await readReleaseInfo(first.pullspec, { openStore: openStoreIn(registry) })).images,
    );
  });
});
