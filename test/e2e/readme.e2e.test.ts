/**
 * Every command of README.md, as written, on the local cluster (`npx payloadctl dev`): the commands
 * are extracted from its ```sh blocks; each one is either run here or listed in SKIPPED with the
 * reason, so a new README command fails this test until it is run or explained.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readmeCommands } from "../support/readme-commands.js";
import { ROOT } from "./e2e-harness.js";

/** Commands not run here, by their start, and why. */
const SKIPPED: readonly (readonly [string, string])[] = [
  ["npm ci && npm run demo", "reinstalls node_modules under the running tests; the demo: demo.e2e.test.ts"],
  ["npm test", "the suite this test is part of"],
  [
    "npm run control-plane --",
    "runs in the foreground until Ctrl-C; test/integration/control-plane covers it",
  ],
  ["npm run demo -- --control-plane real", "demo.e2e.test.ts runs it"],
  [
    "buildah bud -t quay.io/okd/okd-payload-operator",
    "its base image is on Docker Hub, out of reach here; test/integration/image/operator-image.test.ts builds the Dockerfile with buildah on a local stand-in",
  ],
  ...[
    "kubectl apply -f deploy/argocd/",
    "npm run olm-tools:build",
    ".tools/bin/olm-validate ",
    ".tools/bin/opm ",
    "buildah bud -f deploy/olm/",
    "buildah push quay.io/okd/okd-payload-operator-",
    "kubectl apply -f deploy/olm/install/",
    "kubectl get csv ",
  ].map(
    (start) =>
      [
        start,
        "Argo CD and OLM sections: test/olm/install-commands.real.test.ts runs them on the real kube-apiserver (or says why not)",
      ] as const,
  ),
];

const commands = readmeCommands(join(ROOT, "README.md"));
const skipReason = (line: string): string | undefined =>
  SKIPPED.find(([start]) => line.startsWith(start))?.[1];
const toRun = commands.filter((c) => skipReason(c.line) === undefined).map((c) => c.line);
const [devLine, ...scriptLines] = toRun;
const leftovers = ["dev.env", "operator.log", "pb.yaml"];

let dev: ChildProcess | undefined;
let devOutput = "";
let registry = "";

/** Signals a process group (npx runs `sh -c payloadctl`, which passes no signal on, as a terminal would). */
function killGroup(child: ChildProcess | undefined, signal: NodeJS.Signals): void {
  if (child?.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

afterAll(async () => {
  killGroup(dev, "SIGKILL");
  for (const file of leftovers) await rm(join(ROOT, file), { force: true });
});

function runBash(script: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn("bash", ["-e", "-o", "pipefail", "-x", "-c", script], { cwd: ROOT, detached: true });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      killGroup(child, "SIGTERM"); // the operator started with `&`, if a line failed before `kill $!`
      done({ code, output });
    });
  });
}

describe("README commands", () => {
  it("each command is run below or skipped with a reason", () => {
    for (const { line } of commands)
      process.stdout.write(`${skipReason(line) ? `skip (${skipReason(line) ?? ""})` : "run "}: ${line}\n`);
    expect(devLine).toMatch(/^npx payloadctl dev /);
    expect(SKIPPED.filter(([start]) => !commands.some((c) => c.line.startsWith(start)))).toEqual([]);
  });

  it("the cluster section and the payloadctl examples work as written on npx payloadctl dev", async () => {
    dev = spawn("bash", ["-c", `exec ${devLine ?? ""}`], { cwd: ROOT, detached: true });
    dev.stdout?.on("data", (chunk: Buffer) => (devOutput += chunk.toString()));
    dev.stderr?.on("data", (chunk: Buffer) => (devOutput += chunk.toString()));
    for (let i = 0; i < 1200 && !devOutput.includes("Press Ctrl-C to stop."); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    // The registry on the free port it chose, as dev.env (which the README sources) says.
    registry = /REGISTRY='([^']+)'/.exec(await readFile(join(ROOT, "dev.env"), "utf8"))?.[1] ?? "";
    expect(devOutput).toContain(`integrated registry:  ${registry}`);

    // The lines in one shell, as a user types them; the operator started with `&` is stopped last.
    const result = await runBash(`${scriptLines.join("\n")}\nkill $!\nwait $! || true\n`, 240_000);
    expect(result.output).toContain("deployment.apps/okd-payload-operator-controller-manager created");
    expect(result.output).toContain("payloadbuild.payload.okd.io/okd-scos-4-17 created");
    expect(result.output).toMatch(
      new RegExp(
        `Release: +4\\.17\\.0-0\\.okd-scos-2026-11-21-120000 ${registry.replaceAll(".", "\\.")}/okd-build/okd-release@sha256:`,
      ),
    );
    expect(result.output).toContain('"okd-build/okd-release"');
    expect(result.output).toContain("flowchart LR");
    // The ReleaseStream sample: a release cut from the PayloadBuild's images, verified and accepted.
    expect(result.output).toContain("releasestream.payload.okd.io/okd-scos-4-17 created");
    expect(result.output).toContain("releasestream.payload.okd.io/okd-scos-4-17 condition met");
    expect(result.output).toMatch(/4\.17\.0-0\.okd-scos-\d{4}-\d\d-\d\d-\d{6} +Accepted/);
    expect(result.output).toContain("payloadbuild.payload.okd.io/release created (server dry run)");
    // Install on a cluster: the namespaced variant's Role in place of the ClusterRole
    expect(result.output).toContain(
      "role.rbac.authorization.k8s.io/okd-payload-operator-manager-role created",
    );
    expect(result.code, result.output).toBe(0);

    // SIGTERM to npx alone (not its process group: npx runs `sh -c payloadctl`, and sh passes no
    // signal on) still stops the server promptly, and nothing is left listening.
    const exited = new Promise((resolve) => dev?.on("exit", resolve));
    const sent = Date.now();
    dev?.kill("SIGTERM");
    await exited;
    for (let i = 0; i < 100 && !devOutput.includes("dev cluster stopped"); i++)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(Date.now() - sent).toBeLessThan(10_000);
    expect(devOutput).toContain("dev cluster stopped (SIGTERM)");
    const [host, port] = registry.split(":");
    const stillListening = await new Promise<boolean>((done) => {
      const socket = connect({ host: host ?? "", port: Number(port) }, () => done(true));
      socket.on("error", () => done(false));
      socket.on("connect", () => socket.destroy());
    });
    expect(stillListening).toBe(false);
  }, 400_000);
});
