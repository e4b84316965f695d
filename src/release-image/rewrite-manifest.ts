/**
 * The two text rewrites `oc adm release new` applies to every operator manifest: placeholder pullspecs
 * become the payload's pinned pullspecs, then `0.0.1-snapshot[-key]` becomes the release or component
 * version. Both work on bytes (latin1 strings), so non-UTF-8 content passes through unchanged.
 */
import type { ComponentVersion } from "./build-versions.js";
import { ReleaseAssemblyError } from "./release-assembly-error.js";
import { isSemver, withoutBuildMetadata } from "./semver.js";

/** A text transform of one manifest; throws {@link ReleaseAssemblyError} when the manifest cannot be rewritten. */
export type ManifestRewrite = (content: Buffer) => Buffer;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
}

/**
 * Replaces each placeholder repository (with an optional `:tag` or `@algo:hex` after it) by its target
 * pullspec. A placeholder matches only after a non-word character or the start of the text, and only
 * before whitespace, `"`, `'` or the end of the text, so a longer repository name never matches.
 * Throws when two tags use the same placeholder or a placeholder is empty.
 */
export function createImageRewrite(targetsByPlaceholder: ReadonlyMap<string, string>): ManifestRewrite {
  const placeholders = [...targetsByPlaceholder.keys()];
  if (placeholders.some((p) => p === ""))
    throw new ReleaseAssemblyError("an empty placeholder repository is not allowed");
  if (placeholders.length === 0) return (content) => content;
  // Longest first, so the alternation order never depends on map order.
  const alternatives = [...placeholders]
    .sort((a, b) => b.length - a.length || (a < b ? -1 : 1))
    .map(escapeRegExp);
  const pattern = new RegExp(
    `([\\W]|^)(${alternatives.join("|")})(:[\\w][\\w.-]{0,127}|@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{2,})?([\\t\\n\\f\\r "']|$)`,
    "g",
  );
  return (content) => {
    const text = content.toString("latin1");
    const out = text.replace(
      pattern,
      (match: string, before: string, repository: string, _suffix: string | undefined, after: string) => {
        const target = targetsByPlaceholder.get(repository);
        return target === undefined ? match : `${before}${target}${after}`;
      },
    );
    return out === text ? content : Buffer.from(out, "latin1");
  };
}

/**
 * Placeholder -> target map for one operator, from its image-references entries and the payload's tags.
 * Throws naming the operator and tag when a referenced tag is not in the payload, or when two tags
 * share a placeholder.
 */
export function imageTargetsForOperator(
  operator: string,
  references: readonly { readonly tag: string; readonly placeholder: string }[],
  pullspecsByTag: ReadonlyMap<string, string>,
): Map<string, string> {
  const targets = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const reference of references) {
    const target = pullspecsByTag.get(reference.tag);
    if (target === undefined) {
      throw new ReleaseAssemblyError(
        `operator "${operator}": its image-references names tag "${reference.tag}", which is not in the release input (add the image for "${reference.tag}" or fix the operator's manifests/image-references)`,
      );
    }
    const previous = owner.get(reference.placeholder);
    if (previous !== undefined) {
      throw new ReleaseAssemblyError(
        `operator "${operator}": the placeholder "${reference.placeholder}" is defined more than once in its image-references (for "${previous}" and "${reference.tag}")`,
      );
    }
    owner.set(reference.placeholder, reference.tag);
    targets.set(reference.placeholder, target);
  }
  return targets;
}

const SNAPSHOT = /(\W|^)0\.0\.1-snapshot(?:-([a-z0-9-]+)|(\W)|$)/g;

/**
 * Replaces `0.0.1-snapshot` (after a non-word character or the start) by `releaseName` without its
 * `+build` part (left alone when the name is not semver), and `0.0.1-snapshot-<key>` by `versions[key]`.
 * Throws for an unknown key, an empty key, or a key declared by more than one referenced image
 * (`tagsByKey[key].length > 1`), naming the key and the images.
 */
export function createVersionRewrite(
  releaseName: string,
  versions: ReadonlyMap<string, ComponentVersion>,
  tagsByKey: ReadonlyMap<string, readonly string[]>,
): ManifestRewrite {
  const release = isSemver(releaseName) ? withoutBuildMetadata(releaseName) : "";
  return (content) => {
    const text = content.toString("latin1");
    const missing: string[] = [];
    const conflicts: string[] = [];
    const out = text.replace(
      SNAPSHOT,
      (match: string, before: string, key: string | undefined, after: string | undefined) => {
        const component = key ?? "";
        const suffix = after ?? "";
        if (component === "" && suffix !== "-")
          return release === "" ? match : `${before}${release}${suffix}`;
        const version = versions.get(component);
        if (version === undefined) {
          missing.push(component);
          return match;
        }
        if ((tagsByKey.get(component)?.length ?? 0) > 1) {
          conflicts.push(component);
          return match;
        }
        return `${before}${version.version}${suffix}`;
      },
    );
    if (missing.length === 1 && missing[0] === "")
      throw new ReleaseAssemblyError("empty version references (0.0.1-snapshot-) are not allowed");
    if (missing.length > 0) {
      throw new ReleaseAssemblyError(
        `unknown version reference${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"0.0.1-snapshot-${m}"`).join(", ")}: no image named in the operator's image-references declares ${missing.length > 1 ? "these keys" : "this key"} in its io.openshift.build.versions label`,
      );
    }
    const first = conflicts[0];
    if (first !== undefined) {
      const tags = [...(tagsByKey.get(first) ?? [])].sort();
      throw new ReleaseAssemblyError(
        `the version for "${first}" is inconsistent across the referenced images: ${tags.join(", ")}`,
      );
    }
    return out === text ? content : Buffer.from(out, "latin1");
  };
}
