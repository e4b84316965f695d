/**
 * Restarting the build system mid-build: the running Build resumes from its recorded start time
 * and produces the same image digest as an undisturbed build of the same inputs.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BUILDS, startBuildSystem, type BuildObject } from "../../../src/devcluster/builds/index.js";
import type { DevCluster } from "../../../src/devcluster/dev-cluster.js";
import { startRegistryServer } from "../../../src/devcluster/registry/index.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { createNamespace, startClusterAndClient } from "../../support/dev-cluster-fixture.js";
import { waitFor } from "../../support/wait-for.js";
import { createImageStream } from "./support.js";

let dir: string;
let registry: Awaited<ReturnType<typeof startRegistryServer>>;
let cluster: DevCluster;
let client: KubeClient;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "builds-restart-"));
  registry = await startRegistryServer({ dir });
  ({ cluster, client } = await startClusterAndClient());
});

afterAll(async () => {
  await cluster.stop();
  await registry.stop();
  await rm(dir, { recursive: true, force: true });
});

const build = (namespace: string, name: string, stream: string) => ({
  apiVersion: "build.openshift.io/v1",
  kind: "Build",
  metadata: { name, namespace },
  spec: {
    source: { git: { uri: "https://github.com/openshift/etcd", ref: "openshift-4.17" } },
    strategy: { dockerStrategy: { from: { kind: "DockerImage", name: "quay.io/centos/centos:stream9" } } },
    output: { to: { kind: "ImageStreamTag", name: `${stream}:etcd` } },
  },
});

const finished = (namespace: string, name: string): Promise<BuildObject> =>
  waitFor(async () => {
    const b = await client.get(BUILDS, { namespace, name });
    return ["Complete", "Failed"].includes(b.status?.phase ?? "") ? b : undefined;
  }, `build ${name} to finish`);

const digestOf = (b: BuildObject): string | undefined =>
  (b.status as { output?: { to?: { imageDigest?: string } } } | undefined)?.output?.to?.imageDigest;

it("resumes a running build after a restart and gives it the undisturbed digest", async () => {
  const ns = await createNamespace(client, "restart");
  const options = {
    kubeConfig: cluster.kubeConfig,
    registry,
    profile: { components: { etcd: { durationMs: 1500 } } },
  };
  const first = await startBuildSystem(options);
  await createImageStream(client, ns, "release");
  await createImageStream(client, ns, "other");
  await client.create(BUILDS, build(ns, "etcd-1", "release"));
  const running = await waitFor(async () => {
    const b = await client.get(BUILDS, { namespace: ns, name: "etcd-1" });
    return b.status?.phase === "Running" ? b : undefined;
  }, "etcd-1 to run");
  await first.stop();
  expect((await client.get(BUILDS, { namespace: ns, name: "etcd-1" })).status?.phase).toBe("Running");

  const second = await startBuildSystem(options);
  try {
    const resumed = await finished(ns, "etcd-1");
    expect(resumed.status?.phase).toBe("Complete");
    expect(resumed.status?.startTimestamp).toBe(running.status?.startTimestamp);
    await client.create(BUILDS, build(ns, "etcd-undisturbed", "other"));
    const undisturbed = await finished(ns, "etcd-undisturbed");
    expect(digestOf(resumed)).toMatch(/^sha256:/);
    expect(digestOf(undisturbed)).toBe(digestOf(resumed));
  } finally {
    await second.stop();
  }
});
