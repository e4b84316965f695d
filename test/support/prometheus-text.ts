/**
 * A parser of the Prometheus text exposition format (version 0.0.4), written from its specification
 * (https://prometheus.io/docs/instrumenting/exposition_formats/), for tests that scrape `/metrics`:
 * `# HELP` and `# TYPE` lines, samples `name{label="value",...} value [timestamp]` with the label
 * value escapes `\\`, `\"`, `\n`, and the special values `NaN` (any case), `+Inf`, `-Inf`. Throws naming the
 * line on anything else, so a malformed exposition fails the test that reads it.
 */

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its TYPE, HELP and samples (histogram/summary samples under their suffixed names). */
export interface MetricFamily {
  readonly name: string;
  type: string;
  help: string;
  readonly samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;

function parseValue(text: string, line: number): number {
  // Prometheus parses values with Go's strconv.ParseFloat, which takes NaN in any case (prom-client
  // writes "Nan").
  if (text.toLowerCase() === "nan") return Number.NaN;
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  const value = Number(text);
  if (text === "" || Number.isNaN(value))
    throw new Error(`line ${line}: bad sample value ${JSON.stringify(text)}`);
  return value;
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1; // after "{"
  for (;;) {
    while (text[i] === " ") i++;
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const name = LABEL_NAME.exec(text.slice(i))?.[0];
    if (name === undefined)
      throw new Error(`line ${line}: bad label name at ${JSON.stringify(text.slice(i))}`);
    i += name.length;
    if (text[i] !== "=" || text[i + 1] !== '"')
      throw new Error(`line ${line}: expected ="..." after ${name}`);
    i += 2;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === "\\") {
        const next = text[i + 1];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`line ${line}: bad escape \\${next ?? ""} in label ${name}`);
        i += 2;
        continue;
      }
      value += c;
      i++;
    }
    if (name in labels) throw new Error(`line ${line}: label ${name} repeated`);
    labels[name] = value;
    i++; // closing quote
    if (text[i] === ",") i++;
    else if (text[i] !== "}") throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
}

/** The family a sample belongs to: itself, or for `_bucket`/`_sum`/`_count` its histogram/summary. */
function familyOf(name: string, families: Map<string, MetricFamily>): MetricFamily | undefined {
  const own = families.get(name);
  if (own !== undefined) return own;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!name.endsWith(suffix)) continue;
    const base = families.get(name.slice(0, -suffix.length));
    if (base !== undefined && (base.type === "histogram" || base.type === "summary")) return base;
  }
  return undefined;
}

/** Parses an exposition into its families, by name. Every sample must follow its family's TYPE line. */
export function parseExposition(text: string): Map<string, MetricFamily> {
  const families = new Map<string, MetricFamily>();
  const lines = text.split("\n");
  lines.forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    if (raw.startsWith("#")) {
      const match = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) ?(.*)$/.exec(raw);
      if (match === null) return; // a comment
      const [, keyword, name = "", rest = ""] = match;
      const family = families.get(name) ?? { name, type: "untyped", help: "", samples: [] };
      families.set(name, family);
      if (keyword === "TYPE") {
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest))
          throw new Error(`line ${line}: unknown type ${rest}`);
        family.type = rest;
      } else family.help = rest.replace(/\\n/g, "\n").replace(/\\\\/g, "\\");
      return;
    }
    const name = NAME.exec(raw)?.[0];
    if (name === undefined) throw new Error(`line ${line}: bad metric name in ${JSON.stringify(raw)}`);
    let rest = raw.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, line));
    const fields = rest.trim().split(/\s+/);
    if (fields.length < 1 || fields.length > 2) throw new Error(`line ${line}: expected value [timestamp]`);
    const family = familyOf(name, families);
    if (family === undefined) throw new Error(`line ${line}: sample ${name} has no # TYPE line before it`);
    family.samples.push({ name, labels, value: parseValue(fields[0] ?? "", line) });
  });
  return families;
}

/** The value of the sample `name` whose labels include `labels`; undefined when there is none. */
export function sampleValue(
  families: ReadonlyMap<string, MetricFamily>,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number | undefined {
  for (const family of families.values())
    for (const s of family.samples)
      if (s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) return s.value;
  return undefined;
}

/**
 * Problems of the histograms in `families`: buckets not cumulative (non-decreasing by `le`), no
 * `+Inf` bucket, `+Inf` bucket different from `_count`, negative `_sum` for non-negative buckets.
 */
export function histogramProblems(families: ReadonlyMap<string, MetricFamily>): string[] {
  const problems: string[] = [];
  for (const family of families.values()) {
    if (family.type !== "histogram") continue;
    const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
    for (const s of family.samples) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(Object.entries(rest).sort());
      const entry = series.get(key) ?? { buckets: [] };
      series.set(key, entry);
      if (s.name.endsWith("_bucket")) entry.buckets.push([parseValue(le ?? "", 0), s.value]);
      else if (s.name.endsWith("_count")) entry.count = s.value;
      else if (s.name.endsWith("_sum")) entry.sum = s.value;
    }
    for (const [key, entry] of series) {
      const buckets = [...entry.buckets].sort((a, b) => a[0] - b[0]);
      for (let i = 1; i < buckets.length; i++)
        if ((buckets[i]?.[1] ?? 0) < (buckets[i - 1]?.[1] ?? 0))
          problems.push(`${family.name}${key}: bucket le=${buckets[i]?.[0]} below the previous one`);
      const inf = buckets.at(-1);
      if (inf === undefined || inf[0] !== Number.POSITIVE_INFINITY)
        problems.push(`${family.name}${key}: no +Inf bucket`);
      else if (inf[1] !== entry.count)
        problems.push(`${family.name}${key}: +Inf bucket ${inf[1]} != _count ${entry.count}`);
      if (entry.sum === undefined || entry.sum < 0)
        problems.push(`${family.name}${key}: _sum ${entry.sum} missing or negative`);
    }
  }
  return problems;
}
