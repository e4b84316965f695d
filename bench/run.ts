/**
 * Runs benchmarks: `npm run bench -- [NAME|FILE ...]` (e.g. `plan`, `bench/simulate.ts`); with no
 * argument every `bench/*.ts` except this one. Each runs in its own process (its own argv and
 * memory), one after another; exit 1 when any of them fails. Benchmarks print figures and never
 * assert on time.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = resolve(benchDir, "..");
const tsx = join(root, "node_modules", ".bin", "tsx");

function benchFile(arg: string): string {
  const name = basename(arg).replace(/\.ts$/, "");
  return join(benchDir, `${name}.ts`);
}

const args = process.argv.slice(2);
const files =
  args.length > 0
    ? args.map(benchFile)
    : readdirSync(benchDir)
        .filter((file) => file.endsWith(".ts") && file !== "run.ts")
        .sort()
        .map((file) => join(benchDir, file));

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${basename(file)} ===`);
  const result = spawnSync(tsx, [file], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) {
    failed++;
    console.error(`${basename(file)} failed (exit ${result.status ?? result.signal ?? "?"})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
