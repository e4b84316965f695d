/**
 * Long-running child processes for test environments: started with their output in a log file,
 * stopped by PID (SIGTERM, then SIGKILL after a grace period), and killed when the test process
 * exits so that a crashed test run leaves nothing behind.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { open, readFile } from "node:fs/promises";
import { createServer } from "node:net";

/** A started child process. */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** True once the process has exited. */
  hasExited(): boolean;
  /** The last `lines` lines of its log. */
  tail(lines?: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

/** Starts `command args` with stdout and stderr appended to `logFile`. */
export async function startProcess(
  name: string,
  command: string,
  args: readonly string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ManagedProcess> {
  installExitHook();
  const log = await open(logFile, "a");
  const child = spawn(command, args, { stdio: ["ignore", log.fd, log.fd], env });
  await log.close();
  const pid = child.pid;
  if (pid === undefined) {
    const error = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new Error(`${name}: cannot start ${command}: ${error.message}`);
  }
  running.add(child);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once("exit", () => {
      exited = true;
      running.delete(child);
      resolve();
    }),
  );
  const tail = async (lines = 30): Promise<string> => {
    const text = await readFile(logFile, "utf8").catch(() => "");
    return text
      .split("\n")
      .slice(-lines - 1)
      .join("\n");
  };
  return {
    name,
    pid,
    logFile,
    hasExited: () => exited,
    tail,
    stop: async (graceMs = 10_000) => {
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` every 100 ms until it returns true; throws with `process`'s log tail when the process
 * exits first or `timeoutMs` passes.
 */
export async function waitUntilReady(
  process: ManagedProcess,
  what: string,
  probe: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (process.hasExited() || Date.now() > deadline)
      throw new Error(
        `${process.name} ${process.hasExited() ? "exited" : "timed out"} before ${what}; log ${process.logFile}:\n${await process.tail()}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
}
