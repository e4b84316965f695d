/**
 * Reads docs/operations.md: the metric names of its metrics table and the alerts of its alerts
 * table, for the tests that keep the page equal to the code and to a running operator's `/metrics`.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

const DOC = join(import.meta.dirname, "../../docs/operations.md");

/** One row of a table whose first cell is a `code` name. */
export interface DocumentedRow {
  readonly name: string;
  readonly cells: readonly string[];
}

function section(text: string, heading: string): string {
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`docs/operations.md has no "## ${heading}" section`);
  const end = text.indexOf("\n## ", start + 1);
  return text.slice(start, end < 0 ? undefined : end);
}

function rows(text: string): DocumentedRow[] {
  return text
    .split("\n")
    .map((line) => /^\| `([^`]+)` \|(.*)\|$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1] ?? "", cells: (m[2] ?? "").split("|").map((c) => c.trim()) }));
}

/** The rows of the "Metrics" table: name, then type, labels, meaning. */
export async function documentedMetrics(): Promise<DocumentedRow[]> {
  return rows(section(await readFile(DOC, "utf8"), "Metrics"));
}

/** The rows of the "Alerts" table: name, then severity, when, what to do. */
export async function documentedAlerts(): Promise<DocumentedRow[]> {
  return rows(section(await readFile(DOC, "utf8"), "Alerts"));
}

/** prom-client's default metrics, documented as a group (`process_*`, `nodejs_*`). */
export function isDefaultProcessMetric(name: string): boolean {
  return name.startsWith("process_") || name.startsWith("nodejs_");
}
