/**
 * The pure heart of release assembly: from the input components and what was read from their images
 * (labels, and the operators' top-layer `manifests/`), decide the payload exactly as
 * `oc adm release new` does: operators, pruning, image-references, release-metadata, rewritten and
 * renamed manifests, and the ordered entries of the `release-manifests/` layer.
 */
import type { TarEntry } from "../oci-image/deterministic-tar.js";
import {
  BUILD_VERSION_DISPLAY_NAMES_LABEL,
  BUILD_VERSIONS_LABEL,
  parseBuildVersions,
} from "./build-versions.js";
import { checkOperatorManifest } from "./check-manifest.js";
import type { ReleaseComponentInput } from "./component-sources.js";
import { operatorImageReferences, parseImageStream } from "./image-stream.js";
import { nameReleaseManifests, type ManifestName } from "./name-release-manifests.js";
import { collectOperatorVersions } from "./operator-versions.js";
import { ReleaseAssemblyError } from "./release-assembly-error.js";
import { writeImageReferences, writeReleaseMetadata, type ReleaseTag } from "./release-documents.js";
import { isSemver } from "./semver.js";
import { createImageRewrite, createVersionRewrite, imageTargetsForOperator } from "./rewrite-manifest.js";

/** Label marking an image as an operator whose `manifests/` go into the payload. */
export const OPERATOR_LABEL = "io.openshift.release.operator";
/** Image labels copied into each image-references tag's annotations (empty string when missing). */
export const COMMIT_LABELS: readonly string[] = [
  "io.openshift.build.commit.id",
  "io.openshift.build.commit.ref",
  "io.openshift.build.source-location",
];
/** Directory of the payload layer. */
export const RELEASE_MANIFESTS_DIR = "release-manifests";

/** One direct child of an operator image's `manifests/` directory, from its top layer. */
export interface OperatorManifestFile {
  readonly name: string;
  readonly type: "file" | "directory";
  readonly content: Buffer;
  readonly mtime: Date;
}

/** What was read from one component image. */
export interface InspectedComponent {
  readonly labels: Readonly<Record<string, string>>;
  /** Direct children of `manifests/` in the top layer; read only for operators. */
  readonly manifests?: readonly OperatorManifestFile[];
}

/** Everything the plan is decided from. */
export interface ReleasePayloadInput {
  /** Release name, a semver: release-metadata version and image-references name. */
  readonly name: string;
  /** Creation time written to image-references (whole seconds). */
  readonly created: Date;
  readonly previous?: readonly string[];
  readonly next?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Tags kept even when no operator references them. */
  readonly include?: readonly string[];
  /** The base (CVO) tag; always kept; must be in `components`. */
  readonly baseTag: string;
  readonly components: readonly ReleaseComponentInput[];
  /** What was read from each component, by tag. Components missing here get no commit annotations. */
  readonly inspected: ReadonlyMap<string, InspectedComponent>;
  /** Annotations for image-references metadata (e.g. `release.openshift.io/from-release`). */
  readonly streamAnnotations?: Readonly<Record<string, string>>;
}

/** What a user sees about an assembly. */
export interface ReleaseReport {
  readonly name: string;
  /** Tags whose image has the operator label, sorted. */
  readonly operators: readonly string[];
  /** Tags in the payload (image-references), sorted. */
  readonly images: readonly string[];
  /** Input tags left out because no operator references them and they were not included. */
  readonly pruned: readonly string[];
  /** Every manifest written, with its operator, original and payload file names. */
  readonly manifests: readonly ManifestName[];
  /** Manifests that got a `_N` suffix because an earlier one had the name. */
  readonly renames: readonly ManifestName[];
  readonly warnings: readonly string[];
}

