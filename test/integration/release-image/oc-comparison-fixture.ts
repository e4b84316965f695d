/**
 * The input images of the same-run comparison with `oc adm release new`, written to a registry: a CVO
 * with its own `manifests/`, two operators (placeholders, `0.0.1-snapshot` and
 * `0.0.1-snapshot-kubernetes`, a `0000_`-named file, a multi-document file, a non-YAML file, a
 * subdirectory, and one file name both ship: a collision), operands with commit and versions labels,
 * a manifest-list operand (linux/amd64 + linux/arm64) and a tool image no operator references.
 */
import { buildSyntheticImage } from "../../../src/oci-image/build-synthetic-image.js";
import { createImageIndex, descriptorOf } from "../../../src/oci-image/create-manifest.js";
import type { TarEntry } from "../../../src/oci-image/deterministic-tar.js";
import type { ImageStore, Platform } from "../../../src/registry/image-store.js";
import type { ImageStream } from "../../../src/release-image/image-stream.js";

const MTIME = new Date("2026-11-20T10:11:12Z");
const INCLUDE = '    include.release.openshift.io/self-managed-high-availability: "true"';

const file = (path: string, content: string, mtime = MTIME): TarEntry => ({
  type: "file",
  path,
  content: Buffer.from(content),
  mtime,
});

const placeholder = (tag: string) => `quay.io/openshift/origin-${tag}`;

function imageReferences(tags: readonly string[]): string {
  return [
    "kind: ImageStream",
    "apiVersion: image.openshift.io/v1",
    "spec:",
    "  tags:",
    ...tags.flatMap((tag) => [
      `  - name: ${tag}`,
      `    from: {kind: DockerImage, name: "${placeholder(tag)}"}`,
    ]),
    "",
  ].join("\n");
}

function deployment(tag: string, operands: readonly string[]): string {
  return [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    `  name: ${tag}`,
    `  namespace: openshift-${tag}`,
    "  annotations:",
    INCLUDE,
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    `      - image: ${placeholder(tag)}:latest`,
    "        env:",
    ...operands.map((operand, i) => `        - {name: OPERAND_${i}, value: "${placeholder(operand)}"}`),
    "        - name: RELEASE_VERSION",
    "          value: 0.0.1-snapshot",
    ...(operands.includes("operand-x")
      ? ["        - name: KUBE_VERSION", "          value: '0.0.1-snapshot-kubernetes'"]
      : []),
    "",
  ].join("\n");
}

function configMap(name: string, namespace: string): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n  annotations:\n${INCLUDE}\ndata:\n  owner: ${name}\n`;
}

/** The fixture written: the input ImageStream (spec tags pinned by digest) and every pullspec by tag. */
export interface OcComparisonFixture {
  readonly imageStream: ImageStream;
  readonly pullspecs: Readonly<Record<string, string>>;
}

/** Writes the fixture's images to `store` (repository `repository`, `host/path`). */
export async function writeOcComparisonFixture(
  store: ImageStore,
  repository: string,
): Promise<OcComparisonFixture> {
  const pullspecs: Record<string, string> = {};
  const labelsFor = (tag: string, extra: Record<string, string> = {}) => ({
    "io.openshift.build.commit.id": `${tag.length.toString(16).padStart(2, "0")}${"c0ffee".repeat(6)}${tag.length}`,
    "io.openshift.build.source-location": `https://github.com/openshift/${tag}`,
    ...extra,
  });
  const write = async (tag: string, files: TarEntry[], labels: Record<string, string>) => {
    const image = await buildSyntheticImage({ destination: store, tag, files, labels });
    pullspecs[tag] = `${repository}@${image.digest}`;
  };

  await write(
    "cluster-version-operator",
    [
      file("usr/bin/cluster-version-operator", "#!/bin/sh\n"),
      file(
        "manifests/0000_00_cluster-version-operator_00_namespace.yaml",
        `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: openshift-cluster-version\n  annotations:\n${INCLUDE}\n`,
      ),
    ],
    labelsFor("cluster-version-operator", { "io.openshift.build.commit.ref": "release-4.17" }),
  );
  await write(
    "operand-x",
    [file("usr/bin/operand-x", "x\n")],
    labelsFor("operand-x", {
      "io.openshift.build.versions": "kubernetes=1.30.5",
      "io.openshift.build.version-display-names": "kubernetes=Kubernetes (test)",
    }),
  );
  await write(
    "cli",
    [file("usr/bin/oc", "oc\n")],
    labelsFor("cli", { "io.openshift.build.versions": "kubectl=1.30.5" }),
  );
  await write("must-gather-tool", [file("usr/bin/must-gather", "mg\n")], labelsFor("must-gather-tool"));

  // A manifest list: one image per platform, labels read by oc from linux/amd64.
  const platforms: Platform[] = [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64" },
  ];
  const children = [];
  for (const platform of platforms) {
    const image = await buildSyntheticImage({
      destination: store,
      platform,
      files: [file("usr/bin/multi-operand", platform.architecture)],
      labels: labelsFor("multi-operand"),
    });
    children.push(descriptorOf(image.manifest.mediaType, image.manifest, platform));
  }
  const index = createImageIndex("oci", children);
  await store.putManifest(index.digest, index.bytes, index.mediaType);
  await store.putManifest("multi-operand", index.bytes, index.mediaType);
  pullspecs["multi-operand"] = `${repository}@${index.digest}`;

  const operator = { "io.openshift.release.operator": "true" };
  await write(
    "operator-a",
    [
      file(
        "manifests/image-references",
        imageReferences(["operator-a", "operand-x", "multi-operand", "cli"]),
      ),
      file(
        "manifests/0000_30_operator-a_00_namespace.yaml",
        `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: openshift-operator-a\n  annotations:\n${INCLUDE}\n`,
      ),
      file("manifests/deployment.yaml", deployment("operator-a", ["operand-x", "multi-operand", "cli"])),
      file("manifests/0000_90_shared_config.yaml", configMap("shared-a", "openshift-operator-a")),
      file("manifests/NOTES.txt", "not a manifest: copied as it is\n", new Date("2026-11-21T00:00:00Z")),
      file("manifests/nested/ignored.yaml", configMap("nested", "openshift-operator-a")),
    ],
    labelsFor("operator-a", operator),
  );
  await write(
    "operator-b",
    [
      file("manifests/image-references", imageReferences(["operator-b", "multi-operand"])),
      file("manifests/deployment.yaml", deployment("operator-b", ["multi-operand"])),
      file("manifests/0000_90_shared_config.yaml", configMap("shared-b", "openshift-operator-b")),
      file(
        "manifests/rbac.yaml",
        `${configMap("rbac-one", "openshift-operator-b")}---\n${configMap("rbac-two", "openshift-operator-b")}`,
      ),
    ],
    labelsFor("operator-b", operator),
  );

  const tags = Object.keys(pullspecs).sort();
  return {
    pullspecs,
    imageStream: {
      kind: "ImageStream",
      apiVersion: "image.openshift.io/v1",
      metadata: { name: "okd-input", namespace: "okd" },
      spec: {
        tags: tags.map((tag) => ({
          name: tag,
          from: { kind: "DockerImage", name: pullspecs[tag] ?? "" },
        })),
      },
      status: { dockerImageRepository: "" },
    },
  };
}
