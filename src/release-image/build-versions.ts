/**
 * The `io.openshift.build.versions` and `io.openshift.build.version-display-names` image labels:
 * `key=semver` pairs that `0.0.1-snapshot-<key>` placeholders in manifests are replaced with.
 */
import { ReleaseAssemblyError } from "./release-assembly-error.js";
import { isSemver, withoutBuildMetadata } from "./semver.js";

/** Label with the component versions an image carries, e.g. `kubernetes=1.28.3,kubectl=1.28.3`. */
export const BUILD_VERSIONS_LABEL = "io.openshift.build.versions";
/** Label with display names for those versions, e.g. `kubernetes=Kubernetes`. */
export const BUILD_VERSION_DISPLAY_NAMES_LABEL = "io.openshift.build.version-display-names";
/** The only keys `oc adm release new` accepts in {@link BUILD_VERSIONS_LABEL}. */
export const ALLOWED_VERSION_KEYS: readonly string[] = [
  "kubernetes",
  "machine-os",
  "kernel",
  "crio",
  "kubectl",
  "kubernetes-tests",
];

/** One component version: the semver without its `+build` part, and an optional display name. */
export interface ComponentVersion {
  readonly version: string;
  readonly displayName?: string;
}

const VERSION_KEY = /^[a-z0-9]+[-a-z0-9]*[a-z0-9]+$/;
const DISPLAY_NAME = /^[a-zA-Z0-9\-:\s().]+$/;

/**
 * Parses the two labels into key -> version. `where` names the image for errors
 * (e.g. `image "cli" (quay.io/okd/cli@sha256:...)`). Throws {@link ReleaseAssemblyError} on a malformed
 * pair, a bad key, a non-semver value, or (unless `allowAnyKey`) a key outside {@link ALLOWED_VERSION_KEYS}.
 */
export function parseBuildVersions(
  versionsLabel: string | undefined,
  displayNamesLabel: string | undefined,
  where: string,
  options: { readonly allowAnyKey?: boolean } = {},
): Map<string, ComponentVersion> {
  const fail = (why: string): never => {
    throw new ReleaseAssemblyError(`${where}: label ${BUILD_VERSIONS_LABEL}: ${why}`);
  };
  const result = new Map<string, ComponentVersion>();
  const label = (versionsLabel ?? "").trim();
  if (label === "") return result;
  const names = new Map<string, string>();
  for (const raw of (displayNamesLabel ?? "").trim() === "" ? [] : (displayNamesLabel ?? "").split(",")) {
    const pair = raw.trim();
    const eq = pair.indexOf("=");
    if (eq < 0)
      fail(`display name pair "${pair}" in ${BUILD_VERSION_DISPLAY_NAMES_LABEL} must be NAME=DISPLAYNAME`);
    const key = pair.slice(0, eq);
    const name = pair.slice(eq + 1);
    if (key.length < 2 || !VERSION_KEY.test(key))
      fail(`display name key "${key}" must be at least 2 lower-case alphanumerics with inner dashes`);
    if (!DISPLAY_NAME.test(name))
      fail(`display name "${name}" may only hold letters, digits, spaces and -:().`);
    names.set(key, name);
  }
  for (const raw of label.split(",")) {
    const pair = raw.trim();
    const eq = pair.indexOf("=");
    if (eq < 0) fail(`pair "${pair}" must be NAME=VERSION`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (key.length < 2) fail(`key "${key}" must be at least 2 characters`);
    if (!VERSION_KEY.test(key))
      fail(`key "${key}" must only be lower-case ASCII alphanumerics and inner dashes`);
    if (options.allowAnyKey !== true && !ALLOWED_VERSION_KEYS.includes(key)) {
      fail(`unknown key "${key}" (allowed keys: ${ALLOWED_VERSION_KEYS.join(", ")})`);
    }
    if (!isSemver(value)) fail(`pair "${pair}" must have a semantic version (for example ${key}=1.28.3)`);
    const displayName = names.get(key);
    result.set(key, {
      version: withoutBuildMetadata(value),
      ...(displayName === undefined ? {} : { displayName }),
    });
  }
  return result;
}
