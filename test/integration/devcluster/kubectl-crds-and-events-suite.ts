/**
 * kubectl 1.32 against a dev cluster started without CRDs: `kubectl apply -f crds/` registers our
 * kinds, and events written through `events.k8s.io/v1` show in `kubectl get events` and in the
 * Events section of `kubectl describe`.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFixture, type ClusterFixture } from "./cluster-fixture.js";

const run = promisify(execFile);
const NS = "okd-build";
const NAME = "okd-scos-4-17";

let f: ClusterFixture;
let work: string;
beforeAll(async () => {
  f = await startFixture({ crdDirs: [] });
  work = await mkdtemp(join(tmpdir(), "devcluster-kubectl-events-"));
});
afterAll(async () => {
  await f.cluster.stop();
  await rm(work, { recursive: true, force: true });
});

async function kubectl(...list: string[]): Promise<string> {
  const args = ["--kubeconfig", f.cluster.kubeconfigPath, "--cache-dir", join(work, "cache"), ...list];
  const { stdout } = await run("kubectl", args, { timeout: 30_000 });
  return stdout;
}

describe("kubectl with CRDs applied at run time", () => {
  it("registers our kinds with `kubectl apply -f crds/`", async () => {
    const applied = await kubectl("apply", "-f", "crds/");
    expect(applied).toContain(
      "customresourcedefinition.apiextensions.k8s.io/payloadbuilds.payload.okd.io created",
    );
    expect(applied).toContain(
      "customresourcedefinition.apiextensions.k8s.io/releasestreams.payload.okd.io created",
    );
    await kubectl("create", "namespace", NS);
    expect(await kubectl("apply", "-f", "config/samples/payloadbuild.yaml")).toContain(
      `payloadbuild.payload.okd.io/${NAME} created`,
    );
  });

  it("lists an events.k8s.io/v1 event with `kubectl get events` and in `kubectl describe`", async () => {
    const uid = (
      await kubectl("get", "payloadbuild", NAME, "-n", NS, "-o", "jsonpath={.metadata.uid}")
    ).trim();
    expect(uid).not.toBe("");
    const event = [
      "apiVersion: events.k8s.io/v1",
      "kind: Event",
      "metadata:",
      "  name: okd-scos-4-17.landed",
      `  namespace: ${NS}`,
      "eventTime: 2026-11-21T12:00:00.000000Z",
      "reportingController: payload.okd.io/payload-build-controller",
      "reportingInstance: operator-0",
      "action: Assemble",
      "reason: ReleaseAssembled",
      "type: Normal",
      "note: release 4.17.0-0.okd-scos assembled from 14 components",
      "regarding:",
      "  apiVersion: payload.okd.io/v1alpha1",
      "  kind: PayloadBuild",
      `  namespace: ${NS}`,
      `  name: ${NAME}`,
      `  uid: ${uid}`,
      "",
    ].join("\n");
    await writeFile(join(work, "event.yaml"), event);
    expect(await kubectl("create", "-f", join(work, "event.yaml"))).toContain("event.events.k8s.io/");

    const listed = await kubectl("get", "events", "-n", NS);
    expect(listed).toMatch(/ReleaseAssembled/);
    expect(listed).toContain("release 4.17.0-0.okd-scos assembled from 14 components");

    const viaEventsApi = await kubectl("get", "events.v1.events.k8s.io", "-n", NS);
    expect(viaEventsApi).toMatch(/Normal\s+ReleaseAssembled\s+okd-scos-4-17\s+release 4\.17/);

    const described = await kubectl("describe", "payloadbuild", NAME, "-n", NS);
    const section = described.slice(described.indexOf("Events:"));
    expect(section).toMatch(/Normal\s+ReleaseAssembled/);
    expect(section).toContain("release 4.17.0-0.okd-scos assembled from 14 components");
  });
});
