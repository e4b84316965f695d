import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openImageStore } from "../../../src/registry/image-store.js";
import { assembleRelease, type AssembledRelease } from "../../../src/release-image/assemble-release.js";
import { parseImageStream } from "../../../src/release-image/image-stream.js";
import { parseReleaseMetadata } from "../../../src/release-image/release-documents.js";
import { readReleaseInfo } from "../../../src/release-image/read-release-info.js";
import { isSemver } from "../../../src/release-image/semver.js";
import {
  writeSyntheticPayload,
  type SyntheticPayload,
} from "../../../src/release-image/synthetic-payload.js";
import { verifyReleasePayload } from "../../../src/release-image/verify-release-payload.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { describeWithTools, hasTools, type ToolName } from "../../support/required-tool.js";
import { cvoLoadRelease, ocReleaseInfo, RELEASE_TOOL_NAMES } from "./release-tools.js";
import {
  buildahBuildAndPush,
  run,
  scratch,
  skopeoInspect,
  umociBuildAndPush,
  umociUnpackRelease,
} from "./third-party-tools.js";

const NAME = "4.15.0-0.okd-2024-01-02-030405";
/** oc and cvo-load check these releases too when built (oc-fidelity.test.ts requires them). */
const withReleaseTools = hasTools(RELEASE_TOOL_NAMES);
/** What every suite here needs. */
const RELEASE_TOOLS: readonly ToolName[] = ["docker-registry", "skopeo", "umoci"];
let registry: RunningDockerRegistry;
let other: RunningDockerRegistry;
let work: { dir: string; cleanup: () => Promise<void> };
let ours: SyntheticPayload;
let oursDocker: SyntheticPayload;
let multi: SyntheticPayload;
const openStore = (reference: string) =>
  openImageStore(reference, { insecureRegistries: [registry.host, other.host] });

/** Checks a release with skopeo and umoci and every CVO load rule; returns the unpacked release-manifests. */
async function verifyRelease(
  reference: string,
  cvoReference: string,
  name: string,
): Promise<Map<string, Buffer>> {
  const inspected = await skopeoInspect(reference);
  const cvo = await skopeoInspect(cvoReference);
  expect(inspected.Labels).toEqual({
    "io.openshift.release": name,
    "io.openshift.release.base-image-digest": cvo.Digest,
  });
  expect(inspected.Layers.length).toBe(cvo.Layers.length + 1);
  expect(inspected.Layers.slice(0, -1)).toEqual(cvo.Layers);
  const { releaseManifests, cvoManifests } = await umociUnpackRelease(work.dir, reference);
  expect(cvoManifests.length).toBeGreaterThan(0);
  expect(verifyReleasePayload(releaseManifests)).toEqual([]);
  const metadata = parseReleaseMetadata(releaseManifests.get("release-metadata")?.toString() ?? "");
  const references = parseImageStream(
    releaseManifests.get("image-references")?.toString() ?? "",
    "image-references",
  );
  expect(metadata.kind).toBe("cincinnati-metadata-v0");
  expect(isSemver(metadata.version)).toBe(true);
  expect(references.kind).toBe("ImageStream");
  expect(references.metadata?.name).toBe(metadata.version);
  for (const tag of references.spec?.tags ?? []) expect(tag.from?.name).toMatch(/@sha256:[0-9a-f]{64}$/);
  // The real consumers too (oc reads registries only, not OCI layouts).
  if (withReleaseTools && reference.startsWith("docker://")) {
    const pullspec = reference.slice("docker://".length);
    const info = await ocReleaseInfo(pullspec);
    expect(info.metadata.version).toBe(name);
    expect(info.references.metadata.name).toBe(name);
    expect(info.digest).toBe(inspected.Digest);
    const loaded = await cvoLoadRelease(
      pullspec,
      join(work.dir, `cvo-${Math.random().toString(36).slice(2)}`),
    );
    expect(loaded.errors).toEqual([]);
    expect(loaded.manifests.filter((m) => m.file.startsWith("release-manifests/") && !m.loaded)).toEqual([]);
    expect(loaded.release?.version).toBe(name);
  }
  return releaseManifests;
}

