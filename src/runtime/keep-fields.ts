/**
 * `keepFields`: a copy of a JSON object with only the fields at the given paths, for cache
 * transforms that keep of an object what its readers use (see `CacheTransform`).
 */

/** A path of object keys from the root, e.g. `["status", "output", "to", "imageDigest"]`. */
export type FieldPath = readonly string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * A new object holding, of `object`, only the values at `paths` (whole: a kept value is not
 * copied, arrays and objects included) and the objects leading to them. A path that is absent, or
 * runs through a value that is not an object (an array, a string, null), keeps nothing; a path that
 * is a prefix of another keeps the whole value at the shorter path. Pure; `object` is not changed.
 */
export function keepFields<T extends object>(object: T, paths: readonly FieldPath[]): T {
  const out: Record<string, unknown> = {};
  for (const path of paths) {
    const last = path.at(-1);
    if (last === undefined) continue;
    // Find the value first, so an absent path leaves no empty objects behind.
    let parent: unknown = object;
    for (const key of path.slice(0, -1)) parent = isRecord(parent) ? parent[key] : undefined;
    if (!isRecord(parent) || !(last in parent)) continue;
    let to = out;
    let from: Record<string, unknown> = object as Record<string, unknown>;
    let covered = false;
    for (const key of path.slice(0, -1)) {
      const source = from[key] as Record<string, unknown>;
      const existing = to[key];
      if (existing === source) {
        covered = true; // a shorter path already kept the whole value
        break;
      }
      if (existing === undefined) to[key] = {};
      to = to[key] as Record<string, unknown>;
      from = source;
    }
    if (!covered) to[last] = parent[last];
  }
  return out as T;
}
