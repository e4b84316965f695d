/**
 * `npm run reliability`: the reliability harness at full size (10 SIGKILLs during a 60-component
 * build, API faults, registry faults, failover of two replicas; a few minutes), then rewrites
 * docs/reliability.md from its results, keeping the sections other harnesses write. Exits 1 when a
 * property did not hold (the document still says so). `--sizes reduced` runs the CI sizes.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { renderReliabilityDoc } from "../test/reliability/reliability-report.js";
import {
  FULL_SIZES,
  REDUCED_SIZES,
  runReliability,
  type ReliabilityResults,
} from "../test/reliability/reliability-run.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const DOC = join(ROOT, "docs/reliability.md");

/** The properties that failed, one line each (empty when all held). */
export function failedProperties(r: ReliabilityResults): string[] {
  const failed: string[] = [];
  const check = (ok: boolean, what: string) => {
    if (!ok) failed.push(what);
  };
  const { crash: c, apiFaults: a, registryFaults: g, failover: f } = r;
  check(c.kills === r.sizes.crash.kills, `crash: ${c.kills} kills of ${r.sizes.crash.kills}`);
  check(c.ready && c.digest === c.undisturbedDigest, "crash: Ready with the undisturbed digest");
  check(
    c.duplicateCreations.length === 0 && c.creations === c.expectedBuilds.length,
    "crash: every Build once",
  );
  check(a.ready && a.digest === a.undisturbedDigest, "API faults: Ready with the undisturbed digest");
  check(
    a.duplicateCreations.length === 0 && a.creations === a.expectedBuilds.length,
    "API faults: every Build once",
  );
  check(a.retryAfter.violations.length === 0, "API faults: every 429's Retry-After honoured");
  check(
    g.incomplete.length === 0 && (g.ready || g.messages.length > 0),
    "registry faults: complete or explained",
  );
  check(
    f.overlaps === 0 && f.standbyWritesBeforeLeading === 0 && f.ready,
    "failover: one writer at a time, Ready",
  );
  return failed;
}

async function main(): Promise<void> {
  const reduced = process.argv.includes("--sizes") && process.argv.includes("reduced");
  const sizes = reduced ? REDUCED_SIZES : FULL_SIZES;
  const results = await runReliability(sizes, (what, result) =>
    process.stdout.write(`${what}: ${JSON.stringify(result)}\n`),
  );
  const existing = await readFile(DOC, "utf8").catch(() => undefined);
  const command = `npm run reliability${reduced ? " -- --sizes reduced" : ""}`;
  await writeFile(DOC, renderReliabilityDoc(results, { date: new Date().toISOString(), command }, existing));
  process.stdout.write(`wrote ${DOC}\n`);
  const failed = failedProperties(results);
  for (const f of failed) process.stderr.write(`FAILED: ${f}\n`);
  process.exitCode = failed.length === 0 ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