beforeAll(async () => {
  if (!hasTools(RELEASE_TOOLS)) return;
  [registry, other] = await Promise.all([startDockerRegistry(), startDockerRegistry()]);
  work = await scratch("release-it-");
  ours = await writeSyntheticPayload({
    store: openStore(`docker://${registry.host}/okd/content`),
    repository: `${registry.host}/okd/content`,
    components: 12,
    operators: 4,
    manifestsPerOperator: 3,
    baseLayerBytes: 64 * 1024,
  });
  oursDocker = await writeSyntheticPayload({
    store: openStore(`docker://${registry.host}/okd/content-docker`),
    repository: `${registry.host}/okd/content-docker`,
    components: 6,
    operators: 2,
    format: "docker",
  });
  multi = await writeSyntheticPayload({
    store: openStore(`docker://${registry.host}/okd/multi`),
    repository: `${registry.host}/okd/multi`,
    components: 5,
    operators: 2,
    platforms: [
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ],
  });
}, 60_000);

afterAll(async () => {
  await Promise.all([registry?.stop(), other?.stop()]);
  await work?.cleanup();
});

describeWithTools(RELEASE_TOOLS)(
  "assembleRelease against a real registry, checked by skopeo and umoci",
  () => {
    let release: AssembledRelease;

    it("assembles an OCI payload built by our code, mounting the CVO layers", async () => {
      release = await assembleRelease(
        {
          source: { kind: "images" },
          images: ours.components,
          name: NAME,
          to: `docker://${registry.host}/okd/release`,
        },
        { openStore },
      );
      expect(release.transfers.mounted).toBeGreaterThan(0);
      expect(release.transfers.copied).toBe(0);
      const cvo = ours.components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
      const files = await verifyRelease(
        `docker://${registry.host}/okd/release:${NAME}`,
        `docker://${cvo}`,
        NAME,
      );
      expect([...files.keys()].sort()).toEqual(
        ["image-references", "release-metadata", ...release.report.manifests.map((m) => m.name)].sort(),
      );
      const deployment = files.get("0000_50_operator-01_01_deployment.yaml")?.toString() ?? "";
      expect(deployment).toContain(
        `image: ${ours.components.find((c) => c.tag === "operator-01")?.pullspec}`,
      );
      expect(deployment).toContain(`value: "${NAME}"`);
      expect(deployment).not.toContain("quay.io/openshift/origin-");
    });

    it("gives the same digest when the same release is assembled again into another repository", async () => {
      const again = await assembleRelease(
        {
          source: { kind: "images" },
          images: ours.components,
          name: NAME,
          to: `docker://${registry.host}/okd/release-again`,
        },
        { openStore },
      );
      expect(again.digest).toBe(release.digest);
      expect((await skopeoInspect(`docker://${registry.host}/okd/release-again:${NAME}`)).Digest).toBe(
        release.digest,
      );
    });

    it("copies the CVO layers once to another registry", async () => {
      const copied = await assembleRelease(
        {
          source: { kind: "images" },
          images: ours.components,
          name: NAME,
          to: `docker://${other.host}/okd/release`,
        },
        { openStore },
      );
      expect(copied.digest).toBe(release.digest);
      expect(copied.transfers.copied).toBeGreaterThan(0);
      expect(copied.transfers.mounted).toBe(0);
    });

    it("writes a Docker schema 2 release over a Docker schema 2 CVO", async () => {
      const docker = await assembleRelease(
        {
          source: { kind: "images" },
          images: oursDocker.components,
          name: "4.15.1",
          to: `docker://${registry.host}/okd/release-docker`,
        },
        { openStore },
      );
      expect(docker.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
      const raw = JSON.parse(
        await run("skopeo", [
          "inspect",
          "--raw",
          "--tls-verify=false",
          `docker://${registry.host}/okd/release-docker:4.15.1`,
        ]),
      );
      expect(raw.layers.at(-1).mediaType).toBe("application/vnd.docker.image.rootfs.diff.tar.gzip");
      const cvo = oursDocker.components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
      await verifyRelease(`docker://${registry.host}/okd/release-docker:4.15.1`, `docker://${cvo}`, "4.15.1");
    });

    it("writes to an oci: layout directory that umoci and skopeo read", async () => {
      const dir = join(work.dir, "layout");
      const written = await assembleRelease(
        { source: { kind: "images" }, images: ours.components, name: NAME, to: `oci:${dir}:release` },
        { openStore },
      );
      expect(written.digest).toBe(release.digest);
      const cvo = ours.components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
      await verifyRelease(`oci:${dir}:release`, `docker://${cvo}`, NAME);
      const info = await readReleaseInfo(`oci:${dir}:release`, { openStore });
      expect(info.name).toBe(NAME);
      expect(info.problems).toEqual([]);
    });

    it("writes a Docker schema 2 CVO's release to an oci: layout with OCI media types, deterministically", async () => {
      const dir = join(work.dir, "layout-docker");
      const reference = `oci:${dir}:4.15.1`;
      const assemble = () =>
        assembleRelease(
          { source: { kind: "images" }, images: oursDocker.components, name: "4.15.1", to: reference },
          { openStore },
        );
      const written = await assemble();
      expect(written.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
      expect((await assemble()).digest).toBe(written.digest);
      const inspected = await skopeoInspect(reference);
      expect(inspected.Digest).toBe(written.digest);
      const raw = JSON.parse(await run("skopeo", ["inspect", "--raw", reference]));
      expect(raw.mediaType).toBe("application/vnd.oci.image.manifest.v1+json");
      expect(raw.config.mediaType).toBe("application/vnd.oci.image.config.v1+json");
      expect(new Set(raw.layers.map((l: { mediaType: string }) => l.mediaType))).toEqual(
        new Set(["application/vnd.oci.image.layer.v1.tar+gzip"]),
      );
      const cvo = oursDocker.components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
      await verifyRelease(reference, `docker://${cvo}`, "4.15.1");
      const info = await readReleaseInfo(reference, { openStore });
      expect(info.name).toBe("4.15.1");
      expect(info.problems).toEqual([]);
    });

    it("builds one release per platform and an index over them for a multi-arch CVO", async () => {
      const built = await assembleRelease(
        {
          source: { kind: "images" },
          images: multi.components,
          name: "4.15.2",
          to: `docker://${registry.host}/okd/release-multi`,
        },
        { openStore },
      );
      const raw = JSON.parse(
        await run("skopeo", [
          "inspect",
          "--raw",
          "--tls-verify=false",
          `docker://${registry.host}/okd/release-multi:4.15.2`,
        ]),
      );
      expect(
        raw.manifests.map((m: { platform: { architecture: string } }) => m.platform.architecture),
      ).toEqual(["amd64", "arm64"]);
      const cvo = multi.components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
      const cvoIndex = JSON.parse(
        await run("skopeo", ["inspect", "--raw", "--tls-verify=false", `docker://${cvo}`]),
      );
      for (const [i, arch] of ["amd64", "arm64"].entries()) {
        const release = await skopeoInspect(`docker://${registry.host}/okd/release-multi:4.15.2`, [
          "--override-arch",
          arch,
        ]);
        const base = await skopeoInspect(`docker://${cvo}`, ["--override-arch", arch]);
        expect(release.Architecture).toBe(arch);
        expect(release.Labels).toEqual({
          "io.openshift.release": "4.15.2",
          "io.openshift.release.base-image-digest": cvoIndex.manifests[i].digest,
        });
        expect(release.Layers.length).toBe(base.Layers.length + 1);
      }
      const info = await readReleaseInfo(`docker://${registry.host}/okd/release-multi@${built.digest}`, {
        openStore,
      });
      expect(info.metadata.metadata).toEqual({ "release.openshift.io/architecture": "multi" });
    });
  },
);

describeWithTools([...RELEASE_TOOLS, "buildah"])("images built by buildah and umoci", () => {
  it("reads operators and a CVO we did not write (Docker schema 2 and OCI) and rewrites their manifests", async () => {
    const host = registry.host;
    const operand = ours.components.find((c) => c.tag === "component-005");
    const manifest = (tag: string) =>
      [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        `  name: ${tag}`,
        "  namespace: openshift-third",
        "  annotations:",
        '    include.release.openshift.io/self-managed-high-availability: "true"',
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        `      - image: "quay.io/openshift/origin-${tag}:latest"`,
        "        env:",
        "        - {name: OPERAND, value: 'quay.io/openshift/origin-component-005'}",
        "        - {name: VERSION, value: 0.0.1-snapshot}",
        "",
      ].join("\n");
    const references = (tag: string) =>
      `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","spec":{"tags":[{"name":"${tag}","from":{"kind":"DockerImage","name":"quay.io/openshift/origin-${tag}"}},{"name":"component-005","from":{"kind":"DockerImage","name":"quay.io/openshift/origin-component-005"}}]}}`;
    await buildahBuildAndPush(
      work.dir,
      "cvo",
      "FROM scratch\nCOPY bin /usr/bin/\nCOPY manifests /manifests/\nLABEL io.openshift.build.commit.id=abc123\n",
      {
        "bin/cluster-version-operator": "#!/bin/sh\n",
        "manifests/0000_00_cluster-version-operator_00_namespace.yaml":
          "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: openshift-cluster-version\n",
      },
      `${host}/third/cvo:1`,
      "v2s2",
    );
    await buildahBuildAndPush(
      work.dir,
      "buildah-operator",
      "FROM scratch\nCOPY manifests /manifests/\nLABEL io.openshift.release.operator=true\n",
      {
        "manifests/deployment.yaml": manifest("buildah-operator"),
        "manifests/image-references": references("buildah-operator"),
      },
      `${host}/third/buildah-operator:1`,
      "v2s2",
    );
    await umociBuildAndPush(
      work.dir,
      "umoci-operator",
      {
        "manifests/deployment.yaml": manifest("umoci-operator"),
        "manifests/image-references": references("umoci-operator"),
      },
      { "io.openshift.release.operator": "true" },
      `${host}/third/umoci-operator:1`,
    );
    // Tags only: assembly pins them by digest.
    const built = await assembleRelease(
      {
        source: { kind: "images" },
        images: [
          { tag: "cluster-version-operator", pullspec: `${host}/third/cvo:1` },
          { tag: "buildah-operator", pullspec: `${host}/third/buildah-operator:1` },
          { tag: "umoci-operator", pullspec: `${host}/third/umoci-operator:1` },
          { tag: "component-005", pullspec: operand?.pullspec ?? "" },
          { tag: "unused", pullspec: operand?.pullspec ?? "" },
        ],
        name: "4.16.0",
        to: `docker://${host}/okd/release-third`,
      },
      { openStore },
    );
    expect(built.mediaType).toBe("application/vnd.docker.distribution.manifest.v2+json");
    expect(built.report.operators).toEqual(["buildah-operator", "umoci-operator"]);
    expect(built.report.pruned).toEqual(["unused"]);
    const files = await verifyRelease(
      `docker://${host}/okd/release-third:4.16.0`,
      `docker://${host}/third/cvo:1`,
      "4.16.0",
    );
    const umoci = await skopeoInspect(`docker://${host}/third/umoci-operator:1`);
    const rewritten = files.get("0000_50_umoci-operator_deployment.yaml")?.toString() ?? "";
    expect(rewritten).toContain(`image: "${host}/third/umoci-operator@${umoci.Digest}"`);
    expect(rewritten).toContain(`value: '${operand?.pullspec}'`);
    expect(rewritten).toContain("value: 4.16.0}");
    expect(files.has("0000_50_buildah-operator_deployment.yaml")).toBe(true);
  });
});

describeWithTools(RELEASE_TOOLS)("payloadctl assemble and release-info", () => {
  it("assembles from an ImageStream file and shows the release", async () => {
    const file = join(work.dir, "stream.json");
    await writeFile(file, JSON.stringify(ours.imageStream));
    const cli = ["tsx", "src/cli/payloadctl.ts"];
    const out = await run("npx", [
      ...cli,
      "assemble",
      "--from-image-stream-file",
      file,
      "--name",
      "4.15.3",
      "--to",
      `docker://${registry.host}/okd/cli-release`,
      "--previous",
      "4.15.1,4.15.2",
      "--include",
      "component-011",
      "--insecure-registry",
      registry.host,
    ]);
    const [digest, name, created] = out.trim().split(" ");
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(name).toBe("4.15.3");
    expect(created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const info = JSON.parse(
      await run("npx", [
        ...cli,
        "release-info",
        `docker://${registry.host}/okd/cli-release:4.15.3`,
        "-o",
        "json",
        "--insecure-registry",
        registry.host,
      ]),
    );
    expect(info.digest).toBe(digest);
    expect(info.name).toBe("4.15.3");
    expect(info.metadata.previous).toEqual(["4.15.1", "4.15.2"]);
    expect(info.images.map((i: { tag: string }) => i.tag)).toContain("component-011");
    expect(info.problems).toEqual([]);
    await readFile(file);
  });
});