/** The decided payload. */
export interface ReleasePayloadPlan {
  readonly imageReferences: string;
  readonly releaseMetadata: string;
  /** The layer's entries in `oc`'s order: directory, image-references, release-metadata, manifests. */
  readonly entries: readonly TarEntry[];
  readonly report: ReleaseReport;
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function tagAnnotations(
  component: ReleaseComponentInput,
  inspected: InspectedComponent | undefined,
): Record<string, string> | null {
  const annotations: Record<string, string> = component.override
    ? { "io.openshift.release.override": "true" }
    : { ...(component.annotations ?? {}) };
  if (inspected === undefined) return Object.keys(annotations).length === 0 ? null : annotations;
  for (const label of COMMIT_LABELS) annotations[label] = inspected.labels[label] ?? "";
  const versions = inspected.labels[BUILD_VERSIONS_LABEL];
  if (versions !== undefined) {
    annotations[BUILD_VERSIONS_LABEL] = versions;
    // oc writes the display names whenever it writes the versions, empty when the label is missing.
    annotations[BUILD_VERSION_DISPLAY_NAMES_LABEL] =
      inspected.labels[BUILD_VERSION_DISPLAY_NAMES_LABEL] ?? "";
  }
  return annotations;
}

/** Decides the payload. Pure; throws {@link ReleaseAssemblyError} with a message naming what to fix. */
export function planReleasePayload(input: ReleasePayloadInput): ReleasePayloadPlan {
  const warnings: string[] = [];
  if (!isSemver(input.name)) {
    throw new ReleaseAssemblyError(
      `release name "${input.name}" must be a semantic version (for example 4.15.0-0.okd-2024-01-02-030405)`,
    );
  }
  if (input.components.length === 0) throw new ReleaseAssemblyError("no component images defined");
  const components = new Map<string, ReleaseComponentInput>();
  for (const component of input.components) {
    if (components.has(component.tag))
      throw new ReleaseAssemblyError(`the input names tag "${component.tag}" more than once`);
    components.set(component.tag, component);
  }
  if (!components.has(input.baseTag)) {
    throw new ReleaseAssemblyError(
      `base image tag "${input.baseTag}" could not be found in the input (give it, or choose another base component)`,
    );
  }
  // Validate every image's versions label up front: an unknown key fails the whole build.
  for (const component of input.components) {
    const labels = input.inspected.get(component.tag)?.labels ?? {};
    parseBuildVersions(
      labels[BUILD_VERSIONS_LABEL],
      labels[BUILD_VERSION_DISPLAY_NAMES_LABEL],
      `image "${component.tag}" (${component.pullspec})`,
    );
  }
  const operators = [...input.inspected.entries()]
    .filter(([tag, inspected]) => components.has(tag) && (inspected.labels[OPERATOR_LABEL] ?? "") !== "")
    .map(([tag]) => tag)
    .sort();
  if (operators.length === 0)
    warnings.push(
      "No operator metadata was found: the payload has only image-references and release-metadata",
    );

  // Operator image-references: which tags they name, and their placeholders.
  const operatorRefs = new Map<string, ReturnType<typeof operatorImageReferences>>();
  for (const operator of operators) {
    const file = input.inspected
      .get(operator)
      ?.manifests?.find((f) => f.type === "file" && f.name === "image-references");
    if (file === undefined) continue;
    const stream = parseImageStream(
      file.content.toString("utf8"),
      `operator "${operator}": manifests/image-references`,
    );
    operatorRefs.set(operator, operatorImageReferences(stream, operator));
  }
  const keep = new Set<string>([...operators, ...(input.include ?? []), input.baseTag]);
  for (const refs of operatorRefs.values()) for (const tag of refs.tagNames) keep.add(tag);
  const tags: ReleaseTag[] = [];
  const pruned: string[] = [];
  for (const component of [...components.values()].sort((a, b) => byName({ name: a.tag }, { name: b.tag }))) {
    if (!keep.has(component.tag)) {
      pruned.push(component.tag);
      continue;
    }
    tags.push({
      name: component.tag,
      pullspec: component.pullspec,
      annotations: tagAnnotations(component, input.inspected.get(component.tag)),
    });
  }
  const pullspecsByTag = new Map(tags.map((tag) => [tag.name, tag.pullspec]));

  // Manifests, operator by operator in tag order, files by name.
  let newest = 0;
  const perOperator: { operator: string; files: { name: string; content: Buffer; mtime: Date }[] }[] = [];
  for (const operator of operators) {
    const children = input.inspected.get(operator)?.manifests ?? [];
    for (const child of children) if (child.type === "file") newest = Math.max(newest, child.mtime.getTime());
    if (children.length === 0) continue;
    const files = children
      .filter((child) => child.type === "file" && child.name !== "image-references")
      .sort(byName);
    perOperator.push({ operator, files });
  }
  const names = nameReleaseManifests(
    perOperator.map(({ operator, files }) => ({ operator, files: files.map((f) => f.name) })),
  );
  const manifestEntries: TarEntry[] = [];
  let index = 0;
  for (const { operator, files } of perOperator) {
    const refs = operatorRefs.get(operator);
    const imageRewrite = createImageRewrite(
      imageTargetsForOperator(operator, refs?.references ?? [], pullspecsByTag),
    );
    const versions = collectOperatorVersions(
      operator,
      tags,
      new Set((refs?.references ?? []).map((r) => r.tag)),
    );
    warnings.push(...versions.warnings);
    const versionRewrite = createVersionRewrite(input.name, versions.versions, versions.tagsByKey);
    for (const file of files) {
      const name = names[index];
      index += 1;
      if (name === undefined) throw new Error("internal error: manifest names out of step");
      const problem = checkOperatorManifest(file.name, file.content);
      if (problem !== undefined) {
        throw new ReleaseAssemblyError(
          `operator "${operator}": manifest "manifests/${file.name}" failed the manifest check: ${problem}`,
        );
      }
      let content: Buffer;
      try {
        content = versionRewrite(imageRewrite(file.content));
      } catch (error) {
        if (error instanceof ReleaseAssemblyError) {
          throw new ReleaseAssemblyError(
            `operator "${operator}": manifest "manifests/${file.name}": ${error.message}`,
          );
        }
        throw error;
      }
      manifestEntries.push({
        type: "file",
        path: `${RELEASE_MANIFESTS_DIR}/${name.name}`,
        content,
        mode: 0o444,
        mtime: file.mtime,
      });
    }
  }

  const mtime = new Date(Math.floor(newest / 1000) * 1000);
  const imageReferences = writeImageReferences({
    name: input.name,
    created: input.created,
    ...(input.streamAnnotations === undefined ? {} : { annotations: input.streamAnnotations }),
    tags,
  });
  const releaseMetadata = writeReleaseMetadata({
    version: input.name,
    ...(input.previous === undefined ? {} : { previous: input.previous }),
    ...(input.next === undefined ? {} : { next: input.next }),
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  });
  const entries: TarEntry[] = [
    { type: "directory", path: RELEASE_MANIFESTS_DIR, mode: 0o777, mtime },
    {
      type: "file",
      path: `${RELEASE_MANIFESTS_DIR}/image-references`,
      content: imageReferences,
      mode: 0o444,
      mtime,
    },
    {
      type: "file",
      path: `${RELEASE_MANIFESTS_DIR}/release-metadata`,
      content: releaseMetadata,
      mode: 0o444,
      mtime,
    },
    ...manifestEntries,
  ];
  return {
    imageReferences,
    releaseMetadata,
    entries,
    report: {
      name: input.name,
      operators,
      images: tags.map((tag) => tag.name),
      pruned,
      manifests: names,
      renames: names.filter((name) => name.collided),
      warnings,
    },
  };
}
