/**
 * Synthetic payloads for tests, benchmarks and demos: a CVO image, operator images (label
 * `io.openshift.release.operator`, `manifests/` with placeholders and image-references in the top layer)
 * and plain component images, all real images written to one repository.
 */
import { createHash } from "node:crypto";
import { buildSyntheticImage } from "../oci-image/build-synthetic-image.js";
import { createImageIndex, descriptorOf } from "../oci-image/create-manifest.js";
import type { TarEntry } from "../oci-image/deterministic-tar.js";
import type { ImageFormat } from "../oci-image/image-format.js";
import type { ImageStore, Platform } from "../registry/image-store.js";
import type { ReleaseComponentInput } from "./component-sources.js";

/** Shape of the payload to write. */
export interface SyntheticPayloadOptions {
  /** Repository the component images are written to (tagged by component name). */
  readonly store: ImageStore;
  /** Pullspec of that repository (`host:port/okd/content`), used in the returned pullspecs. */
  readonly repository: string;
  /** Components in total, the CVO included (default 10). */
  readonly components?: number;
  /** How many of them are operators (default 3). */
  readonly operators?: number;
  /** Manifests per operator, image-references not counted (default 2). */
  readonly manifestsPerOperator?: number;
  readonly format?: ImageFormat;
  /** Size of the shared, incompressible base layer every image starts from (default 4 KiB). */
  readonly baseLayerBytes?: number;
  /** More than one platform makes every component an index with one image per platform. */
  readonly platforms?: readonly Platform[];
}

/** The components written, by tag, pinned by digest. */
export interface SyntheticPayload {
  readonly components: readonly ReleaseComponentInput[];
  /** An `image.openshift.io/v1` ImageStream whose status lists every component (for `--from-image-stream-file`). */
  readonly imageStream: Record<string, unknown>;
}

function pseudoRandomBytes(size: number, seed: string): Buffer {
  const chunks: Buffer[] = [];
  let block = createHash("sha256").update(seed).digest();
  for (let length = 0; length < size; length += block.length) {
    chunks.push(block);
    block = createHash("sha256").update(block).digest();
  }
  return Buffer.concat(chunks).subarray(0, size);
}

/** Tag name of the i-th component: `cluster-version-operator`, then `operator-NN`, then `component-NNN`. */
export function syntheticTag(index: number, operators: number): string {
  if (index === 0) return "cluster-version-operator";
  if (index <= operators) return `operator-${String(index).padStart(2, "0")}`;
  return `component-${String(index).padStart(3, "0")}`;
}

function operatorFiles(tag: string, operand: string, manifests: number): TarEntry[] {
  const mtime = new Date("2024-01-02T03:04:05Z");
  const files: TarEntry[] = [
    {
      type: "file",
      path: "manifests/image-references",
      mtime,
      content: [
        "kind: ImageStream",
        "apiVersion: image.openshift.io/v1",
        "spec:",
        "  tags:",
        `  - name: ${tag}`,
        `    from: {kind: DockerImage, name: "quay.io/openshift/origin-${tag}"}`,
        `  - name: ${operand}`,
        `    from: {kind: DockerImage, name: "quay.io/openshift/origin-${operand}"}`,
        "",
      ].join("\n"),
    },
  ];
  for (let i = 0; i < manifests; i += 1) {
    const name = i === 0 ? "00_namespace.yaml" : `${String(i).padStart(2, "0")}_deployment.yaml`;
    files.push({
      type: "file",
      path: `manifests/${name}`,
      mtime,
      content: [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        `  name: ${tag}-${i}`,
        `  namespace: openshift-${tag}`,
        "  annotations:",
        '    include.release.openshift.io/self-managed-high-availability: "true"',
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        `      - image: quay.io/openshift/origin-${tag}:latest`,
        "        env:",
        "        - name: OPERAND_IMAGE",
        `          value: quay.io/openshift/origin-${operand}`,
        "        - name: RELEASE_VERSION",
        '          value: "0.0.1-snapshot"',
        "",
      ].join("\n"),
    });
  }
  return files;
}

