/**
 * The PayloadBuild controller in-process against the dev cluster, its integrated registry and the
 * simulated build system: a small payload goes to Ready=True with a pushed release; a component
 * that always fails is retried, then Failed, its dependents Blocked, and no release is pushed.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PayloadBuildStatusSchema, type PayloadBuildStatus } from "../../../src/api/index.js";
import { createBuildBackends } from "../../../src/builds/build-backends.js";
import { BUILDS } from "../../../src/builds/build-resources.js";
import { startDevCluster, type DevCluster } from "../../../src/devcluster/dev-cluster.js";
import { buildSystemAddon, type BuildSystemAddon } from "../../../src/devcluster/builds/index.js";
import { startRegistryServer, type RunningRegistryServer } from "../../../src/devcluster/registry/index.js";
import { createKubeClient, type KubeClient } from "../../../src/kube/kube-client.js";
import { EVENTS } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import {
  PAYLOAD_BUILDS,
  setupPayloadBuildController,
} from "../../../src/payload-build/payload-build-controller.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import { readReleaseInfo } from "../../../src/release-image/read-release-info.js";
import { Manager } from "../../../src/runtime/manager.js";
import { createNamespace as createTestNamespace } from "../../support/dev-cluster-fixture.js";
import { eventually as pollUntilTrue } from "../../support/wait-for.js";

const CENTOS = "quay.io/centos/centos:stream9";
const RELEASE = "4.17.0-0.okd-2026-11-21-120000";

let dir: string;
let registry: RunningRegistryServer;
let builds: BuildSystemAddon;
let cluster: DevCluster;
let client: KubeClient;
let manager: Manager;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "payload-build-it-"));
  registry = await startRegistryServer({ dir: join(dir, "registry") });
  builds = buildSystemAddon({
    registry,
    speed: 30,
    profile: {
      components: {
        "cluster-version-operator": { operator: true, references: ["cluster-version-operator"] },
        "dns-operator": { operator: true, references: ["dns-operator", "coredns"] },
      },
    },
  });
  cluster = await startDevCluster({ addons: [builds] });
  client = createKubeClient(cluster.kubeConfig, { requestTimeoutMs: 10_000 });
  manager = await startController();
}, 30_000);

afterAll(async () => {
  await manager?.stop();
  await cluster?.stop();
  await registry?.stop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

/** Starts a manager running the PayloadBuild controller (a fresh operator process, in effect). */
async function startController(): Promise<Manager> {
  const m = new Manager({ client, logger: silentLogger(), registry: new Registry(), processMetrics: false });
  setupPayloadBuildController({
    manager: m,
    client,
    backends: createBuildBackends(),
    events: m.eventRecorder("payload.okd.io/operator", "it", { qps: 50, burst: 100 }),
    registryOptions: { insecureRegistries: [registry.host] },
    statusMinIntervalMs: 1000,
    retryDelayMs: () => 200,
  });
  await m.start();
  return m;
}

function createNamespace(prefix: string): Promise<string> {
  return createTestNamespace(client, prefix);
}

function component(name: string, from: string) {
  return { name, source: { git: { uri: `https://github.com/okd-project/${name}` } }, from };
}

function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  return pollUntilTrue(condition, what, timeoutMs, 100);
}

async function statusOf(namespace: string, name: string): Promise<PayloadBuildStatus | undefined> {
  const pb = await client.get(PAYLOAD_BUILDS, { namespace, name });
  const parsed = PayloadBuildStatusSchema.safeParse(pb["status"] ?? {});
  return parsed.success ? parsed.data : undefined;
}

