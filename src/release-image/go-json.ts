/** JSON text the way Go's encoding/json writes it, so our documents match `oc`'s byte for byte. */

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return Object.fromEntries(entries.map(([key, inner]) => [key, sortKeysDeep(inner)]));
  }
  return value;
}

/**
 * Serializes like Go's `json.MarshalIndent(v, "", indent)`: HTML-sensitive characters (`<`, `>`, `&`,
 * U+2028, U+2029) escaped. Key order is the object's own, except inside values passed through
 * {@link goMap}, whose keys are sorted like a Go map's.
 */
export function goJson(value: unknown, indent = "  "): string {
  return JSON.stringify(value, null, indent)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A copy of a map-like object with keys sorted at every level, as Go writes `map[string]...` values. */
export function goMap<T>(value: T): T {
  return sortKeysDeep(value) as T;
}
