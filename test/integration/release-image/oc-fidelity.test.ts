/**
 * Our releases held to the real consumers and to the tool they replace, in one run against one local
 * docker-registry: `oc adm release new` and `assembleRelease` build from the same input images, and
 * their `release-manifests/` trees (as `oc adm release extract` writes them) must be identical file by
 * file; `oc adm release info` reads ours; the CVO's own loader loads every manifest of both.
 * Deliberate differences are listed in docs/release-format.md.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createImageIndex, descriptorOf } from "../../../src/oci-image/create-manifest.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import { parseManifest } from "../../../src/registry/manifest-schemas.js";
import { assembleRelease, type AssembledRelease } from "../../../src/release-image/assemble-release.js";
import { readReleaseInfo } from "../../../src/release-image/read-release-info.js";
import { imageStreamFileOf, writeSyntheticPayload } from "../../../src/release-image/synthetic-payload.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { writeOcComparisonFixture, type OcComparisonFixture } from "./oc-comparison-fixture.js";
import {
  cvoLoadRelease,
  extractPayloadDirectory,
  oc,
  ocReleaseExtract,
  ocReleaseInfo,
  ocReleaseNew,
  RELEASE_TOOL_NAMES,
  type CvoLoadReport,
  type OcReleaseNewResult,
} from "./release-tools.js";
import { describeWithTools } from "../../support/required-tool.js";
import { scratch } from "./third-party-tools.js";

const NAME = "4.17.0-0.okd-2026-12-04-101112";
const AMENDED = "4.17.0-0.okd-2026-12-05-000000";

let registry: RunningDockerRegistry;
let work: { dir: string; cleanup: () => Promise<void> };
let fixture: OcComparisonFixture;
let streamFile: string;
const openStore = (reference: string) => openImageStore(reference, { insecureRegistries: [registry.host] });
let dirCount = 0;
const freshDir = (label: string) => join(work.dir, `${label}-${(dirCount += 1)}`);

/** Every release-manifests document the CVO read was loaded (none dropped by the default profile). */
function expectEveryManifestLoaded(report: CvoLoadReport): void {
  expect(report.errors).toEqual([]);
  const release = report.manifests.filter((m) => m.file.startsWith("release-manifests/"));
  expect(release.filter((m) => !m.loaded)).toEqual([]);
  expect(report.manifestsLoaded).toBe(report.documentsPresent);
}

function expectSameTrees(ours: Map<string, Buffer>, theirs: Map<string, Buffer>): void {
  expect([...ours.keys()]).toEqual([...theirs.keys()]);
  for (const [name, content] of theirs) {
    expect({ name, content: ours.get(name)?.toString("utf8") }).toEqual({
      name,
      content: content.toString("utf8"),
    });
  }
}

