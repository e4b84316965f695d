/**
 * Runs `payloadctl operator` as a child process (as in a pod: its own process, its own
 * kubeconfig), its JSON logs going to a file. Used by the demo and the end-to-end tests.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile } from "node:fs/promises";

/** Options of {@link startOperatorProcess}. */
export interface OperatorProcessOptions {
  /** The command that runs payloadctl, e.g. `[process.execPath, "--import", "tsx", "src/cli/payloadctl.ts"]`. */
  readonly payloadctl: readonly string[];
  readonly kubeconfig: string;
  /** Further `payloadctl operator` flags. */
  readonly args?: readonly string[];
  /** File receiving the process's stdout and stderr (appended to). */
  readonly logFile: string;
  readonly cwd?: string;
}

/** A running operator process. */
export interface OperatorProcess {
  readonly pid: number;
  /** Resolves with the exit code (or the signal's name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** Sends `signal` (e.g. `SIGKILL` to simulate a crash) and waits for the exit. */
  kill(signal: NodeJS.Signals): Promise<number | string>;
  /** Graceful stop: SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<number | string>;
  /** The last `lines` lines of the log file. */
  tail(lines?: number): Promise<string>;
}

function exitOf(child: ChildProcess): Promise<number | string> {
  return new Promise((resolve) => {
    child.once("exit", (code, signal) => resolve(code ?? signal ?? "unknown"));
  });
}

/** Starts the operator; resolves once the process is spawned (not once it is leading). */
export async function startOperatorProcess(options: OperatorProcessOptions): Promise<OperatorProcess> {
  const [command, ...prefix] = options.payloadctl;
  if (command === undefined) throw new Error("startOperatorProcess: payloadctl command is empty");
  const log = openSync(options.logFile, "a");
  const child = spawn(
    command,
    [...prefix, "operator", "--kubeconfig", options.kubeconfig, ...(options.args ?? [])],
    {
      stdio: ["ignore", log, log],
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
    },
  );
  closeSync(log);
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", () => resolve());
    child.once("error", reject);
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${command}`);
  let exited = false;
  const exit = exitOf(child).then((code) => {
    exited = true;
    return code;
  });
  const kill = async (signal: NodeJS.Signals): Promise<number | string> => {
    if (!exited) child.kill(signal);
    return exit;
  };
  return {
    pid,
    exited: exit,
    hasExited: () => exited,
    kill,
    stop: async (graceMs = 10_000) => {
      if (exited) return exit;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      try {
        return await exit;
      } finally {
        clearTimeout(timer);
      }
    },
    tail: async (lines = 20) => {
      const text = await readFile(options.logFile, "utf8").catch(() => "");
      return text.trimEnd().split("\n").slice(-lines).join("\n");
    },
  };
}
