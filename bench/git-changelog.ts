/**
 * Changelog commit fetch benchmark: how long the operator takes to list the commits of a
 * `--commits`-commit range (default 200, the changelog's cap) of one repository over git smart
 * HTTP, and how many bytes the packfile holds, against Debian git's `git http-backend` on 127.0.0.1:
 * protocol v2 with `filter tree:0` (commits only, what GitHub offers), v2 without filter (trees and
 * blobs come too), and the v0 fallback. The repository has `--files` files, each commit changes one
 * and has a one-paragraph message, so trees and blobs weigh what a small Go repository's do. Times
 * are wall-clock medians of `--repeat` fetches (each a fresh HTTP conversation: nothing cached).
 *
 * Run: `npx tsx bench/git-changelog.ts [--commits 200] [--files 400] [--repeat 5]`
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseArgs } from "node:util";
import { fetchCommitRange, type FetchCommitsOptions } from "../src/git/fetch-commits.js";
import { startGitHttpServer } from "../test/support/git-http-server.js";
import { GitRepos } from "../test/support/git-repos.js";

const run = promisify(execFile);
const { values } = parseArgs({
  options: {
    commits: { type: "string", default: "200" },
    files: { type: "string", default: "400" },
    repeat: { type: "string", default: "5" },
  },
});
const commits = Number(values.commits);
const files = Number(values.files);
const repeat = Number(values.repeat);

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

const repos = await GitRepos.create();
const bare = join(repos.root, "operator.git");
const work = join(repos.root, "operator.work");
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: "bench",
  GIT_AUTHOR_EMAIL: "bench@example.com",
  GIT_COMMITTER_NAME: "bench",
  GIT_COMMITTER_EMAIL: "bench@example.com",
};
const initial: Record<string, string> = {};
for (let f = 0; f < files; f++)
  initial[`pkg/m${f % 20}/file${f}.go`] = `package m\n\n// File ${f}.\n${"var x = 1\n".repeat(40)}`;
const from = await repos.createRepository("operator", initial);
// Many commits at once: fast-import would hide nothing the fetch sees, but plain commits are simpler.
for (let i = 1; i <= commits; i++) {
  const f = (i * 7) % files;
  initial[`pkg/m${f % 20}/file${f}.go`] += `// change ${i}\n`;
  await import("node:fs/promises").then((fs) =>
    fs.writeFile(join(work, `pkg/m${f % 20}/file${f}.go`), initial[`pkg/m${f % 20}/file${f}.go`] ?? ""),
  );
  await run(
    "git",
    [
      "commit",
      "-q",
      "-a",
      "-m",
      `OCPBUGS-${1000 + i}: change ${i} of the operator`,
      "-m",
      "This adjusts how the reconciler reads the status of the payload before writing it. ".repeat(3),
    ],
    { cwd: work, env },
  );
}
await run("git", ["push", "-q", "origin", "main"], { cwd: work, env });
const to = (await run("git", ["rev-parse", "HEAD"], { cwd: work, env })).stdout.trim();
await run("git", ["gc", "-q"], { cwd: bare, env });
const server = await startGitHttpServer({ root: repos.root });
const url = `${server.url}/operator.git`;
const v0Only: typeof fetch = (input, init) => {
  const headers = { ...(init?.headers as Record<string, string>) };
  delete headers["Git-Protocol"];
  return fetch(input, { ...init, headers });
};

async function measure(
  label: string,
  allowFilter: boolean,
  options: FetchCommitsOptions = {},
): Promise<void> {
  await run("git", ["config", "uploadpack.allowFilter", String(allowFilter)], { cwd: bare, env });
  const samples: number[] = [];
  let bytes = 0;
  let listed = 0;
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const range = await fetchCommitRange(url, from, to, { limit: commits, ...options });
    samples.push(performance.now() - start);
    bytes = range.packBytes;
    listed = range.commits.length;
  }
  console.log(
    `| ${label} | ${listed} | ${median(samples).toFixed(0)} ms | ${(bytes / 1024).toFixed(1)} KiB |`,
  );
}

console.log(`${commits} commits over ${files} files; median of ${repeat}`);
console.log("| protocol | commits listed | time (median) | packfile |");
console.log("| --- | --- | --- | --- |");
await measure("v2, filter tree:0", true);
await measure("v2, no filter", false);
await measure("v0, filter tree:0", true, { fetch: v0Only });
await measure("v0, no filter", false, { fetch: v0Only });
await server.stop();
await repos.remove();
