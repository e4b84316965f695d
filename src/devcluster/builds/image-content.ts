/**
 * Pure: the content of the one layer a simulated build adds (build-info, operator manifests and
 * image-references), its labels and its `created` time, all derived from the build's inputs so
 * the same inputs always give the same image digest.
 */
import { createHash } from "node:crypto";
import { stringify as toYaml } from "yaml";
import type { TarEntry } from "../../oci-image/deterministic-tar.js";
import type { ResolvedComponentProfile } from "./simulation-profile.js";

/** The source and settings of one build, normalized from a Build or a BuildRun. */
export interface BuildSourceInputs {
  /** Component name (the output tag, or the `payload.okd.io/component` label). */
  readonly component: string;
  readonly uri?: string | undefined;
  readonly ref?: string | undefined;
  /** An explicit commit (`spec.revision.git.commit`); otherwise derived from uri and ref. */
  readonly commit?: string | undefined;
  readonly contextDir?: string | undefined;
  readonly dockerfile?: string | undefined;
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  /** Labels asked for by the build (`spec.output.imageLabels`, Shipwright `output.labels`). */
  readonly imageLabels: Readonly<Record<string, string>>;
}

/** What the layer is built from: the source plus the digests of the images used. */
export interface ImageContentInputs extends BuildSourceInputs {
  /** Manifest digest of the base image; none for a build from scratch. */
  readonly baseDigest?: string | undefined;
  /** Manifest digests of the `source.images` inputs, in spec order. */
  readonly inputDigests: readonly string[];
}

/** The layer's files, the labels to set (over the base's, see {@link mergeLabels}) and `created`. */
export interface ImageContent {
  readonly files: readonly TarEntry[];
  readonly labels: Readonly<Record<string, string>>;
  readonly created: string;
}

/** A deterministic 40-hex "commit id" for a source (sha1 of uri and ref), or the explicit one. */
export function commitIdOf(source: Pick<BuildSourceInputs, "uri" | "ref" | "commit">): string {
  if (source.commit !== undefined && source.commit !== "") return source.commit;
  return createHash("sha1")
    .update(`${source.uri ?? ""}#${source.ref ?? ""}`)
    .digest("hex");
}

