#!/usr/bin/env node
/**
 * `payloadctl` as npm links it (`npx payloadctl ...` after `npm ci`, or node_modules/.bin/payloadctl):
 * runs the TypeScript sources (src/cli/payloadctl.ts) through tsx on the Node the project pins (the
 * `node` devDependency), whichever Node started this script, so nothing needs building first.
 * Signals are passed on to the CLI and its exit status is this script's. Started by `npx`/`npm exec`
 * (which run this through `sh -c`, and a SIGTERM to npx ends that shell without passing the signal
 * on), the CLI is also sent SIGTERM when this script's parent goes away, so no server is orphaned.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import process from "node:process";
import { clearInterval, setInterval } from "node:timers";
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
// npx/npm exec: the shell between npm and us dies on SIGTERM without passing it on; we notice by
// being reparented, and stop the CLI as if the signal had reached us.
const parent = process.ppid;
const orphanWatch =
  process.env.npm_command === "exec"
    ? setInterval(() => {
        if (process.ppid !== parent) {
          clearInterval(orphanWatch);
          relay("SIGTERM");
        }
      }, 250)
    : undefined;
orphanWatch?.unref();
child.on("exit", (code, signal) => {
  if (orphanWatch !== undefined) clearInterval(orphanWatch);
  for (const s of SIGNALS) process.off(s, relay);
  if (signal !== null) process.kill(process.pid, signal);
  else process.exit(code ?? 1);
});
