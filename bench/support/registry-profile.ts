/**
 * A CPU profile of docker-registry (Go's `net/http/pprof` on its `http.debug.addr`) while a workload
 * runs, summarized with `go tool pprof -top -cum`: the share of the registry's CPU under each of a
 * few named functions. Needs `go` on PATH (for `go tool pprof`); says so when it is missing.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** Where the registry's CPU went: `share` of its sampled CPU under the function matching `label`. */
export interface RegistryHotspot {
  readonly label: string;
  readonly share: number;
}

/**
 * Profiles the registry serving debug endpoints on 127.0.0.1:`debugPort` for `seconds`, running
 * `work` again and again meanwhile (at least once), then reads the cumulative share of each of
 * `functions` (label -> a substring of the Go function name). Returns the runs done and the shares.
 */
export async function profileRegistry(
  debugPort: number,
  seconds: number,
  work: () => Promise<void>,
  functions: Readonly<Record<string, string>>,
  dir: string,
): Promise<{ runs: number; totalSeconds: number; hotspots: RegistryHotspot[] }> {
  const profile = fetch(`http://127.0.0.1:${debugPort}/debug/pprof/profile?seconds=${seconds}`).then(
    async (response) => {
      if (!response.ok) throw new Error(`registry pprof answered ${response.status}`);
      return new Uint8Array(await response.arrayBuffer());
    },
  );
  let done = false;
  void profile.finally(() => (done = true)).catch(() => undefined);
  let runs = 0;
  do {
    await work();
    runs += 1;
  } while (!done);
  const file = join(dir, "registry.pprof");
  await writeFile(file, await profile);
  const registryBinary = (await exec("sh", ["-c", "command -v docker-registry"])).stdout.trim();
  let top: string;
  try {
    top = (
      await exec("go", ["tool", "pprof", "-top", "-cum", "-nodecount=400", registryBinary, file], {
        env: { ...process.env, GOTOOLCHAIN: "local" },
        maxBuffer: 16 * 1024 * 1024,
      })
    ).stdout;
  } catch (error) {
    throw new Error(`go tool pprof failed (is Go installed?): ${(error as Error).message}`, {
      cause: error,
    });
  }
  // "Duration: 12s, Total samples = 13.50s (112.49%)"; rows: flat flat% sum% cum cum% name
  const total = /Total samples = ([\d.]+)(ms|s)/.exec(top);
  const totalSeconds = total === null ? Number.NaN : Number(total[1]) / (total[2] === "ms" ? 1000 : 1);
  const rows = top
    .split("\n")
    .map((line) => /^\s*\S+\s+\S+%\s+\S+%\s+\S+\s+([\d.]+)%\s+(.+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null);
  const hotspots = Object.entries(functions).map(([label, name]) => {
    const row = rows.find((m) => (m[2] ?? "").includes(name));
    return { label, share: row === undefined ? 0 : Number(row[1]) / 100 };
  });
  return { runs, totalSeconds, hotspots };
}
