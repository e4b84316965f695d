/** "Did you mean" suggestions for mistyped component names. */

/** Levenshtein distance, stopping early above `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const value = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
      current.push(value);
      rowMin = Math.min(rowMin, value);
    }
    if (rowMin > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length] ?? limit + 1;
}

/**
 * Returns a function giving a " Did you mean ...?" sentence (or "") for a name that is not in
 * `names`: names extending it (`ovn-kubernetes` -> `ovn-kubernetes-rhel-9`) or the closest by edit
 * distance. Bounded (200 calls, 20k names) so that many typos in a huge payload stay cheap.
 */
export function createSuggester(names: readonly string[]): (reference: string) => string {
  let budget = 200;
  return (reference) => {
    if (budget-- <= 0 || names.length > 20000) return "";
    const extended = names.filter((name) => name.startsWith(`${reference}-`));
    if (extended.length > 0 && extended.length <= 3)
      return ` Did you mean ${extended.map((n) => `"${n}"`).join(" or ")}?`;
    let best: string | undefined;
    let bestDistance = Math.max(2, Math.floor(reference.length / 4)) + 1;
    for (const name of names) {
      const distance = editDistance(reference, name, bestDistance - 1);
      if (distance < bestDistance) {
        best = name;
        bestDistance = distance;
      }
    }
    return best === undefined ? "" : ` Did you mean "${best}"?`;
  };
}