async function waitForStatus(
  namespace: string,
  name: string,
  what: string,
  done: (s: PayloadBuildStatus) => boolean,
  timeoutMs = 40_000,
): Promise<PayloadBuildStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: PayloadBuildStatus | undefined;
  for (;;) {
    last = await statusOf(namespace, name);
    if (last !== undefined && done(last)) return last;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last, null, 1)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("PayloadBuild controller against the dev cluster", () => {
  it("builds a small payload in dependency order and pushes the release", async () => {
    const ns = await createNamespace("payload");
    await client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: ns },
      spec: {
        imageStream: "release",
        concurrency: 2,
        components: [
          component("base", CENTOS),
          component("cluster-version-operator", "base"),
          component("dns-operator", "base"),
          component("coredns", "base"),
          component("cli", "base"),
        ],
        release: { name: RELEASE, to: `docker://${registry.host}/${ns}/release` },
      },
    });
    const status = await waitForStatus(ns, "okd", "Ready=True", (s) =>
      (s.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
    );
    expect(status.phase).toBe("Succeeded");
    expect(status.observedGeneration).toBe(1);
    expect(status.counts).toMatchObject({ total: 5, landed: 5 });
    expect(
      status.components?.every((c) => c.state === "Landed" && /@sha256:[0-9a-f]{64}$/.test(c.image ?? "")),
    ).toBe(true);
    expect(status.components?.every((c) => c.inputHash?.startsWith("sha256:"))).toBe(true);
    const digest = status.release?.digest ?? "";
    expect(digest).toMatch(/^sha256:/);
    expect(status.release?.image).toBe(`${registry.host}/${ns}/release@${digest}`);

    // The pushed release is readable and names the components by the digests in the status.
    const info = await readReleaseInfo(`docker://${registry.host}/${ns}/release@${digest}`, {
      openStore: (ref) => openImageStore(ref, { insecureRegistries: [registry.host] }),
    });
    expect(info.name).toBe(RELEASE);
    const references = new Map(
      (info.imageReferences.spec?.tags ?? []).map((t) => [t.name, t.from?.name ?? ""] as const),
    );
    const dns = status.components?.find((c) => c.name === "dns-operator")?.image ?? "";
    expect(references.get("dns-operator")?.split("@")[1]).toBe(dns.split("@")[1]);

    // One Build per component (no retries, nothing built twice) and an Event with the digest.
    const created = await client.list(BUILDS, { namespace: ns });
    expect(created.items.map((b) => b.metadata.name).sort()).toEqual([
      "okd-base-1",
      "okd-cli-1",
      "okd-cluster-version-operator-1",
      "okd-coredns-1",
      "okd-dns-operator-1",
    ]);
    const events = await client.list(EVENTS, { namespace: ns });
    const notes = events.items.map((e) => String(e["note"] ?? ""));
    expect(notes.some((n) => n.includes(digest))).toBe(true);
  }, 60_000);

  it("retries failed builds: a flaky component lands; a broken one fails, blocks its dependents, no release", async () => {
    const ns = await createNamespace("failing");
    builds.setBehaviour("broken", { failAlways: true, logSnippet: "error: cannot find package foo" });
    builds.setBehaviour("flaky", { failTimes: 1 });
    await client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: ns },
      spec: {
        imageStream: "release",
        retry: { maxAttempts: 2 },
        components: [
          component("base", CENTOS),
          component("broken", "base"),
          component("needs-broken", "broken"),
          component("flaky", "base"),
          component("cluster-version-operator", "base"),
        ],
        release: { name: RELEASE, to: `docker://${registry.host}/${ns}/release` },
      },
    });
    const status = await waitForStatus(ns, "okd", "phase Failed", (s) => s.phase === "Failed");
    const byName = new Map((status.components ?? []).map((c) => [c.name, c]));
    expect(byName.get("broken")).toMatchObject({ state: "Failed", attempts: 2, build: "okd-broken-2" });
    expect(byName.get("needs-broken")).toMatchObject({
      state: "Blocked",
      message: "blocked: dependency broken failed",
    });
    expect(byName.get("cluster-version-operator")?.state).toBe("Landed");
    expect(byName.get("flaky")).toMatchObject({ state: "Landed", attempts: 2, build: "okd-flaky-2" });
    const degraded = status.conditions?.find((c) => c.type === "Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "ComponentFailed" });
    expect(degraded?.message).toContain("broken");
    expect(degraded?.message).toContain("cannot find package foo");
    expect(status.release).toBeUndefined();
    const created = await client.list(BUILDS, { namespace: ns });
    expect(created.items.map((b) => b.metadata.name).sort()).toEqual([
      "okd-base-1",
      "okd-broken-1",
      "okd-broken-2",
      "okd-cluster-version-operator-1",
      "okd-flaky-1",
      "okd-flaky-2",
    ]);
  }, 60_000);

  it("resumes after an operator restart mid-build: nothing built twice, the same release digest", async () => {
    const ns = await createNamespace("restart");
    const payloadBuild = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: ns },
      spec: {
        imageStream: "release",
        concurrency: 2,
        components: [
          component("base", CENTOS),
          component("slow-operand", "base"),
          component("cluster-version-operator", "base"),
          component("cli", "base"),
        ],
        release: { name: RELEASE, to: `docker://${registry.host}/${ns}/release` },
      },
    };
    const expectedBuilds = [
      "okd-base-1",
      "okd-cli-1",
      "okd-cluster-version-operator-1",
      "okd-slow-operand-1",
    ];
    const buildNames = async (): Promise<string[]> =>
      (await client.list(BUILDS, { namespace: ns })).items.map((o) => o.metadata.name).sort();

    // An undisturbed run, then the PayloadBuild is deleted: its Builds go with it (garbage collection).
    builds.setBehaviour("slow-operand", { durationMs: 120_000 });
    await client.create(PAYLOAD_BUILDS, payloadBuild);
    const undisturbed = await waitForStatus(ns, "okd", "Ready=True", (s) => s.phase === "Succeeded");
    expect(await buildNames()).toEqual(expectedBuilds);
    await client.delete(PAYLOAD_BUILDS, { namespace: ns, name: "okd" });
    await eventually(async () => (await buildNames()).length === 0, "the Builds to be garbage collected");
    await eventually(
      async () => (await client.list(PAYLOAD_BUILDS, { namespace: ns })).items.length === 0,
      "the PayloadBuild to be gone",
    );

    // The same PayloadBuild again, with the operator restarted while slow-operand builds.
    await client.create(PAYLOAD_BUILDS, payloadBuild);
    await waitForStatus(ns, "okd", "slow-operand building", (s) =>
      (s.components ?? []).some((c) => c.name === "slow-operand" && c.state === "Building"),
    );
    await manager.stop();
    manager = await startController();
    const restarted = await waitForStatus(ns, "okd", "Ready=True", (s) => s.phase === "Succeeded");
    expect(await buildNames()).toEqual(expectedBuilds);
    expect(restarted.release?.digest).toMatch(/^sha256:/);
    expect(restarted.release?.digest).toBe(undisturbed.release?.digest);
  }, 60_000);

  it("writes the status of a 100-component payload fewer times than half its components", async () => {
    const ns = await createNamespace("wide");
    const leaves = Array.from({ length: 98 }, (_, i) => component(`operand-${i}`, "base"));
    await client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: ns },
      spec: {
        imageStream: "release",
        concurrency: 50,
        components: [component("base", CENTOS), component("cluster-version-operator", "base"), ...leaves],
        release: { name: RELEASE, to: `docker://${registry.host}/${ns}/release` },
      },
    });
    const status = await waitForStatus(ns, "okd", "Ready=True", (s) => s.phase === "Succeeded", 50_000);
    expect(status.counts).toMatchObject({ total: 100, landed: 100 });
    const writes = cluster.audit.filter({
      resource: "payloadbuilds",
      subresource: "status",
      namespace: ns,
      verb: "update",
    });
    expect(writes.length).toBeGreaterThan(1);
    // Progress-only writes are at least 1 s apart (statusMinIntervalMs), so even on a slow machine
    // the status is written far fewer times than there are components (and build events).
    expect(writes.length).toBeLessThan(50);
  }, 60_000);

  it("reports an invalid spec as Ready=False InvalidSpec with every problem, and builds nothing", async () => {
    const ns = await createNamespace("invalid");
    await client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: ns },
      spec: {
        imageStream: "release",
        components: [component("base", "bse"), component("cli", "cli")],
        release: { name: RELEASE, to: `docker://${registry.host}/${ns}/release` },
      },
    });
    const status = await waitForStatus(ns, "okd", "phase Invalid", (s) => s.phase === "Invalid");
    const ready = status.conditions?.find((c) => c.type === "Ready");
    expect(ready).toMatchObject({ status: "False", reason: "InvalidSpec" });
    expect(ready?.message).toContain("spec.components[0].from");
    expect(ready?.message).toContain("spec.components[1].from");
    expect(ready?.message).toContain("cluster-version-operator");
    expect((await client.list(BUILDS, { namespace: ns })).items).toEqual([]);
    await eventually(
      async () =>
        (await client.list(EVENTS, { namespace: ns })).items.some((e) => e["reason"] === "InvalidSpec"),
      "an InvalidSpec Event",
    );
  }, 30_000);

  it("rebuilds only the changed component when the spec changes mid-build", async () => {
    const ns = await createNamespace("change");
    builds.setBehaviour("slow", { durationMs: 120_000 });
    const components = [
      component("base", CENTOS),
      component("slow", "base"),
      component("cluster-version-operator", "base"),
    ];
    await client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: ns },
      spec: {
        imageStream: "release",
        components,
        release: { name: RELEASE, to: `docker://${registry.host}/${ns}/release` },
      },
    });
    await waitForStatus(ns, "okd", "slow building", (s) =>
      (s.components ?? []).some((c) => c.name === "slow" && c.state === "Building"),
    );
    builds.setBehaviour("slow", { durationMs: 3_000 });
    await client.patch(
      PAYLOAD_BUILDS,
      { namespace: ns, name: "okd" },
      {
        type: "json",
        operations: [{ op: "add", path: "/spec/components/1/buildArgs", value: { VERSION: "2" } }],
      },
    );
    const status = await waitForStatus(
      ns,
      "okd",
      "Ready=True of generation 2",
      (s) => s.phase === "Succeeded" && s.observedGeneration === 2,
    );
    expect(status.components?.find((c) => c.name === "slow")?.build).toBe("okd-slow-2");
    const buildObjects = (await client.list(BUILDS, { namespace: ns })).items;
    const names = buildObjects.map((b) => b.metadata.name).sort();
    // The unchanged components are not built again; the changed one is built for the new spec.
    expect(names.filter((n) => !n.startsWith("okd-slow-"))).toEqual([
      "okd-base-1",
      "okd-cluster-version-operator-1",
    ]);
    expect(names).toContain("okd-slow-2");
    // The outdated build is deleted while it runs; one that finished before the change was seen
    // (the simulated build sped up to 3 s may win that race) stays as history, never running.
    const outdated = buildObjects.find((b) => b.metadata.name === "okd-slow-1") as
      { status?: { phase?: string } } | undefined;
    expect(["Complete", undefined]).toContain(outdated?.status?.phase);
  }, 60_000);
});
