/**
 * A command run as a child process with its own CPU time measured: wrapped in GNU time
 * (`/usr/bin/time -f "%U %S"`, Debian package `time`) when that is installed, so a bench can show what a
 * fresh process costs the machine beside its wall time. Node cannot read a child's rusage itself.
 * Uses the async `execFile`: a synchronous spawn would block the event loop and, with it, the log pipe
 * of any server the bench started (a docker-registry whose pipe fills up stops answering).
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** Where GNU time is expected. */
export const GNU_TIME = "/usr/bin/time";

/** Whether child CPU times can be measured here (GNU time installed). */
export const canMeasureChildCpu = (): boolean => existsSync(GNU_TIME);

/** The output of one child run and, when GNU time is installed, its user + system CPU seconds. */
export interface ChildRun {
  readonly stdout: string;
  readonly stderr: string;
  /** User + system CPU seconds of the child (and of any children it waited for); absent without GNU time. */
  readonly cpuSeconds?: number;
}

/** Options passed on to `execFile`. */
export interface ChildRunOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly maxBuffer?: number;
}

/**
 * Runs `command args` to completion (rejects as `execFile` does when it fails) and returns its output,
 * with its CPU time when GNU time is installed. GNU time writes its figures to a file of its own, so the
 * child's stderr is left as the child wrote it.
 */
export async function execWithCpu(
  command: string,
  args: readonly string[],
  options: ChildRunOptions = {},
): Promise<ChildRun> {
  const execOptions = { maxBuffer: 64 * 1024 * 1024, ...options };
  if (!canMeasureChildCpu()) return exec(command, args, execOptions);
  const figures = join(tmpdir(), `child-cpu-${randomUUID()}.txt`);
  try {
    const { stdout, stderr } = await exec(
      GNU_TIME,
      ["-o", figures, "-f", "%U %S", command, ...args],
      execOptions,
    );
    return { stdout, stderr, cpuSeconds: parseGnuTimeCpu(await readFile(figures, "utf8")) };
  } finally {
    await rm(figures, { force: true });
  }
}

/** User + system seconds from GNU time's `-f "%U %S"` output (its last line; earlier lines are notes). */
export function parseGnuTimeCpu(text: string): number {
  const last = text.trim().split("\n").at(-1) ?? "";
  const [user, system] = last.trim().split(/\s+/).map(Number);
  if (user === undefined || system === undefined || !Number.isFinite(user) || !Number.isFinite(system))
    throw new Error(`cannot read user and system seconds from GNU time output ${JSON.stringify(text)}`);
  return user + system;
}
