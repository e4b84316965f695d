/**
 * The two documents at the top of `release-manifests/`: `image-references` (an ImageStream listing every
 * payload image) and `release-metadata` (Cincinnati metadata), written the way `oc` writes them and
 * read back with the CVO's rules.
 */
import { z } from "zod";
import { goJson, goMap } from "./go-json.js";
import { ReleaseAssemblyError } from "./release-assembly-error.js";
import { isSemver } from "./semver.js";

/** One payload image as written to image-references. */
export interface ReleaseTag {
  readonly name: string;
  /** `null` is written as `null`, as Go writes a nil map. */
  readonly annotations: Readonly<Record<string, string>> | null;
  /** `repo@sha256:...` */
  readonly pullspec: string;
  readonly generation?: number | null;
  readonly importPolicy?: Readonly<Record<string, unknown>>;
  readonly referencePolicy?: Readonly<Record<string, unknown>>;
}

/**
 * The image-references JSON: kind, apiVersion, metadata (name, creationTimestamp, annotations when
 * any), spec.lookupPolicy, spec.tags sorted by name, status. Keys in Go struct order, 2-space indent.
 */
export function writeImageReferences(input: {
  readonly name: string;
  readonly created: Date;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly tags: readonly ReleaseTag[];
}): string {
  const annotations = input.annotations ?? {};
  const tags = [...input.tags].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return goJson({
    kind: "ImageStream",
    apiVersion: "image.openshift.io/v1",
    metadata: {
      name: input.name,
      creationTimestamp: rfc3339Seconds(input.created),
      ...(Object.keys(annotations).length === 0 ? {} : { annotations: goMap(annotations) }),
    },
    spec: {
      lookupPolicy: { local: false },
      tags: tags.map((tag) => ({
        name: tag.name,
        annotations: tag.annotations === null ? null : goMap(tag.annotations),
        from: { kind: "DockerImage", name: tag.pullspec },
        generation: tag.generation ?? null,
        importPolicy: tag.importPolicy ?? {},
        referencePolicy: tag.referencePolicy ?? { type: "" },
      })),
    },
    status: { dockerImageRepository: "" },
  });
}

/** `date` in RFC 3339 UTC with whole seconds: `2024-01-02T03:04:05Z`. */
export function rfc3339Seconds(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** Cincinnati metadata kind, the only one the CVO accepts. */
export const CINCINNATI_METADATA_KIND = "cincinnati-metadata-v0";

/** release-metadata as read: the CVO's rules (kind, semver version) enforced by the schema. */
export const releaseMetadataSchema = z.looseObject({
  kind: z.literal(CINCINNATI_METADATA_KIND, { error: `kind must be "${CINCINNATI_METADATA_KIND}"` }),
  version: z.string().refine(isSemver, { error: "version must be a semantic version" }),
  previous: z.array(z.string()).nullish(),
  next: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** A parsed release-metadata document. */
export type ReleaseMetadata = z.infer<typeof releaseMetadataSchema>;

/**
 * The release-metadata JSON: kind, version, previous (always, sorted as strings), next (when any,
 * sorted), metadata (when any, keys sorted). Throws naming the entry when a version is not semver.
 */
export function writeReleaseMetadata(input: {
  readonly version: string;
  readonly previous?: readonly string[];
  readonly next?: readonly string[];
  readonly metadata?: Readonly<Record<string, unknown>>;
}): string {
  if (!isSemver(input.version)) {
    throw new ReleaseAssemblyError(
      `release name "${input.version}" must be a semantic version (for example 4.15.0-0.okd-2024-01-02-030405)`,
    );
  }
  for (const [field, list] of [
    ["previous", input.previous ?? []],
    ["next", input.next ?? []],
  ] as const) {
    for (const version of list) {
      if (!isSemver(version))
        throw new ReleaseAssemblyError(`${field} version "${version}" must be a semantic version`);
    }
  }
  const next = [...new Set(input.next ?? [])].sort();
  const metadata = input.metadata ?? {};
  return goJson({
    kind: CINCINNATI_METADATA_KIND,
    version: input.version,
    previous: [...new Set(input.previous ?? [])].sort(),
    ...(next.length === 0 ? {} : { next }),
    ...(Object.keys(metadata).length === 0 ? {} : { metadata: goMap(metadata) }),
  });
}

/** Parses release-metadata with the CVO's rules; throws saying which rule failed. */
export function parseReleaseMetadata(text: string): ReleaseMetadata {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReleaseAssemblyError(`release-metadata is not valid JSON: ${(error as Error).message}`);
  }
  const result = releaseMetadataSchema.safeParse(json);
  if (!result.success) {
    throw new ReleaseAssemblyError(
      `release-metadata is invalid: ${result.error.issues.map((i) => `${i.path.join(".") || "(document)"}: ${i.message}`).join("; ")}`,
    );
  }
  return result.data;
}
