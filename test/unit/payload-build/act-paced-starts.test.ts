import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { PayloadBuildStatus } from "../../../src/api/index.js";
import { buildChildResources, createBuildBackends } from "../../../src/builds/build-backends.js";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { actOnPayloadBuild } from "../../../src/payload-build/act-payload-build.js";
import { decidePayloadBuild } from "../../../src/payload-build/decide-payload-build.js";
import { observePayloadBuild } from "../../../src/payload-build/observe-payload-build.js";
import { backendInputHash } from "../../../src/payload-build/payload-build-controller.js";
import { PayloadBuildMemo } from "../../../src/payload-build/payload-build-memo.js";
import { PayloadMetrics } from "../../../src/payload-build/payload-metrics.js";
import { StatusWriteLimiter } from "../../../src/payload-build/status-write-limiter.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { requeueAfter } from "../../../src/runtime/outcome.js";
import {
  CONTROLLER_OWNER_UID_INDEX,
  StoreWriter,
  controllerOwnerUidIndexer,
} from "../../../src/runtime/store.js";
import { built } from "./decide-scenario.js";

const KEY = { namespace: "builds", name: "okd" };

/** A PayloadBuild of two independent components, its stores, and a client recording writes. */
function fixture() {
  const clock = new ManualClock(Date.parse("2026-11-21T12:00:00Z"));
  const backends = createBuildBackends();
  const payloadBuilds = new StoreWriter<KubeObject>();
  payloadBuilds.apply({
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: "okd", namespace: "builds", uid: "pb-1", generation: 1 },
    spec: {
      imageStream: "release",
      concurrency: 4,
      components: [
        built("base", { from: "quay.io/centos/centos:stream9" }),
        built("etcd", { from: "quay.io/centos/centos:stream9" }),
      ],
    },
  });
  const imageStreams = new StoreWriter<ImageStream>();
  imageStreams.apply({
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name: "release", namespace: "builds", resourceVersion: "1" },
    spec: { tags: [] },
    status: { dockerImageRepository: "registry.example:5000/builds/release", tags: [] },
  });
  const created: string[] = [];
  const statuses: PayloadBuildStatus[] = [];
  const client = {
    create: (_resource: unknown, obj: KubeObject): Promise<KubeObject> => {
      created.push(obj.metadata.name);
      return Promise.resolve({ ...obj, metadata: { ...obj.metadata, uid: `uid-${obj.metadata.name}` } });
    },
    replaceStatus: (_resource: unknown, obj: KubeObject & { status: PayloadBuildStatus }) => {
      statuses.push(obj.status);
      return Promise.resolve(obj);
    },
    replace: (_resource: unknown, obj: KubeObject): Promise<KubeObject> => Promise.resolve(obj),
    delete: (): Promise<void> => Promise.resolve(),
  } as unknown as KubeClient;
  const limiter = new StatusWriteLimiter(2000);
  const memo = new PayloadBuildMemo();
  const stores = {
    payloadBuilds,
    children: [new StoreWriter<KubeObject>({ [CONTROLLER_OWNER_UID_INDEX]: controllerOwnerUidIndexer })],
    imageStreams,
  };
  const reconcile = () => {
    const observation = observePayloadBuild(KEY, stores, { nowMs: clock.now(), memo });
    const decision = decidePayloadBuild(observation, {
      now: new Date(clock.now()),
      backends,
      inputHash: backendInputHash,
      memo,
    });
    return actOnPayloadBuild(decision, observation, {
      client,
      events: { record: () => Promise.resolve() },
      metrics: new PayloadMetrics(new Registry()),
      clock,
      log: pino({ level: "silent" }),
      statusLimiter: limiter,
      assembleRelease: () => Promise.reject(new Error("no release in this test")),
      childResources: buildChildResources(backends),
    });
  };
  return { clock, limiter, created, statuses, reconcile };
}

describe("starting builds is paced by the status interval", () => {
  it("starts nothing while the status was written less than an interval ago, and comes back when it may", async () => {
    const { clock, limiter, created, statuses, reconcile } = fixture();
    limiter.wrote(KEY, clock.now() - 500);
    const outcome = await reconcile();
    expect(created).toEqual([]);
    expect(outcome).toEqual(requeueAfter(1500));
    // What is written meanwhile (the first status is prompt) records no attempt.
    for (const status of statuses)
      for (const component of status.components ?? []) expect(component.attempts).toBeUndefined();
  });

  it("starts every ready build at once when the interval has passed, and records them in one write", async () => {
    const { clock, limiter, created, statuses, reconcile } = fixture();
    limiter.wrote(KEY, clock.now() - 2000);
    await reconcile();
    expect(created.sort()).toEqual(["okd-base-1", "okd-etcd-1"]);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.components?.map((c) => [c.name, c.attempts])).toEqual([
      ["base", 1],
      ["etcd", 1],
    ]);
  });
});
