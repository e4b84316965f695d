import { describe, expect, it } from "vitest";
import { parseImageConfig, parseManifest, toDescriptor } from "../../../src/registry/manifest-schemas.js";
import { DOCKER_MANIFEST_LIST, OCI_MANIFEST } from "../../../src/registry/media-types.js";

const D = `sha256:${"b".repeat(64)}`;
const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

describe("manifest schemas", () => {
  it("parses an index by its declared media type and turns entries into exact descriptors", () => {
    const parsed = parseManifest(
      bytes({
        schemaVersion: 2,
        mediaType: DOCKER_MANIFEST_LIST,
        manifests: [
          {
            mediaType: OCI_MANIFEST,
            digest: D,
            size: 7,
            platform: { architecture: "arm64", os: "linux", variant: "v8" },
            extra: 1,
          },
        ],
      }),
      "",
    );
    if (parsed.kind !== "index") throw new Error("expected an index");
    const entry = parsed.index.manifests[0];
    if (entry === undefined) throw new Error("no entry");
    expect(toDescriptor(entry)).toEqual({
      mediaType: OCI_MANIFEST,
      digest: D,
      size: 7,
      platform: { architecture: "arm64", os: "linux", variant: "v8" },
    });
  });

  it("says what is wrong with a malformed manifest", () => {
    expect(() =>
      parseManifest(
        bytes({ schemaVersion: 2, config: { digest: "sha256:short" }, layers: [] }),
        OCI_MANIFEST,
        "manifest of cli",
      ),
    ).toThrow(/manifest of cli is malformed: config\.mediaType/);
    expect(() => parseManifest(new TextEncoder().encode("{"), OCI_MANIFEST)).toThrow(/not valid JSON/);
  });

  it("keeps unknown config fields so an edited config loses nothing", () => {
    const config = parseImageConfig(
      bytes({
        architecture: "amd64",
        os: "linux",
        rootfs: { type: "layers", diff_ids: [D] },
        config: { Labels: null, StopSignal: "SIGTERM" },
      }),
    );
    expect(config.config).toEqual({ Labels: null, StopSignal: "SIGTERM" });
  });
});
