/**
 * Semver ordering and ranges as release-controller's latest API uses them (blang/semver syntax):
 * `>4.17.0-0 <4.18.0-0` (space = and), `>=4.16.0 || 4.17.1` (`||` = or), operators `>`, `>=`, `<`,
 * `<=`, `=`, `==`, `!=` (none = equal). Pure.
 */

/** A parsed version: numbers and the pre-release identifiers. */
export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly pre: readonly (string | number)[];
}

const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

/** Parses `value`, or undefined when it is not a version. */
export function parseVersion(value: string): Version | undefined {
  const m = VERSION.exec(value.trim());
  if (m === null) return undefined;
  const pre = (m[4] ?? "")
    .split(".")
    .filter((p) => p !== "")
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre };
}

/** Semver precedence: negative when `a` < `b`, 0 when equal, positive when `a` > `b`. */
export function compareVersions(a: Version, b: Version): number {
  const core = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (core !== 0) return core;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.max(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i];
    const y = b.pre[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === "number" && typeof y === "number") return x - y;
    if (typeof x === "number") return -1;
    if (typeof y === "number") return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** Release names newest first: versions by semver precedence (descending), then other names by name. */
export function compareReleaseNamesNewestFirst(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  if (va !== undefined && vb !== undefined) return compareVersions(vb, va) || (a < b ? 1 : a > b ? -1 : 0);
  if (va !== undefined) return -1;
  if (vb !== undefined) return 1;
  return a < b ? 1 : a > b ? -1 : 0;
}

/** A predicate over versions. */
export type VersionRange = (version: Version) => boolean;

const COMPARATOR = /^(>=|<=|!=|==|=|>|<)?\s*(.+)$/;

/** Parses a range; throws an Error naming the part that is not `<op><version>`. */
export function parseVersionRange(text: string): VersionRange {
  const alternatives = text.split("||").map((alt) => {
    const parts = alt
      .trim()
      .split(/\s+/)
      .filter((p) => p !== "")
      .reduce<string[]>((joined, p) => {
        // ">= 4.17.0": an operator alone belongs to the version after it.
        const last = joined[joined.length - 1];
        if (last !== undefined && /^(>=|<=|!=|==|=|>|<)$/.test(last)) joined[joined.length - 1] = last + p;
        else joined.push(p);
        return joined;
      }, []);
    if (parts.length === 0) throw new Error(`empty range in "${text}"`);
    return parts.map((part): VersionRange => {
      const m = COMPARATOR.exec(part);
      const version = m === null ? undefined : parseVersion(m[2] ?? "");
      if (m === null || version === undefined)
        throw new Error(`"${part}" is not a comparison such as >4.17.0-0 or <=4.18.1`);
      const op = m[1] ?? "=";
      return (v) => {
        const c = compareVersions(v, version);
        switch (op) {
          case ">":
            return c > 0;
          case ">=":
            return c >= 0;
          case "<":
            return c < 0;
          case "<=":
            return c <= 0;
          case "!=":
            return c !== 0;
          default:
            return c === 0;
        }
      };
    });
  });
  return (v) => alternatives.some((all) => all.every((check) => check(v)));
}
