import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { silentLogger } from "../../../src/observability/logger.js";
import {
  ASSEMBLER_CACHE_BYTES,
  createReleaseAssembler,
} from "../../../src/payload-build/release-assembler.js";
import { createReleasePrefetcher } from "../../../src/payload-build/release-prefetcher.js";
import { DirectoryContentCache, MemoryContentCache } from "../../../src/registry/content-cache.js";
import { ImageStores } from "../../../src/registry/image-store.js";
import { assembleRelease, type AssembledRelease } from "../../../src/release-image/assemble-release.js";
import {
  writeSyntheticPayload,
  type SyntheticPayload,
} from "../../../src/release-image/synthetic-payload.js";
import { startCountingProxy, type CountingProxy } from "../../support/counting-proxy.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { describeWithTools } from "../../support/required-tool.js";
import { run } from "./third-party-tools.js";

const NAME = "4.15.0-0.okd-2024-01-02-030405";
let registry: RunningDockerRegistry;
let proxy: CountingProxy;
let payload: SyntheticPayload;
let dir: string;

describeWithTools(["docker-registry"])("release assembly with a content cache", () => {
  beforeAll(async () => {
    registry = await startDockerRegistry();
    proxy = await startCountingProxy(registry.host);
    dir = await mkdtemp(join(tmpdir(), "assemble-cache-test-"));
    const stores = new ImageStores({ insecureRegistries: [proxy.host] });
    payload = await writeSyntheticPayload({
      store: stores.open(`docker://${proxy.host}/okd/content`),
      repository: `${proxy.host}/okd/content`,
      components: 12,
      operators: 4,
      manifestsPerOperator: 2,
    });
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await registry?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  /** One assembly as a new process makes it: its own connection pool. */
  async function assemble(to: string, cache?: DirectoryContentCache): Promise<AssembledRelease> {
    const stores = new ImageStores({ insecureRegistries: [proxy.host] });
    proxy.reset();
    return assembleRelease(
      {
        source: { kind: "images" },
        images: payload.components,
        name: NAME,
        to: `docker://${proxy.host}/${to}`,
      },
      { openStore: (reference) => stores.open(reference), ...(cache === undefined ? {} : { cache }) },
    );
  }

  /** The operator's release assembly of the payload (every component kept) into repository `to`. */
  const assembly = (to: string) => ({
    name: NAME,
    to: `docker://${proxy.host}/${to}`,
    baseTag: "cluster-version-operator",
    images: payload.components,
    include: payload.components.map((c) => c.tag),
  });

  it("gives the same release, and with a warm cache reads only the component manifests from the registry", async () => {
    const plain = await assemble("okd/plain");
    const uncached = proxy.counts();
    // 12 manifests, 12 configs, 4 operator top layers: what oc reads too.
    expect(uncached["GET manifest"]).toBe(12);
    expect(uncached["GET blob"]).toBe(16);

    const cache = new DirectoryContentCache(join(dir, "cache"));
    const cold = await assemble("okd/cold", cache);
    expect(proxy.counts()["GET blob"]).toBe(16);
    const warm = await assemble("okd/warm", cache);
    const counts = proxy.counts();
    // Every manifest, read to show the image is still there; no config, no layer.
    expect(counts["GET manifest"]).toBe(12);
    expect(counts["GET blob"]).toBeUndefined();

    expect(cold.digest).toBe(plain.digest);
    expect(warm.digest).toBe(plain.digest);
    expect(warm.layer).toEqual(plain.layer);
    expect(warm.report).toEqual(plain.report);
  }, 120_000);

  it("payloadctl assemble --cache-dir keeps them between runs", async () => {
    const cacheDir = join(dir, "cli-cache");
    const assembleCli = async (): Promise<string> => {
      proxy.reset();
      const out = await run("env", [
        "SOURCE_DATE_EPOCH=1767225600",
        "npx",
        "tsx",
        "src/cli/payloadctl.ts",
        "assemble",
        "--from-images",
        ...payload.components.map((c) => `${c.tag}=${c.pullspec}`),
        "--name",
        NAME,
        "--to",
        `docker://${proxy.host}/okd/cli`,
        "--insecure-registry",
        proxy.host,
        "--cache-dir",
        cacheDir,
      ]);
      return out.trim().split(" ")[0] ?? "";
    };
    const first = await assembleCli();
    expect(proxy.counts()["GET blob"]).toBe(16);
    expect((await readdir(join(cacheDir, "sha256"))).length).toBe(16);
    const second = await assembleCli();
    expect(proxy.counts()["GET blob"]).toBeUndefined();
    expect(proxy.counts()["GET manifest"]).toBe(12);
    expect(second).toBe(first);
    expect(second).toMatch(/^sha256:[0-9a-f]{64}$/);
  }, 120_000);

  it("the operator's release assembler keeps them between its assemblies", async () => {
    const assembler = createReleaseAssembler({
      client: {} as KubeClient,
      registryOptions: { insecureRegistries: [proxy.host] },
      log: silentLogger(),
    });
    proxy.reset();
    const first = await assembler(assembly("okd/operator-1"), "okd");
    expect(proxy.counts()["GET blob"]).toBe(16);
    proxy.reset();
    const second = await assembler(assembly("okd/operator-2"), "okd");
    expect(proxy.counts()["GET blob"]).toBeUndefined();
    expect(proxy.counts()["GET manifest"]).toBe(12);
    expect(second.digest).toBe(first.digest);
  }, 120_000);

  it("the operator's prefetcher reads landed components ahead, so the assembly reads only their manifests", async () => {
    const contentCache = new MemoryContentCache(ASSEMBLER_CACHE_BYTES);
    const sources = {
      registryOptions: { insecureRegistries: [proxy.host] },
      contentCache,
      log: silentLogger(),
    };
    const assembler = createReleaseAssembler({ client: {} as KubeClient, ...sources });
    const prefetch = createReleasePrefetcher(sources);
    // Every component but the last operator has landed; one is not in the registry (yet).
    const last = payload.components.filter((c) => c.tag.startsWith("operator-")).at(-1);
    const landed = payload.components.filter((c) => c !== last);
    const missing = { tag: "not-pushed", pullspec: `${proxy.host}/okd/content@sha256:${"0".repeat(64)}` };
    proxy.reset();
    await prefetch([...landed, missing], "okd");
    expect(proxy.counts()["GET blob"]).toBe(14); // 11 configs, 3 operator top layers
    proxy.reset();
    await prefetch(landed, "okd"); // asked again: nothing read twice
    expect(proxy.counts()).toEqual({});
    const release = await assembler(assembly("okd/prefetched"), "okd");
    const counts = proxy.counts();
    expect(counts["GET manifest"]).toBe(12);
    expect(counts["GET blob"]).toBe(2); // the last operator's config and top layer
    const unaided = createReleaseAssembler({
      client: {} as KubeClient,
      registryOptions: sources.registryOptions,
      log: sources.log,
    });
    expect(release.digest).toBe((await unaided(assembly("okd/not-prefetched"), "okd")).digest);
  }, 120_000);

  it("reads again from the registry what was damaged in the cache, and still gives the same release", async () => {
    const cache = new DirectoryContentCache(join(dir, "damaged"));
    const first = await assemble("okd/first", cache);
    const entries = (await readdir(join(dir, "damaged", "sha256"))).filter((f) => !f.includes("."));
    for (const entry of entries) await writeFile(join(dir, "damaged", "sha256", entry), "damaged");
    const again = await assemble("okd/again", cache);
    expect(proxy.counts()["GET manifest"]).toBe(12);
    expect(proxy.counts()["GET blob"]).toBe(16);
    expect(again.digest).toBe(first.digest);
  }, 120_000);

  it("fails naming the component whose image is gone from the registry, even with a warm cache", async () => {
    const cache = new DirectoryContentCache(join(dir, "gone"));
    await assemble("okd/before", cache);
    const component = payload.components.find((c) => c.tag.startsWith("operator-"));
    const gone = component?.pullspec.slice(component.pullspec.indexOf("@") + 1) ?? "";
    await new ImageStores({ insecureRegistries: [proxy.host] }).deleteManifest(
      `docker://${proxy.host}/okd/content`,
      gone,
    );
    await expect(assemble("okd/after", cache)).rejects.toThrow(
      new RegExp(
        `cannot read image "${component?.tag ?? ""}" \\(${component?.pullspec ?? ""}\\).*unknown`,
        "i",
      ),
    );
  }, 120_000);
});
