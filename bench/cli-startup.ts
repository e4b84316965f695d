/**
 * `payloadctl` start-up: the wall time of `payloadctl --help` and of `payloadctl <command> --help` for
 * every command, each a new process started as `npx payloadctl` starts it (the pinned Node with the tsx
 * loader, from the repository root), against the same process importing every command first (how
 * `payloadctl` started before `src/cli/command-catalog.ts`; `bench/support/load-every-command.ts`) in
 * the same run. Minimum and median of `--runs` (default 5) per row, runs interleaved.
 *
 * Run: `npx tsx bench/cli-startup.ts [--runs 5]`. Prints a Markdown table; never asserts on time.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { COMMAND_CATALOG } from "../src/cli/command-catalog.js";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const NODE = resolve(ROOT, "node_modules/node/bin/node");
const TSX = `file://${resolve(ROOT, "node_modules/tsx/dist/loader.mjs")}`;

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
const runs = Number(values.runs);

const rows: { label: string; args: string[] }[] = [
  {
    label: "every command imported, then the help (the start-up before command-catalog.ts)",
    args: ["bench/support/load-every-command.ts"],
  },
  { label: "`payloadctl --help`", args: ["src/cli/payloadctl.ts", "--help"] },
  ...COMMAND_CATALOG.map((entry) => ({
    label: `\`payloadctl ${entry.name} --help\``,
    args: ["src/cli/payloadctl.ts", entry.name, "--help"],
  })),
];

const seconds = new Map<string, number[]>(rows.map((r) => [r.label, []]));
// One untimed pass fills tsx's transform cache, as a user's second run finds it.
for (const row of rows) await exec(NODE, ["--import", TSX, ...row.args], { cwd: ROOT });
for (let run = 0; run < runs; run++) {
  for (const row of rows) {
    const start = process.hrtime.bigint();
    await exec(NODE, ["--import", TSX, ...row.args], { cwd: ROOT });
    seconds.get(row.label)?.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
}
const sorted = (xs: readonly number[]) => [...xs].sort((a, b) => a - b);
console.log(`payloadctl start-up: Node ${process.version}, ${runs} runs, new process each`);
console.log("");
console.log("| process | min | median |");
console.log("| --- | ---: | ---: |");
for (const row of rows) {
  const xs = sorted(seconds.get(row.label) ?? []);
  console.log(
    `| ${row.label} | ${(xs[0] ?? Number.NaN).toFixed(2)} s | ${(xs[Math.floor((xs.length - 1) / 2)] ?? Number.NaN).toFixed(2)} s |`,
  );
}
