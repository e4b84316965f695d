/** Reads sums out of a Prometheus text exposition (what `/metrics` serves). */

/**
 * Sum of every sample of metric `name` whose labels include all of `labels` (e.g. every result of
 * `controller_runtime_reconcile_total{controller="payloadbuild"}`); undefined when none matches.
 */
export function sumSamples(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  let sum: number | undefined;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (match?.[1] !== name) continue;
    const body = match[3] ?? "";
    const has = Object.entries(labels).every(([k, v]) => body.includes(`${k}="${v}"`));
    if (!has) continue;
    const value = Number(match[4]);
    if (Number.isFinite(value)) sum = (sum ?? 0) + value;
  }
  return sum;
}
