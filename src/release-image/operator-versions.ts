/**
 * The component versions one operator's manifests may use: gathered from the `io.openshift.build.versions`
 * annotations of the payload tags its image-references names, with `oc adm release new`'s rules.
 */
import {
  BUILD_VERSION_DISPLAY_NAMES_LABEL,
  BUILD_VERSIONS_LABEL,
  parseBuildVersions,
  type ComponentVersion,
} from "./build-versions.js";
import { ReleaseAssemblyError } from "./release-assembly-error.js";

/** A payload tag with its annotations (as written to image-references). */
export interface AnnotatedTag {
  readonly name: string;
  readonly annotations: Readonly<Record<string, string>> | null;
}

/** Versions usable by one operator, which tags declared each key, and warnings. */
export interface OperatorVersions {
  readonly versions: Map<string, ComponentVersion>;
  readonly tagsByKey: Map<string, string[]>;
  readonly warnings: string[];
}

/**
 * Gathers versions from the tags in `referencedTags` (in `tags` order). `kubectl` counts only from the
 * `cli` and `cli-artifacts` tags (more than two different kubectl versions overall is a warning); two
 * tags giving different values for one key is an error, except for `machine-os`; `defaults` (the
 * stream's own versions) fill keys no tag gave.
 */
export function collectOperatorVersions(
  operator: string,
  tags: readonly AnnotatedTag[],
  referencedTags: ReadonlySet<string>,
  defaults: ReadonlyMap<string, ComponentVersion> = new Map(),
): OperatorVersions {
  const versions = new Map<string, ComponentVersion>();
  const tagsByKey = new Map<string, string[]>();
  const kubectlVersions = new Set<string>();
  const warnings: string[] = [];
  for (const tag of tags) {
    if (!referencedTags.has(tag.name)) continue;
    const label = tag.annotations?.[BUILD_VERSIONS_LABEL];
    if (label === undefined) continue;
    const items = parseBuildVersions(
      label,
      tag.annotations?.[BUILD_VERSION_DISPLAY_NAMES_LABEL],
      `image "${tag.name}"`,
    );
    for (const [key, value] of items) {
      if (key === "kubectl") {
        kubectlVersions.add(value.version);
        if (tag.name !== "cli" && tag.name !== "cli-artifacts") continue;
      }
      const existing = versions.get(key);
      if (existing === undefined) versions.set(key, value);
      else if (existing.version !== value.version && key !== "machine-os") {
        throw new ReleaseAssemblyError(
          `operator "${operator}": the images it references declare different versions of "${key}": "${tag.name}" has ${value.version} but ${(tagsByKey.get(key) ?? []).join(", ")} has ${existing.version}`,
        );
      }
      tagsByKey.set(key, [...(tagsByKey.get(key) ?? []), tag.name]);
    }
  }
  if (kubectlVersions.size > 2) {
    warnings.push(
      `operator "${operator}": the referenced images declare more than two kubectl versions: ${[...kubectlVersions].sort().join(", ")}`,
    );
  }
  for (const [key, value] of defaults) if (!versions.has(key)) versions.set(key, value);
  return { versions, tagsByKey, warnings };
}
