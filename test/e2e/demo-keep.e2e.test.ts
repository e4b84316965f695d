/**
 * `payloadctl demo --keep` as a user runs it: after the release it leaves everything running and prints
 * how to look; every printed command works as written while it waits; Ctrl-C (SIGINT to its process
 * group, as a terminal sends it) stops it with exit status 0 and nothing it started is left behind (the
 * operator process, the API server, the registry, any process of its group).
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "./e2e-harness.js";
import { describeWithTools } from "../support/required-tool.js";

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "payload-demo-keep-e2e-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether a process with this pid exists. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Whether something answers HTTP at this URL (any status). */
async function answers(url: string): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return true;
  } catch {
    return false;
  }
}

function match(text: string, pattern: RegExp, what: string): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`demo output has no ${what}:\n${text}`);
  return found;
}

describeWithTools(["kubectl", "skopeo"])("payloadctl demo --keep", () => {
  it("leaves everything running after the release, the printed commands work, Ctrl-C stops it all", async () => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(ROOT, "src/cli/payloadctl.ts"),
        "demo",
        "--keep",
        "--speed",
        "10",
        "--oci-dir",
        join(dir, "release-oci"),
      ],
      // Its own process group, as a terminal's foreground job: Ctrl-C signals every process in it.
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
      child.on("exit", (code, signal) => done({ code, signal })),
    );
    try {
      await new Promise<void>((done, fail) => {
        const timer = setInterval(() => {
          if (stdout.includes("Press Ctrl-C to stop everything.")) {
            clearInterval(timer);
            done();
          }
        }, 200);
        void exited.then(({ code }) => {
          clearInterval(timer);
          fail(new Error(`demo exited ${code} before waiting:\n${stdout}\n${stderr}`));
        });
      });

      const kubeconfig = match(stdout, /export KUBECONFIG=(\S+)/, "KUBECONFIG line");
      const operatorPid = Number(match(stdout, /payloadctl operator \(pid (\d+)\)/, "operator pid"));
      const registry = match(stdout, /curl -s http:\/\/(\S+)\/v2\/_catalog/, "registry line");
      const apiServer = match(stdout, /dev cluster:\s+(https?:\/\/\S+)/, "dev cluster URL");
      expect(isRunning(operatorPid)).toBe(true);

      // The printed commands, while the demo waits.
      const env = { ...process.env, KUBECONFIG: kubeconfig };
      const listed = await run("kubectl", ["get", "payloadbuilds,releasestreams", "-A"], { env });
      expect(listed.stdout).toMatch(/payloadbuild\.payload\.okd\.io\/okd-scos-4-17\s+Succeeded/);
      expect(listed.stdout).toMatch(/releasestream\.payload\.okd\.io\/okd-scos-4-17\s.*Accepted/);
      // Every printed command as written (but `tail -f`, which never ends), each must exit 0.
      const printed = stdout
        .slice(stdout.indexOf("look at it from another terminal:"), stdout.indexOf("Press Ctrl-C"))
        .split("\n")
        .slice(1)
        .map((line) => line.replace(/\s+# .*$/, "").trim())
        .filter((line) => line !== "" && !line.startsWith("export ") && !line.startsWith("tail -f"));
      expect(printed).toHaveLength(8);
      for (const command of printed) {
        const result = await run("bash", ["-c", command], { cwd: ROOT, env }).catch((error: unknown) => {
          throw new Error(`${command}: ${String(error)}`);
        });
        expect(result.stdout, command).not.toBe("");
        // The web UI's API answers as release-controller's: the newest Accepted release.
        if (command.includes("/api/v1/releasestream/"))
          expect(JSON.parse(result.stdout), command).toMatchObject({ phase: "Accepted" });
      }
      const catalog = (await (await fetch(`http://${registry}/v2/_catalog`)).json()) as {
        repositories: string[];
      };
      expect(catalog.repositories).toContain("okd-build/okd-release");

      // Ctrl-C: SIGINT to the whole foreground process group, the operator child included.
      process.kill(-(child.pid ?? 0), "SIGINT");
      expect(await exited).toEqual({ code: 0, signal: null });
      expect(stdout).toContain("stopping the operator, builds, cluster and registry ...\nstopped\n");
      expect(isRunning(operatorPid)).toBe(false);
      expect(await answers(`http://${registry}/v2/`)).toBe(false);
      expect(await answers(apiServer)).toBe(false);
      expect(existsSync(kubeconfig)).toBe(false);
      const table = (await run("ps", ["-e", "-o", "pgid=,pid=,args="])).stdout;
      const leftInGroup = table
        .split("\n")
        .filter((line) => line.trim().split(/\s+/)[0] === String(child.pid));
      expect(leftInGroup).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    }
  }, 180_000);
});
