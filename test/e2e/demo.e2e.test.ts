/**
 * `payloadctl demo` (what `npm run demo` runs) as a user runs it: a child process that must exit 0
 * and leave behind an OCI layout that skopeo and `payloadctl release-info` read after it exited,
 * on the dev cluster and on the real control plane (`--control-plane real`);
 * and a failure that exits 1 with a message saying what is wrong.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ROOT } from "./e2e-harness.js";
import { describeWithTools } from "../support/required-tool.js";

const run = promisify(execFile);
const RELEASE = "4.17.0-0.okd-scos-2026-11-21-120000";
let dir: string;

function payloadctl(...args: string[]) {
  return run(process.execPath, ["--import", "tsx", join(ROOT, "src/cli/payloadctl.ts"), ...args], {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "payload-demo-e2e-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describeWithTools(["skopeo"])("payloadctl demo", () => {
  it("builds the sample payload and leaves the release in an OCI layout that outlives it", async () => {
    const oci = join(dir, "release-oci");
    const { stdout } = await payloadctl("demo", "--speed", "10", "--oci-dir", oci);
    expect(stdout).toMatch(/Succeeded: 25\/25 landed/);
    expect(stdout).toMatch(new RegExp(`release ${RELEASE.replace(/\./g, "\\.")} pushed in [\\d.]+ s:`));
    expect(stdout).toMatch(/127\.0\.0\.1:\d+\/okd-build\/okd-release@sha256:[0-9a-f]{64}/);
    expect(stdout).toContain(`oci:${oci}:${RELEASE}`);
    expect(stdout).toMatch(/Name:\s+4\.17\.0-0\.okd-scos/);
    expect(stdout).toMatch(
      /4\.17\.0-0\.okd-scos-\d{4}-\d{2}-\d{2}-\d{6}\s+Accepted\s+\d+s\s+sha256:[0-9a-f]{12}\s+release-info=ok/,
    );

    const inspected = JSON.parse((await run("skopeo", ["inspect", `oci:${oci}:${RELEASE}`])).stdout) as {
      Labels: Record<string, string>;
    };
    expect(inspected.Labels["io.openshift.release"]).toBe(RELEASE);
    const info = await payloadctl("release-info", `oci:${oci}:${RELEASE}`);
    expect(info.stdout).toContain(`Name:      ${RELEASE}`);
    expect(info.stdout).toMatch(/cluster-version-operator\s+127\.0\.0\.1:\d+\/okd-build\/release@sha256:/);
  }, 120_000);

  it("runs the same demo on the real control plane, with the operator as its own ServiceAccount", async () => {
    const oci = join(dir, "release-oci-real");
    const { stdout } = await payloadctl("demo", "--control-plane", "real", "--speed", "10", "--oci-dir", oci);
    expect(stdout).toMatch(/control plane:\s+kube-apiserver v1\.37\.2 at https:\/\/127\.0\.0\.1:\d+/);
    expect(stdout).toContain(
      "operator identity:    ServiceAccount okd-payload-operator-system/okd-payload-operator-controller-manager",
    );
    expect(stdout).toMatch(/Succeeded: 25\/25 landed/);
    expect(stdout).toContain(`oci:${oci}:${RELEASE}`);
    const info = await payloadctl("release-info", `oci:${oci}:${RELEASE}`);
    expect(info.stdout).toContain(`Name:      ${RELEASE}`);
  }, 180_000);

  it("exits 1 naming the problem when the destination is not a registry", async () => {
    const failed = await payloadctl(
      "demo",
      "--to",
      "oci:/tmp/nowhere",
      "--oci-dir",
      join(dir, "unused"),
    ).then(
      () => undefined,
      (error: unknown) => error as { code: number; stderr: string },
    );
    expect(failed?.code).toBe(1);
    // Checked before anything starts, with the form it must have.
    expect(failed?.stderr).toContain(
      "option '--to <docker://registry/repo>' argument 'oci:/tmp/nowhere' is invalid. must be docker://REGISTRY/REPOSITORY[:TAG], e.g. docker://quay.io/me/okd-release",
    );
  }, 60_000);
});