function sortedRecord(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The JSON written to `/usr/share/okd/<component>/build-info.json` (stable key order). */
export function buildInfoOf(inputs: ImageContentInputs): string {
  const info = {
    component: inputs.component,
    source: {
      uri: inputs.uri ?? "",
      ref: inputs.ref ?? "",
      commit: commitIdOf(inputs),
      contextDir: inputs.contextDir ?? "",
      dockerfile: inputs.dockerfile ?? "",
    },
    buildArgs: sortedRecord(inputs.buildArgs),
    env: sortedRecord(inputs.env),
    baseDigest: inputs.baseDigest ?? "",
    inputDigests: [...inputs.inputDigests],
  };
  return `${JSON.stringify(info, null, 2)}\n`;
}

const CREATED_EPOCH_MS = Date.UTC(2025, 0, 1);
const YEAR_SECONDS = 365 * 24 * 3600;

/** A fixed `created` time within 2025 derived from `seed` (whole seconds, RFC 3339 UTC). */
export function createdTimeOf(seed: string): string {
  const hash = createHash("sha256").update(seed).digest();
  const offset = hash.readUInt32BE(0) % YEAR_SECONDS;
  return new Date(CREATED_EPOCH_MS + offset * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The `manifests/image-references` ImageStream naming `references` by placeholder pullspec. */
export function imageReferencesOf(references: readonly string[], placeholderPrefix: string): string {
  return toYaml({
    kind: "ImageStream",
    apiVersion: "image.openshift.io/v1",
    spec: {
      tags: references.map((tag) => ({
        name: tag,
        from: { kind: "DockerImage", name: `${placeholderPrefix}${tag}` },
      })),
    },
  });
}

const INCLUDE = {
  "include.release.openshift.io/self-managed-high-availability": "true",
  "include.release.openshift.io/single-node-developer": "true",
};

function envName(tag: string): string {
  return `${tag.toUpperCase().replace(/[^A-Z0-9]+/g, "_")}_IMAGE`;
}

/** Generated operator manifests: a namespace, an optional CRD and a deployment using the placeholders. */
export function generatedManifestsOf(
  component: string,
  profile: ResolvedComponentProfile,
): { name: string; content: string }[] {
  const namespace = `openshift-${component}`;
  const placeholder = (tag: string): string => `${profile.placeholderPrefix}${tag}`;
  const manifests = [
    {
      name: "00_namespace.yaml",
      content: toYaml({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: namespace, annotations: INCLUDE },
      }),
    },
  ];
  if (profile.crdKind !== undefined) {
    const plural = `${profile.crdKind.toLowerCase()}s`;
    manifests.push({
      name: `01_${plural}.crd.yaml`,
      content: toYaml({
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: { name: `${plural}.operator.openshift.io`, annotations: INCLUDE },
        spec: {
          group: "operator.openshift.io",
          names: { kind: profile.crdKind, plural, singular: profile.crdKind.toLowerCase() },
          scope: "Cluster",
          versions: [
            {
              name: "v1",
              served: true,
              storage: true,
              schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
            },
          ],
        },
      }),
    });
  }
  const operands = profile.references.filter((tag) => tag !== component);
  manifests.push({
    name: "02_deployment.yaml",
    content: toYaml({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: component, namespace, annotations: INCLUDE },
      spec: {
        selector: { matchLabels: { name: component } },
        template: {
          metadata: { labels: { name: component } },
          spec: {
            containers: [
              {
                name: "operator",
                image: `${placeholder(component)}:latest`,
                env: [
                  { name: "RELEASE_VERSION", value: "0.0.1-snapshot" },
                  ...operands.map((tag) => ({ name: envName(tag), value: placeholder(tag) })),
                ],
              },
            ],
          },
        },
      },
    }),
  });
  return manifests;
}

/** Removes the labels a build always sets itself, so none leak from the base image. */
function baseLabelsKept(base: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(base).filter(
      ([k]) => !k.startsWith("io.openshift.build.") && k !== "io.openshift.release.operator",
    ),
  );
}

/** The full label set of the built image: the base's (minus build labels) then this build's. */
export function mergeLabels(
  base: Readonly<Record<string, string>>,
  own: Readonly<Record<string, string>>,
): Record<string, string> {
  return sortedRecord({ ...baseLabelsKept(base), ...own });
}

/** The layer, labels and created time of one build. Pure and deterministic. */
export function imageContentOf(inputs: ImageContentInputs, profile: ResolvedComponentProfile): ImageContent {
  const buildInfo = buildInfoOf(inputs);
  const created = createdTimeOf(buildInfo);
  const mtime = new Date(created);
  const files: TarEntry[] = [
    { type: "file", path: `usr/share/okd/${inputs.component}/build-info.json`, content: buildInfo, mtime },
  ];
  for (const [path, content] of Object.entries(profile.files ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)))
    files.push({ type: "file", path: path.replace(/^\/+/, ""), content, mtime });
  if (profile.operator) {
    const manifests = profile.manifests ?? generatedManifestsOf(inputs.component, profile);
    for (const m of manifests)
      files.push({ type: "file", path: `manifests/${m.name}`, content: m.content, mtime });
    files.push({
      type: "file",
      path: "manifests/image-references",
      content: imageReferencesOf(profile.references, profile.placeholderPrefix),
      mtime,
    });
  }
  const labels: Record<string, string> = {
    "io.k8s.display-name": inputs.component,
    "io.openshift.build.commit.id": commitIdOf(inputs),
    "io.openshift.build.source-location": inputs.uri ?? "",
    ...(inputs.ref === undefined ? {} : { "io.openshift.build.commit.ref": inputs.ref }),
    ...(inputs.contextDir === undefined
      ? {}
      : { "io.openshift.build.source-context-dir": inputs.contextDir }),
    ...(profile.operator ? { "io.openshift.release.operator": "true" } : {}),
    ...(profile.versions === undefined ? {} : { "io.openshift.build.versions": profile.versions }),
    ...(profile.labels ?? {}),
    ...inputs.imageLabels,
  };
  return { files, labels, created };
}
