/** `promtool check metrics` for tests that check an exposition (a scrape of `/metrics`). */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/**
 * prom-client's default metrics that promtool's linter flags: gauges whose names end in `_total`
 * (prom-client names them so; nothing of ours).
 */
const PROM_CLIENT_LINT = new Set([
  'nodejs_active_handles_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_requests_total non-counter metrics should not have "_total" suffix',
  'nodejs_active_resources_total non-counter metrics should not have "_total" suffix',
]);

/** What `promtool check metrics` prints for `text` (its lint findings, one a line). */
export async function promtoolCheckMetrics(text: string): Promise<string> {
  const child = run("promtool", ["check", "metrics"]);
  child.child.stdin?.end(text);
  return child.then(
    ({ stdout, stderr }) => `${stdout}${stderr}`,
    (err: { stdout?: string; stderr?: string }) => `${err.stdout ?? ""}${err.stderr ?? ""}`,
  );
}

/** promtool's findings without the known ones of prom-client's default metrics. */
export function promtoolLintProblems(output: string): string[] {
  return output
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !PROM_CLIENT_LINT.has(l));
}
