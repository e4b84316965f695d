import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { createBuildBackends, buildChildResources } from "../../../src/builds/build-backends.js";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { AlreadyExistsError } from "../../../src/kube/kube-errors.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import {
  CONTROLLER_OWNER_UID_INDEX,
  StoreWriter,
  controllerOwnerUidIndexer,
} from "../../../src/runtime/store.js";
import { actOnPayloadBuild } from "../../../src/payload-build/act-payload-build.js";
import { CreateExpectations } from "../../../src/payload-build/create-expectations.js";
import { decidePayloadBuild } from "../../../src/payload-build/decide-payload-build.js";
import { observePayloadBuild } from "../../../src/payload-build/observe-payload-build.js";
import { backendInputHash } from "../../../src/payload-build/payload-build-controller.js";
import { PayloadBuildMemo } from "../../../src/payload-build/payload-build-memo.js";
import { PayloadMetrics } from "../../../src/payload-build/payload-metrics.js";
import { StatusWriteLimiter } from "../../../src/payload-build/status-write-limiter.js";
import { built } from "./decide-scenario.js";

const KEY = { namespace: "builds", name: "okd" };
const OWNER = {
  apiVersion: "payload.okd.io/v1alpha1",
  kind: "PayloadBuild",
  name: "okd",
  uid: "pb-1",
  controller: true,
};

function child(kind: string, name: string, uid = `uid-${name}`): KubeObject {
  return {
    apiVersion: "build.openshift.io/v1",
    kind,
    metadata: { name, namespace: "builds", uid, ownerReferences: [OWNER] },
  };
}

describe("CreateExpectations", () => {
  it("reports a created child until the informer holds it, then forgets it", () => {
    const expectations = new CreateExpectations(60_000);
    const build = child("Build", "okd-base-1");
    expectations.expectCreated(KEY, build, 0);
    expect(expectations.pending(KEY, [], 1_000)).toEqual([build]);
    // The informer has caught up: the object is observed, the expectation goes.
    expect(expectations.pending(KEY, [build], 2_000)).toEqual([]);
    expect(expectations.size(KEY)).toBe(0);
  });

  it("matches an observed object without a kind (objects from a list) by name", () => {
    const expectations = new CreateExpectations();
    expectations.expectCreated(KEY, child("Build", "okd-base-1"), 0);
    const listed = { metadata: { name: "okd-base-1", namespace: "builds" } };
    expect(expectations.pending(KEY, [listed], 1)).toEqual([]);
  });

  it("does not take an object of another kind with the same name for the expected one", () => {
    const expectations = new CreateExpectations();
    const build = child("Build", "okd-x");
    expectations.expectCreated(KEY, build, 0);
    expect(expectations.pending(KEY, [child("BuildConfig", "okd-x")], 1)).toEqual([build]);
  });

  it("knows the version its create returned, so that version's ADDED event can be skipped", () => {
    const expectations = new CreateExpectations();
    const created = {
      ...child("Build", "okd-base-1"),
      metadata: { ...child("Build", "okd-base-1").metadata, resourceVersion: "7" },
    };
    expectations.expectCreated(KEY, created, 0);
    expect(expectations.isExpectedVersion(KEY, created)).toBe(true);
    const later = { ...created, metadata: { ...created.metadata, resourceVersion: "8" } };
    expect(expectations.isExpectedVersion(KEY, later)).toBe(false);
    expect(expectations.isExpectedVersion(KEY, child("Build", "okd-other-1"))).toBe(false);
  });

  it("expires an entry the informer never delivers after its bound", () => {
    const expectations = new CreateExpectations(60_000);
    expectations.expectCreated(KEY, child("Build", "okd-base-1"), 0);
    expect(expectations.pending(KEY, [], 59_999)).toHaveLength(1);
    expect(expectations.pending(KEY, [], 60_000)).toEqual([]);
  });

  it("forgets a deleted child and every child of a forgotten owner", () => {
    const expectations = new CreateExpectations();
    const a = child("Build", "okd-a-1");
    const b = child("Build", "okd-b-1");
    expectations.expectCreated(KEY, a, 0);
    expectations.expectCreated(KEY, b, 0);
    expectations.forgetChild(KEY, a);
    expect(expectations.pending(KEY, [], 1)).toEqual([b]);
    expectations.forget(KEY);
    expect(expectations.pending(KEY, [], 1)).toEqual([]);
  });
});

/**
 * A reconciler wired as the controller wires it, over stores the test fills by hand: the
 * "informer" delivers nothing until the test says so, the way a lagging watch would.
 */
