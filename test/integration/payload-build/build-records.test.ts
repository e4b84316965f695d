/**
 * Component build records in a real registry (Debian's docker-registry): the `<component>-<key>` tag
 * is written only for an image whose label is the key, never overwritten, read back only when the
 * label matches; floating tags resolve to the digest they name now.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStores, type ImageStore } from "../../../src/registry/image-store.js";
import {
  COMPONENT_KEY_LABEL,
  componentKeyLabels,
  findComponentRecords,
  recordComponentBuild,
  resolveImageDigests,
} from "../../../src/payload-build/build-records.js";
import { componentKeyTag } from "../../../src/payload-build/component-key.js";
import {
  hasDockerRegistry,
  startDockerRegistry,
  type RunningDockerRegistry,
} from "../../support/docker-registry.js";
import { makeImage, pushImage } from "../../support/test-images.js";

const available = await hasDockerRegistry();
if (!available && process.env["CI"] !== undefined)
  throw new Error("docker-registry missing: apt-get install docker-registry");

const KEY = `sha256:${"a".repeat(64)}`;
const OTHER = `sha256:${"b".repeat(64)}`;

describe.skipIf(!available)("component build records (apt-get install docker-registry)", () => {
  let registry: RunningDockerRegistry;
  let stores: ImageStores;
  let repo: ImageStore;

  beforeAll(async () => {
    registry = await startDockerRegistry();
    stores = new ImageStores({ insecureRegistries: [registry.host] });
    repo = stores.open(`docker://${registry.host}/okd-build/release`);
  });
  afterAll(async () => registry.stop());

  async function built(key: string, tag: string): Promise<string> {
    const image = makeImage(
      "oci",
      [64],
      componentKeyLabels(key, JSON.stringify({ recipe: "r" }), "okd-build/night-1"),
    );
    return pushImage(repo, image, tag);
  }

  it("records a successful build under <component>-<key> and finds it by its label", async () => {
    expect(await findComponentRecords(repo, "cli", KEY)).toEqual({ exact: undefined, latest: undefined });
    const digest = await built(KEY, "cli");
    expect(await recordComponentBuild(repo, "cli", KEY, digest)).toBe("recorded");
    expect(await recordComponentBuild(repo, "cli", KEY, digest)).toBe("already-recorded");
    expect((await repo.getManifest(componentKeyTag("cli", KEY))).digest).toBe(digest);
    const records = await findComponentRecords(repo, "cli", KEY);
    expect(records.exact).toEqual({
      key: KEY,
      image: `${registry.host}/okd-build/release@${digest}`,
      payloadBuild: "okd-build/night-1",
      document: { recipe: "r" },
    });
    expect(records.latest?.image).toBe(records.exact?.image);
    // Another key: nothing exact, the latest build explains the rebuild.
    expect((await findComponentRecords(repo, "cli", OTHER)).exact).toBeUndefined();
  });

  it("never overwrites a recorded key with another image, and refuses an image without the key label", async () => {
    const first = await built(KEY, "api");
    await recordComponentBuild(repo, "api", KEY, first);
    const second = await built(KEY, "api");
    expect(second).not.toBe(first);
    expect(await recordComponentBuild(repo, "api", KEY, second)).toBe("kept-existing");
    expect((await repo.getManifest(componentKeyTag("api", KEY))).digest).toBe(first);
    const unlabelled = makeImage("oci", [64], {});
    const digest = await pushImage(repo, unlabelled, "console");
    await expect(recordComponentBuild(repo, "console", KEY, digest)).rejects.toThrow(
      new RegExp(
        `component console: .* has label ${COMPONENT_KEY_LABEL.replace(/\./g, "\\.")}=\\(none\\), not its key`,
      ),
    );
  });

  it("does not reuse a key tag whose image label names another key", async () => {
    // A tag written by hand (or cut to the same 128 characters) over an image of another key.
    const digest = await built(OTHER, componentKeyTag("installer", KEY));
    expect(digest).toMatch(/^sha256:/);
    expect((await findComponentRecords(repo, "installer", KEY)).exact).toBeUndefined();
  });

  it("resolves floating tags to the digest they name now, and pinned pullspecs to themselves", async () => {
    const base = stores.open(`docker://${registry.host}/centos/centos`);
    const one = await pushImage(base, makeImage("docker", [32]), "stream9");
    const pullspec = `${registry.host}/centos/centos:stream9`;
    const pinned = `${registry.host}/centos/centos@${one}`;
    expect(await resolveImageDigests([pullspec, pinned], stores)).toEqual({ [pullspec]: one, [pinned]: one });
    const two = await pushImage(base, makeImage("docker", [32]), "stream9");
    expect(await resolveImageDigests([pullspec], stores)).toEqual({ [pullspec]: two });
    await expect(resolveImageDigests([`${registry.host}/centos/centos:nope`], stores)).rejects.toThrow(
      /image 127\.0\.0\.1:\d+\/centos\/centos:nope: cannot resolve its tag to a digest/,
    );
  });
});
