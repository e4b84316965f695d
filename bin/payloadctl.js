#!/usr/bin/env node
/**
 * `payloadctl` as npm links it (`npx payloadctl ...` after `npm ci`, or node_modules/.bin/payloadctl):
 * runs the TypeScript sources (src/cli/payloadctl.ts) through tsx on the Node the project pins (the
 * `node` devDependency), whichever Node started this script, so nothing needs building first.
 * Signals are passed on to the CLI and its exit status is this script's.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const pinnedNode = join(root, "node_modules", "node", "bin", "node");
const tsxLoader = join(root, "node_modules", "tsx", "dist", "loader.mjs");
if (!existsSync(pinnedNode) || !existsSync(tsxLoader)) {
  process.stderr.write(
    `payloadctl: ${existsSync(pinnedNode) ? tsxLoader : pinnedNode} is missing; run \`npm ci\` in ${root} (payloadctl runs its sources with tsx on the pinned Node, both devDependencies)\n`,
  );
  process.exit(1);
}

const child = spawn(
  pinnedNode,
  ["--import", `file://${tsxLoader}`, join(root, "src", "cli", "payloadctl.ts"), ...process.argv.slice(2)],
  { stdio: "inherit" },
);
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
const relay = (signal) => child.kill(signal);
for (const signal of SIGNALS) process.on(signal, relay);
child.on("exit", (code, signal) => {
  for (const s of SIGNALS) process.off(s, relay);
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