class LaggingWorld {
  readonly clock = new ManualClock(Date.parse("2026-11-21T12:00:00Z"));
  readonly backends = createBuildBackends();
  readonly payloadBuilds = new StoreWriter<KubeObject>();
  readonly children = new StoreWriter<KubeObject>({
    [CONTROLLER_OWNER_UID_INDEX]: controllerOwnerUidIndexer,
  });
  readonly imageStreams = new StoreWriter<ImageStream>();
  /** What the API server holds (name -> object). */
  readonly server = new Map<string, KubeObject>();
  creates = 0;
  answered409 = 0;
  readonly memo = new PayloadBuildMemo();
  readonly metrics = new PayloadMetrics(new Registry());
  readonly limiter = new StatusWriteLimiter(0);

  constructor() {
    this.payloadBuilds.apply({
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: "builds", uid: "pb-1", generation: 1 },
      spec: {
        imageStream: "release",
        concurrency: 4,
        components: [
          built("base", { from: "quay.io/centos/centos:stream9" }),
          built("etcd", { from: "quay.io/centos/centos:stream9" }),
          built("cli", { from: "base" }),
        ],
      },
    });
    this.imageStreams.apply({
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: { name: "release", namespace: "builds", resourceVersion: "1" },
      spec: { tags: [] },
      status: { dockerImageRepository: "registry.example:5000/builds/release", tags: [] },
    });
  }

  readonly client = {
    create: (_resource: unknown, obj: KubeObject): Promise<KubeObject> => {
      this.creates++;
      if (this.server.has(obj.metadata.name)) {
        this.answered409++;
        return Promise.reject(
          new AlreadyExistsError(409, "AlreadyExists", `${obj.metadata.name} exists`, undefined),
        );
      }
      const created = {
        ...obj,
        metadata: { ...obj.metadata, uid: `uid-${obj.metadata.name}`, resourceVersion: "2" },
      };
      this.server.set(obj.metadata.name, created);
      return Promise.resolve(created);
    },
    replaceStatus: (_resource: unknown, obj: KubeObject): Promise<KubeObject> => Promise.resolve(obj),
    replace: (_resource: unknown, obj: KubeObject): Promise<KubeObject> => Promise.resolve(obj),
    delete: (): Promise<void> => Promise.resolve(),
  } as unknown as KubeClient;

  /** The informer delivers everything the server holds. */
  catchUp(): void {
    for (const obj of this.server.values()) this.children.apply(structuredClone(obj));
  }

  /** One reconcile; returns the names of the components whose builds it decided to start. */
  async reconcile(expectations: CreateExpectations): Promise<string[]> {
    const nowMs = this.clock.now();
    const stores = {
      payloadBuilds: this.payloadBuilds,
      children: [this.children],
      imageStreams: this.imageStreams,
    };
    const observation = observePayloadBuild(KEY, stores, { expectations, nowMs, memo: this.memo });
    const decision = decidePayloadBuild(observation, {
      now: new Date(nowMs),
      backends: this.backends,
      inputHash: backendInputHash,
      memo: this.memo,
    });
    await actOnPayloadBuild(decision, observation, {
      client: this.client,
      events: { record: () => Promise.resolve() },
      metrics: this.metrics,
      clock: this.clock,
      log: pino({ level: "silent" }),
      statusLimiter: this.limiter,
      assembleRelease: () => Promise.reject(new Error("no release in this test")),
      childResources: buildChildResources(this.backends),
      expectations,
    });
    return decision.start.map((s) => s.component);
  }
}

describe("PayloadBuild reconcile with create expectations", () => {
  it("does not create again a child the informer has not delivered yet", async () => {
    const world = new LaggingWorld();
    const expectations = new CreateExpectations();
    expect(await world.reconcile(expectations)).toEqual(["base", "etcd"]);
    const creates = world.creates;
    expect(creates).toBe(2); // one Build each
    // The informer is behind: it holds none of them. The next reconcile starts nothing again.
    expect(await world.reconcile(expectations)).toEqual([]);
    expect(world.creates).toBe(creates);
    expect(world.answered409).toBe(0);
    // Once the informer has them, the expectations are forgotten.
    world.catchUp();
    expect(await world.reconcile(expectations)).toEqual([]);
    expect(expectations.size(KEY)).toBe(0);
  });

  it("converges after a restart with no expectations: at most a 409 per child, then nothing more", async () => {
    const world = new LaggingWorld();
    await world.reconcile(new CreateExpectations());
    // A restart: a new, empty expectation set and a stale cache. The same builds are decided
    // again; the server answers AlreadyExists, which is success.
    const restarted = new CreateExpectations();
    expect(await world.reconcile(restarted)).toEqual(["base", "etcd"]);
    expect(world.answered409).toBe(2);
    expect(world.server.size).toBe(2);
    world.catchUp();
    expect(await world.reconcile(restarted)).toEqual([]);
    expect(world.server.size).toBe(2);
  });
});
