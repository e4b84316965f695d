import { describe, expect, it } from "vitest";
import { renderReleaseInfoText } from "../../../src/cli/release-info-command.js";
import { parseImageReference } from "../../../src/registry/image-reference.js";
import { assembleRelease } from "../../../src/release-image/assemble-release.js";
import { parsePlatform, readReleaseInfo } from "../../../src/release-image/read-release-info.js";
import { writeSyntheticPayload } from "../../../src/release-image/synthetic-payload.js";
import { MemoryRegistry } from "../oci-image/memory-image-store.js";

function openStoreIn(registry: MemoryRegistry) {
  return (reference: string) => {
    const ref = parseImageReference(reference);
    if (ref.transport !== "docker") throw new Error("memory registry only");
    return registry.store(ref.repository);
  };
}

async function release(registry: MemoryRegistry, architectures: readonly string[], to: string) {
  const { components } = await writeSyntheticPayload({
    store: registry.store("okd/content"),
    repository: "memory.invalid/okd/content",
    components: 4,
    operators: 1,
    platforms: architectures.map((architecture) => ({ os: "linux", architecture })),
  });
  return assembleRelease(
    { source: { kind: "images" }, images: components, name: "4.17.1", to: `docker://${to}` },
    { openStore: openStoreIn(registry) },
  );
}

describe("readReleaseInfo per architecture", () => {
  it("reads each platform's release image of a multi-arch release, and linux/amd64 by default", async () => {
    const registry = new MemoryRegistry();
    const assembled = await release(registry, ["amd64", "arm64"], "memory.invalid/okd/release:multi");
    const deps = { openStore: openStoreIn(registry) };
    const reference = "docker://memory.invalid/okd/release:multi";

    const byDefault = await readReleaseInfo(reference, deps);
    expect(byDefault.digest).toBe(assembled.digest);
    expect(byDefault.platform).toEqual({ os: "linux", architecture: "amd64" });
    expect(byDefault.imageDigest).toBe(assembled.platforms[0]?.digest);

    for (const [i, architecture] of ["amd64", "arm64"].entries()) {
      const info = await readReleaseInfo(reference, deps, { platform: { os: "linux", architecture } });
      expect(info.digest).toBe(assembled.digest);
      expect(info.imageDigest).toBe(assembled.platforms[i]?.digest);
      expect(info.platform.architecture).toBe(architecture);
      expect(info.metadata.metadata).toEqual({ "release.openshift.io/architecture": "multi" });
      expect(info.problems).toEqual([]);
    }

    const text = renderReleaseInfoText(byDefault);
    expect(text).toContain(`Digest:    ${assembled.digest}\n`);
    expect(text).toContain("OS/Arch:   multi (linux/amd64)\n");
    expect(text).toMatch(/Release images \(one per architecture\):\n {2}PLATFORM +DIGEST\n/);
    expect(text).toContain(`linux/arm64  ${assembled.platforms[1]?.digest}`);

    const arm = await readReleaseInfo(reference, deps, { platform: parsePlatform("linux/arm64") });
    const armText = renderReleaseInfoText(arm, true);
    expect(armText).toContain(`Digest:    ${assembled.platforms[1]?.digest}\n`);
    expect(armText).toContain(`Manifest List: ${assembled.digest}\n`);
    expect(armText).toContain("OS/Arch:   linux/arm64\n");
  });

  it("names the platforms a release has when asked for another one", async () => {
    const registry = new MemoryRegistry();
    await release(registry, ["amd64", "arm64"], "memory.invalid/okd/release:multi");
    await expect(
      readReleaseInfo(
        "docker://memory.invalid/okd/release:multi",
        { openStore: openStoreIn(registry) },
        { platform: { os: "linux", architecture: "s390x" } },
      ),
    ).rejects.toThrow(/has no release image for linux\/s390x; its platforms: linux\/amd64, linux\/arm64/);
  });

  it("a single-arch release shows its architecture and refuses another", async () => {
    const registry = new MemoryRegistry();
    await release(registry, ["amd64"], "memory.invalid/okd/release:single");
    const deps = { openStore: openStoreIn(registry) };
    const info = await readReleaseInfo("docker://memory.invalid/okd/release:single", deps);
    expect(info.platforms).toEqual([]);
    expect(info.imageDigest).toBe(info.digest);
    const text = renderReleaseInfoText(info);
    expect(text).toContain("OS/Arch:   linux/amd64\n");
    expect(text).not.toContain("Release images");
    await expect(
      readReleaseInfo("docker://memory.invalid/okd/release:single", deps, {
        platform: { os: "linux", architecture: "arm64" },
      }),
    ).rejects.toThrow(/it is a single-arch release of linux\/amd64/);
  });

  it("parsePlatform takes os/architecture[/variant] only", () => {
    expect(parsePlatform("linux/arm64/v8")).toEqual({ os: "linux", architecture: "arm64", variant: "v8" });
    expect(() => parsePlatform("arm64")).toThrow(/not os\/architecture/);
  });
});