describeWithTools([...RELEASE_TOOL_NAMES, "docker-registry", "skopeo", "umoci"])(
  "our releases against oc and the CVO loader",
  () => {
    let ocRelease: OcReleaseNewResult;
    let ours: AssembledRelease;
    const ocRepo = () => `${registry.host}/compare/oc-release`;
    const ourRepo = () => `${registry.host}/compare/our-release`;

    beforeAll(async () => {
      registry = await startDockerRegistry();
      work = await scratch("oc-fidelity-");
      fixture = await writeOcComparisonFixture(
        openStore(`docker://${registry.host}/fixture/content`),
        `${registry.host}/fixture/content`,
      );
      streamFile = join(work.dir, "input-stream.json");
      await writeFile(streamFile, JSON.stringify(fixture.imageStream, null, 2));
      ocRelease = await ocReleaseNew([
        "--from-image-stream-file",
        streamFile,
        "--reference-mode=source",
        "--name",
        NAME,
        "--to-image",
        ocRepo(),
      ]);
      // Same creation time as oc's run, so image-references can be compared byte for byte.
      ours = await assembleRelease(
        {
          source: { kind: "image-stream", stream: fixture.imageStream, description: streamFile },
          name: NAME,
          to: `docker://${ourRepo()}`,
          created: new Date(ocRelease.created),
        },
        { openStore },
      );
    }, 120_000);

    afterAll(async () => {
      await registry?.stop();
      await work?.cleanup();
    });

    it("writes the same release-manifests tree as oc adm release new from the same images", async () => {
      // As oc adm release extract writes them (manifests re-serialised by oc) ...
      expectSameTrees(
        await ocReleaseExtract(`${ourRepo()}@${ours.digest}`, freshDir("ours")),
        await ocReleaseExtract(`${ocRepo()}@${ocRelease.digest}`, freshDir("oc")),
      );
      // ... and byte for byte as they are in the layers.
      const theirs = await extractPayloadDirectory(`${ocRepo()}@${ocRelease.digest}`, freshDir("oc-raw"));
      const mine = await extractPayloadDirectory(`${ourRepo()}@${ours.digest}`, freshDir("ours-raw"));
      expectSameTrees(mine, theirs);
      // The cases the fixture is there for, so a silent change in both shows up too.
      expect([...mine.keys()]).toEqual([
        "0000_30_operator-a_00_namespace.yaml",
        "0000_50_operator-a_NOTES.txt",
        "0000_50_operator-a_deployment.yaml",
        "0000_50_operator-b_deployment.yaml",
        "0000_50_operator-b_rbac.yaml",
        "0000_90_shared_config.yaml",
        "0000_90_shared_config_2.yaml",
        "image-references",
        "release-metadata",
      ]);
      expect(mine.get("0000_90_shared_config_2.yaml")?.toString()).toContain("shared-b");
      const deployment = mine.get("0000_50_operator-a_deployment.yaml")?.toString() ?? "";
      expect(deployment).toContain(`image: ${fixture.pullspecs["operator-a"]}\n`);
      expect(deployment).toContain(`value: "${fixture.pullspecs["multi-operand"]}"`);
      expect(deployment).toContain(`value: ${NAME}\n`);
      expect(deployment).toContain("value: '1.30.5'");
      const tags = JSON.parse(mine.get("image-references")?.toString() ?? "{}").spec.tags.map(
        (t: { name: string }) => t.name,
      );
      expect(tags).not.toContain("must-gather-tool");
      expect(tags).toContain("multi-operand");
    });

    it("is read by oc adm release info: name, digest, metadata, component versions, pullspecs, commits", async () => {
      const pullspec = `${ourRepo()}@${ours.digest}`;
      const info = await ocReleaseInfo(pullspec);
      const theirs = await ocReleaseInfo(`${ocRepo()}@${ocRelease.digest}`);
      expect(info.digest).toBe(ours.digest);
      expect(info.metadata).toEqual(theirs.metadata);
      expect(info.metadata.version).toBe(NAME);
      expect(info.references.metadata.name).toBe(NAME);
      expect(info.references.metadata.creationTimestamp).toBe(ours.created);
      expect(info.displayVersions).toEqual(theirs.displayVersions);
      expect(info.displayVersions?.["kubernetes"]).toEqual({
        Version: "1.30.5",
        DisplayName: "Kubernetes (test)",
      });
      expect(info.references.spec.tags).toEqual(theirs.references.spec.tags);
      expect(info.warnings ?? []).toEqual([]);

      const pullspecs = await oc(["adm", "release", "info", "--insecure=true", "--pullspecs", pullspec]);
      for (const tag of ours.report.images) {
        expect(pullspecs).toMatch(new RegExp(`\\n\\s+${tag}\\s+${fixture.pullspecs[tag]}\\n`));
      }
      const commits = await oc(["adm", "release", "info", "--insecure=true", "--commits", pullspec]);
      expect(commits).toMatch(
        /cluster-version-operator\s+https:\/\/github\.com\/openshift\/cluster-version-operator\s+[0-9a-f]{38}/,
      );
      expect(commits).toMatch(/operator-b\s+https:\/\/github\.com\/openshift\/operator-b\s+[0-9a-f]{38}/);
    });

    it("is loaded by the CVO's own loader with every manifest accounted for, like oc's", async () => {
      const mine = await cvoLoadRelease(`${ourRepo()}@${ours.digest}`, freshDir("cvo-ours"));
      const theirs = await cvoLoadRelease(`${ocRepo()}@${ocRelease.digest}`, freshDir("cvo-oc"));
      expectEveryManifestLoaded(mine);
      expectEveryManifestLoaded(theirs);
      expect(mine.release).toEqual(theirs.release);
      expect(mine.imageReferences).toEqual(theirs.imageReferences);
      expect(mine.manifests).toEqual(theirs.manifests);
      expect(mine.manifestHash).toBe(theirs.manifestHash);
      // Two manifests in rbac.yaml, one each elsewhere; NOTES.txt and the nested file are not read.
      expect(mine.manifests.filter((m) => m.file.startsWith("release-manifests/")).length).toBe(7);
    });

    it("amends a release like oc adm release new --from-release", async () => {
      const input = `${ourRepo()}@${ours.digest}`;
      const amendedByOc = await ocReleaseNew([
        "--from-release",
        input,
        "--name",
        AMENDED,
        "--previous",
        NAME,
        "--to-image",
        `${ocRepo()}-amended`,
      ]);
      const amended = await assembleRelease(
        {
          source: { kind: "release", pullspec: input },
          name: AMENDED,
          previous: [NAME],
          to: `docker://${ourRepo()}-amended`,
          created: new Date(amendedByOc.created),
        },
        { openStore },
      );
      const theirs = await extractPayloadDirectory(
        `${ocRepo()}-amended@${amendedByOc.digest}`,
        freshDir("oc-amended"),
      );
      const mine = await extractPayloadDirectory(
        `${ourRepo()}-amended@${amended.digest}`,
        freshDir("ours-amended"),
      );
      expectSameTrees(mine, theirs);
      const references = JSON.parse(mine.get("image-references")?.toString() ?? "{}");
      expect(references.metadata.annotations["release.openshift.io/from-release"]).toBe(input);
      expectEveryManifestLoaded(
        await cvoLoadRelease(`${ourRepo()}-amended@${amended.digest}`, freshDir("cvo-amended")),
      );
    });

    it("builds a multi-arch release that oc adm release info reads per platform", async () => {
      const multi = await writeSyntheticPayload({
        store: openStore(`docker://${registry.host}/fixture/multi`),
        repository: `${registry.host}/fixture/multi`,
        components: 5,
        operators: 2,
        platforms: [
          { os: "linux", architecture: "amd64" },
          { os: "linux", architecture: "arm64" },
        ],
      });
      const release = await assembleRelease(
        {
          source: { kind: "images" },
          images: multi.components,
          name: "4.17.1",
          to: `docker://${registry.host}/compare/multi-release`,
        },
        { openStore },
      );
      const pullspec = `${registry.host}/compare/multi-release@${release.digest}`;
      for (const [i, arch] of ["amd64", "arm64"].entries()) {
        const info = await ocReleaseInfo(pullspec, [`--filter-by-os=linux/${arch}`]);
        expect(info.listDigest).toBe(release.digest);
        expect(info.digest).toBe(release.platforms[i]?.digest);
        expect(info.metadata.version).toBe("4.17.1");
        expect(info.metadata.metadata).toEqual({ "release.openshift.io/architecture": "multi" });
        // payloadctl release-info --filter-by-os reads the same release image as oc.
        const ours = await readReleaseInfo(
          `docker://${pullspec}`,
          { openStore },
          { platform: { os: "linux", architecture: arch } },
        );
        expect({ list: ours.digest, image: ours.imageDigest, images: ours.images.length }).toEqual({
          list: info.listDigest,
          image: info.digest,
          images: info.references.spec.tags.length,
        });
      }
      const text = await oc(["adm", "release", "info", "--insecure=true", pullspec]);
      expect(text).toContain("Name:           4.17.1");
      expectEveryManifestLoaded(
        await cvoLoadRelease(`${registry.host}/compare/multi-release:4.17.1`, freshDir("cvo-multi")),
      );
    });
    it("treats a component that exists for only some architectures as oc adm release new --keep-manifest-list does", async () => {
      const repository = `${registry.host}/fixture/partial`;
      const store = openStore(`docker://${repository}`);
      const multi = await writeSyntheticPayload({
        store,
        repository,
        components: 5,
        operators: 2,
        platforms: [
          { os: "linux", architecture: "amd64" },
          { os: "linux", architecture: "arm64" },
        ],
      });
      /** The payload with `tag` replaced by an index of only its `architecture` image. */
      const withOnly = async (tag: string, architecture: string) => {
        const component = multi.components.find((c) => c.tag === tag);
        const top = await store.getManifest(component?.pullspec.split("@")[1] ?? "");
        const parsed = parseManifest(top.bytes, top.mediaType);
        if (parsed.kind !== "index") throw new Error(`${tag} is not an index`);
        const only = createImageIndex(
          "oci",
          parsed.index.manifests
            .filter((d) => d.platform?.architecture === architecture)
            .map((d) => descriptorOf(d.mediaType, d, { os: "linux", architecture })),
        );
        await store.putManifest(only.digest, only.bytes, only.mediaType);
        const components = multi.components.map((c) =>
          c.tag === tag ? { ...c, pullspec: `${repository}@${only.digest}` } : c,
        );
        const streamFile = join(work.dir, `partial-${tag}-${architecture}.json`);
        await writeFile(
          streamFile,
          JSON.stringify(imageStreamFileOf("partial", components, "2026-12-04T10:11:12Z")),
        );
        return { components, streamFile, pullspec: `${repository}@${only.digest}` };
      };
      const ocNew = (file: string, to: string) =>
        ocReleaseNew([
          "--from-image-stream-file",
          file,
          "--reference-mode=source",
          "--name",
          "4.17.1",
          "--keep-manifest-list=true",
          "--to-image",
          `${registry.host}/compare/${to}`,
        ]);
      const ours = (components: readonly { tag: string; pullspec: string }[], to: string) =>
        assembleRelease(
          {
            source: { kind: "images" },
            images: components,
            name: "4.17.1",
            to: `docker://${registry.host}/compare/${to}`,
          },
          { openStore },
        );

      // Only arm64: oc reads every component's manifests and labels from linux/amd64 and fails; so do we.
      for (const tag of ["component-003", "operator-01"]) {
        const armOnly = await withOnly(tag, "arm64");
        await expect(ocNew(armOnly.streamFile, `oc-${tag}-arm64`)).rejects.toThrow(
          "filtered all images from manifest list",
        );
        await expect(ours(armOnly.components, `ours-${tag}-arm64`)).rejects.toThrow(
          `image "${tag}" (${armOnly.pullspec}) is an image index with no linux/amd64 image (it has linux/arm64)`,
        );
      }

      // Only amd64: passed through by reference in both; each node pulls what its platform has.
      const amdOnly = await withOnly("component-003", "amd64");
      const theirs = await ocNew(amdOnly.streamFile, "oc-amd64-only");
      const mine = await ours(amdOnly.components, "ours-amd64-only");
      for (const pullspec of [
        `${registry.host}/compare/oc-amd64-only@${theirs.digest}`,
        `${registry.host}/compare/ours-amd64-only@${mine.digest}`,
      ]) {
        const info = await ocReleaseInfo(pullspec, ["--filter-by-os=linux/arm64"]);
        const reference = info.references.spec.tags.find((t) => t.name === "component-003");
        expect({ pullspec, from: reference?.from?.name }).toEqual({ pullspec, from: amdOnly.pullspec });
      }
    });
  },
);
