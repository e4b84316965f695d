import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openImageStore } from "../../../src/registry/image-store.js";
import { parseImageConfig, parseManifest } from "../../../src/registry/manifest-schemas.js";
import { describeWithTools } from "../../support/required-tool.js";
import { makeImage, pushImage, pushIndex } from "../../support/test-images.js";
import { openTestStore, registryBackends } from "./registries.js";
import type { TestRegistry } from "./registries.js";

// async on purpose: the integrated registry runs in this process, so a blocking exec would deadlock it
const run = promisify(execFile);
const backends = await registryBackends();

async function skopeo(...args: string[]): Promise<string> {
  return (await run("skopeo", args)).stdout;
}

describeWithTools(["skopeo"])("skopeo", () => {
  describe.each(backends)("skopeo and our stores agree, with $name", (backend) => {
    let registry: TestRegistry;
    let dir: string;
    beforeAll(async () => {
      registry = await backend.start();
      dir = await mkdtemp(join(tmpdir(), "skopeo-interop-"));
    });
    afterAll(async () => {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    });

    it.skipIf(!backend.available)(
      "skopeo copies an OCI layout we wrote into the registry, and inspects it",
      async () => {
        const layout = openImageStore(`oci:${join(dir, "ours")}`);
        const image = makeImage("oci", [300], { "io.openshift.release.operator": "true" });
        await pushImage(layout, image, "4.15.0");
        const dest = `docker://${registry.host}/interop/ours:4.15.0`;
        await skopeo(
          "copy",
          "--dest-tls-verify=false",
          "--preserve-digests",
          `oci:${join(dir, "ours")}:4.15.0`,
          dest,
        );
        const inspected = JSON.parse(await skopeo("inspect", "--tls-verify=false", dest)) as Record<
          string,
          unknown
        >;
        expect(inspected).toMatchObject({
          Digest: image.digest,
          Labels: { "io.openshift.release.operator": "true" },
        });
        const store = openTestStore(registry.host, "interop/ours");
        expect((await store.getManifest("4.15.0")).digest).toBe(image.digest);
      },
    );

    it.skipIf(!backend.available)(
      "skopeo reads an index we pushed and copies it into an OCI layout we read",
      async () => {
        const store = openTestStore(registry.host, "interop/multi");
        const { digest } = await pushIndex(store, "oci", "v1");
        const raw = await skopeo(
          "inspect",
          "--raw",
          "--tls-verify=false",
          `docker://${registry.host}/interop/multi:v1`,
        );
        expect(parseManifest(Buffer.from(raw), "").kind).toBe("index");
        const target = join(dir, "from-skopeo");
        await skopeo(
          "copy",
          "--all",
          "--preserve-digests",
          "--src-tls-verify=false",
          `docker://${registry.host}/interop/multi:v1`,
          `oci:${target}:copied`,
        );
        const layout = openImageStore(`oci:${target}`);
        expect(await layout.listTags()).toEqual(["copied"]);
        expect((await layout.getManifest("copied")).digest).toBe(digest);
      },
    );

    it.skipIf(!backend.available)(
      "skopeo converts to Docker schema 2 between repositories and we read the result",
      async () => {
        const store = openTestStore(registry.host, "interop/convert");
        await pushImage(store, makeImage("oci", [100], { a: "b" }), "oci");
        await skopeo(
          "copy",
          "--src-tls-verify=false",
          "--dest-tls-verify=false",
          "--format",
          "v2s2",
          `docker://${registry.host}/interop/convert:oci`,
          `docker://${registry.host}/interop/converted:v2s2`,
        );
        const converted = await openTestStore(registry.host, "interop/converted").getManifest("v2s2");
        expect(converted.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
        const parsed = parseManifest(converted.bytes, converted.mediaType);
        if (parsed.kind !== "image") throw new Error("expected an image");
        const config = parseImageConfig(
          await openTestStore(registry.host, "interop/converted").readBlob(parsed.manifest.config.digest),
        );
        expect(config.config?.Labels).toEqual({ a: "b" });
      },
    );
  });
});

describeWithTools(["umoci", "skopeo"])("images made by umoci", () => {
  it("are read by our OCI layout store, config labels included", async () => {
    const dir = await mkdtemp(join(tmpdir(), "umoci-"));
    try {
      const layoutDir = join(dir, "layout");
      await run("umoci", ["init", "--layout", layoutDir]);
      await run("umoci", ["new", "--image", `${layoutDir}:base`]);
      await run("umoci", [
        "config",
        "--image",
        `${layoutDir}:base`,
        "--config.label",
        "io.openshift.release.operator=true",
      ]);
      const layout = openImageStore(`oci:${layoutDir}`);
      const manifest = await layout.getManifest("base");
      const parsed = parseManifest(manifest.bytes, manifest.mediaType);
      if (parsed.kind !== "image") throw new Error("expected an image");
      const config = parseImageConfig(await layout.readBlob(parsed.manifest.config.digest));
      expect(config.config?.Labels).toMatchObject({ "io.openshift.release.operator": "true" });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