/** Writes the payload's images and returns its components. Deterministic: same options, same digests. */
export async function writeSyntheticPayload(options: SyntheticPayloadOptions): Promise<SyntheticPayload> {
  const total = options.components ?? 10;
  const operators = Math.min(options.operators ?? 3, total - 1);
  const format = options.format ?? "oci";
  const platforms = options.platforms ?? [{ os: "linux", architecture: "amd64" }];
  const baseBytes = pseudoRandomBytes(options.baseLayerBytes ?? 4096, "synthetic-base");
  const bases = new Map<string, string>();
  for (const platform of platforms) {
    const base = await buildSyntheticImage({
      destination: options.store,
      format,
      platform,
      files: [
        { type: "file", path: "usr/lib/base.bin", content: baseBytes },
        { type: "file", path: "etc/os-release", content: `ID=synthetic\nARCH=${platform.architecture}\n` },
      ],
    });
    bases.set(platform.architecture, base.digest);
  }
  const components: ReleaseComponentInput[] = [];
  for (let index = 0; index < total; index += 1) {
    const tag = syntheticTag(index, operators);
    const isOperator = index > 0 && index <= operators;
    const operand = syntheticTag(
      operators + 1 + ((index - 1) % Math.max(1, total - operators - 1)),
      operators,
    );
    const labels: Record<string, string> = {
      "io.openshift.build.commit.id": createHash("sha1").update(tag).digest("hex"),
      "io.openshift.build.source-location": `https://github.com/openshift/${tag}`,
      ...(isOperator ? { "io.openshift.release.operator": "true" } : {}),
      ...(tag === "component-" + String(operators + 1).padStart(3, "0")
        ? { "io.openshift.build.versions": "kubernetes=1.28.3" }
        : {}),
    };
    const files: TarEntry[] =
      isOperator && total > operators + 1
        ? operatorFiles(tag, operand, options.manifestsPerOperator ?? 2)
        : index === 0
          ? [
              {
                type: "file",
                path: "manifests/0000_00_cluster-version-operator_01_namespace.yaml",
                content:
                  'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: openshift-cluster-version\n  annotations:\n    include.release.openshift.io/self-managed-high-availability: "true"\n',
              },
              {
                type: "file",
                path: "usr/bin/cluster-version-operator",
                content: pseudoRandomBytes(2048, "cvo"),
                mode: 0o755,
              },
            ]
          : [{ type: "file", path: `usr/bin/${tag}`, content: `#!/bin/sh\necho ${tag}\n`, mode: 0o755 }];
    const children = [];
    for (const platform of platforms) {
      const image = await buildSyntheticImage({
        destination: options.store,
        ...(platforms.length === 1 ? { tag } : {}),
        base: { store: options.store, digest: bases.get(platform.architecture) ?? "" },
        files,
        labels,
      });
      children.push({ image, platform });
    }
    let digest = children[0]?.image.digest ?? "";
    if (platforms.length > 1) {
      const index = createImageIndex(
        format,
        children.map(({ image, platform }) =>
          descriptorOf(image.manifest.mediaType, image.manifest, platform),
        ),
      );
      await options.store.putManifest(index.digest, index.bytes, index.mediaType);
      await options.store.putManifest(tag, index.bytes, index.mediaType);
      digest = index.digest;
    }
    components.push({ tag, pullspec: `${options.repository}@${digest}` });
  }
  const imageStream = imageStreamFileOf("synthetic", components);
  return { components, imageStream };
}

/**
 * An ImageStream document as `oc adm release new --from-image-stream-file` reads it: status tags
 * naming each component by its `pullspec@digest` (one item, generation 1, `created` when given).
 */
export function imageStreamFileOf(
  name: string,
  components: readonly { readonly tag: string; readonly pullspec: string }[],
  created?: string,
) {
  return {
    kind: "ImageStream",
    apiVersion: "image.openshift.io/v1",
    metadata: { name, namespace: "okd" },
    spec: { tags: [] },
    status: {
      dockerImageRepository: "",
      tags: components.map((c) => ({
        tag: c.tag,
        items: [
          {
            dockerImageReference: c.pullspec,
            image: c.pullspec.slice(c.pullspec.indexOf("@") + 1),
            generation: 1,
            ...(created === undefined ? {} : { created }),
          },
        ],
      })),
    },
  };
}
