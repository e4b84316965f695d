/** Semantic versions (semver 2.0.0), as `oc` and the CVO parse release names and component versions. */

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** True when `value` is a strict semver 2.0.0 version (no leading `v`, no leading zeros). */
export function isSemver(value: string): boolean {
  return SEMVER.test(value);
}

/** `value` without its `+build` part. Throws when `value` is not semver. */
export function withoutBuildMetadata(value: string): string {
  if (!isSemver(value))
    throw new Error(
      `"${value}" is not a semantic version (for example 4.15.0 or 4.15.0-0.okd-2024-01-02-030405)`,
    );
  const plus = value.indexOf("+");
  return plus < 0 ? value : value.slice(0, plus);
}
