/**
 * Structural sharing between two versions of a cached object. An informer replaces an object on
 * every watch event, and a busy object (an ImageStream of 1,000 tags on every landing, a
 * PayloadBuild of 1,000 components on every status write) is re-sent whole though little of it
 * changed. Cached versions live for seconds, long enough for V8 to move them to the old
 * generation, where each replaced version becomes garbage only a full collection frees. Keeping
 * the unchanged parts of the previous version instead means each event leaves behind only the
 * freshly parsed copy, which dies young.
 */

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * `next` with each subtree that is deep-equal to the subtree at the same place in `previous`
 * replaced by the one of `previous` (arrays compared index by index); `previous` itself when the
 * two are deep-equal. The result is always deep-equal to `next`; neither argument is changed. For
 * JSON values (plain objects, arrays, strings, numbers, booleans, null); a member present with the
 * value `undefined` counts as present.
 */
export function shareUnchanged<T>(previous: unknown, next: T): T {
  if (previous === next) return next;
  if (Array.isArray(next)) {
    if (!Array.isArray(previous)) return next;
    let same = previous.length === next.length;
    const out = next.map((value: unknown, i) => {
      const shared = shareUnchanged(previous[i], value);
      if (shared !== previous[i]) same = false;
      return shared;
    });
    return (same ? previous : out) as T;
  }
  if (isRecord(next)) {
    if (!isRecord(previous)) return next;
    const keys = Object.keys(next);
    let same = keys.length === Object.keys(previous).length;
    const out: Record<string, unknown> = {};
    for (const key of keys) {
      const before = previous[key];
      const shared = shareUnchanged(before, next[key]);
      if (shared !== before || !(key in previous)) same = false;
      out[key] = shared;
    }
    return (same ? previous : out) as T;
  }
  return next;
}
