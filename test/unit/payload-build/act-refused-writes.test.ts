import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { PayloadBuildStatus } from "../../../src/api/index.js";
import { buildChildResources, createBuildBackends } from "../../../src/builds/build-backends.js";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { ConflictError, KubeApiError, InvalidError } from "../../../src/kube/kube-errors.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { actOnPayloadBuild } from "../../../src/payload-build/act-payload-build.js";
import { decidePayloadBuild } from "../../../src/payload-build/decide-payload-build.js";
import { observePayloadBuild } from "../../../src/payload-build/observe-payload-build.js";
import { backendInputHash } from "../../../src/payload-build/payload-build-controller.js";
import { PayloadBuildMemo } from "../../../src/payload-build/payload-build-memo.js";
import { PayloadMetrics } from "../../../src/payload-build/payload-metrics.js";
import { refusalOf, WritesRefusedError } from "../../../src/payload-build/refused-writes.js";
import { StatusWriteLimiter } from "../../../src/payload-build/status-write-limiter.js";
import type { EventInput } from "../../../src/runtime/event-recorder.js";
import {
  CONTROLLER_OWNER_UID_INDEX,
  StoreWriter,
  controllerOwnerUidIndexer,
} from "../../../src/runtime/store.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { requeueAfter } from "../../../src/runtime/outcome.js";
import { built } from "./decide-scenario.js";

const KEY = { namespace: "builds", name: "okd" };
const FORBIDDEN =
  'builds.build.openshift.io "okd-etcd-1" is forbidden: User "system:serviceaccount:ops:op" cannot create resource "builds" in API group "build.openshift.io" in the namespace "builds"';

/** One reconcile over hand-filled stores, with a server that refuses some creates. */
async function reconcileWith(
  refuse: (obj: KubeObject) => Error | undefined,
  refuseReplace: (obj: KubeObject) => Error | undefined = () => undefined,
  extraComponents: readonly object[] = [],
) {
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
        ...extraComponents,
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
  const events: EventInput[] = [];
  const client = {
    create: (_resource: unknown, obj: KubeObject): Promise<KubeObject> => {
      const error = refuse(obj);
      if (error !== undefined) return Promise.reject(error);
      created.push(`${obj.kind ?? ""}/${obj.metadata.name}`);
      return Promise.resolve({ ...obj, metadata: { ...obj.metadata, uid: `uid-${obj.metadata.name}` } });
    },
    replaceStatus: (_resource: unknown, obj: KubeObject & { status: PayloadBuildStatus }) => {
      statuses.push(obj.status);
      return Promise.resolve(obj);
    },
    replace: (_resource: unknown, obj: KubeObject): Promise<KubeObject> => {
      const error = refuseReplace(obj);
      return error === undefined ? Promise.resolve(obj) : Promise.reject(error);
    },
    delete: (): Promise<void> => Promise.resolve(),
  } as unknown as KubeClient;
  const memo = new PayloadBuildMemo();
  const stores = {
    payloadBuilds,
    children: [new StoreWriter<KubeObject>({ [CONTROLLER_OWNER_UID_INDEX]: controllerOwnerUidIndexer })],
    imageStreams,
  };
  const observation = observePayloadBuild(KEY, stores, { nowMs: clock.now(), memo });
  const decision = decidePayloadBuild(observation, {
    now: new Date(clock.now()),
    backends,
    inputHash: backendInputHash,
    memo,
  });
  const outcome = actOnPayloadBuild(decision, observation, {
    client,
    events: {
      record: (_regarding, event) => {
        events.push(event);
        return Promise.resolve();
      },
    },
    metrics: new PayloadMetrics(new Registry()),
    clock,
    log: pino({ level: "silent" }),
    statusLimiter: new StatusWriteLimiter(0),
    assembleRelease: () => Promise.reject(new Error("no release in this test")),
    childResources: buildChildResources(backends),
  }).then(
    (value) => ({ value, error: undefined as unknown }),
    (error: unknown) => ({ value: undefined, error }),
  );
  return { result: await outcome, created, statuses, events };
}

const etcdOnly = (error: Error) => (obj: KubeObject) =>
  obj.kind === "Build" && obj.metadata.name.includes("etcd") ? error : undefined;

describe("an ImageStream write that conflicts with a newer version (409)", () => {
  it("is redone soon, not counted as a failed reconcile; the builds and the status are still written", async () => {
    const replaced: string[] = [];
    const conflict = new ConflictError(
      409,
      "Conflict",
      'imagestreams "release": the object has been modified',
      undefined,
    );
    // A prebuilt component: its image is tagged into the ImageStream, so the reconcile writes it.
    const prebuilt = { name: "tools", image: `quay.io/okd/tools@sha256:${"a".repeat(64)}` };
    const { result, created, statuses } = await reconcileWith(
      () => undefined,
      (obj) => {
        replaced.push(`${obj.kind ?? ""}/${obj.metadata.name}`);
        return obj.kind === "ImageStream" ? conflict : undefined;
      },
      [prebuilt],
    );
    expect(replaced).toContain("ImageStream/release");
    expect(result.error).toBeUndefined();
    expect(result.value).toEqual(requeueAfter(100));
    expect(created.sort()).toEqual(["Build/okd-base-1", "Build/okd-etcd-1"]);
    expect(statuses).toHaveLength(1);
    expect(statuses[0]?.conditions?.find((c) => c.type === "Degraded")?.status).not.toBe("True");
  });
});

describe("a write the API server refuses", () => {
  it("is named in Degraded, the other writes and their Events are recorded, and the reconcile fails for backoff", async () => {
    const forbidden = new KubeApiError(403, "Forbidden", `create builds: ${FORBIDDEN}`, {
      kind: "Status",
      code: 403,
      reason: "Forbidden",
      message: FORBIDDEN,
    } as never);
    const { result, created, statuses, events } = await reconcileWith(etcdOnly(forbidden));
    expect(created).toContain("Build/okd-base-1");
    expect(created).not.toContain("Build/okd-etcd-1");
    expect(statuses).toHaveLength(1);
    const degraded = statuses[0]?.conditions?.find((c) => c.type === "Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "WriteRefused" });
    expect(degraded?.message).toContain(
      `component etcd: create builds.build.openshift.io "okd-etcd-1" refused by the API server (403): ${FORBIDDEN}`,
    );
    expect(statuses[0]?.components?.find((c) => c.name === "base")).toMatchObject({
      state: "Building",
      attempts: 1,
    });
    // The refused attempt is not recorded: attempts are counted from the status.
    const etcd = statuses[0]?.components?.find((c) => c.name === "etcd");
    expect(etcd?.state).toBe("Waiting");
    expect(etcd?.attempts).toBeUndefined();
    expect(events.map((e) => e.reason)).toContain("WriteRefused");
    expect(events.some((e) => e.reason !== "WriteRefused" && (e.note ?? "").includes("base"))).toBe(true);
    expect(result.error).toBeInstanceOf(WritesRefusedError);
  });

  it("names the field of a 422 the way the server does", async () => {
    const invalid = new InvalidError(422, "Invalid", "create builds: invalid", {
      kind: "Status",
      code: 422,
      reason: "Invalid",
      message:
        'Build.build.openshift.io "okd-etcd-1" is invalid: spec.strategy.type: Unsupported value: "Dockr"',
    } as never);
    const { statuses } = await reconcileWith(etcdOnly(invalid));
    const degraded = statuses[0]?.conditions?.find((c) => c.type === "Degraded");
    expect(degraded?.message).toContain("(422)");
    expect(degraded?.message).toContain("spec.strategy.type");
  });

  it("is told apart from a transient failure, which still writes status but leaves Degraded alone", async () => {
    const { result, statuses } = await reconcileWith(
      etcdOnly(new KubeApiError(0, "", "connect ECONNREFUSED 127.0.0.1:6443", undefined)),
    );
    expect(statuses[0]?.conditions?.find((c) => c.type === "Degraded")?.status).toBe("False");
    expect(statuses[0]?.components?.find((c) => c.name === "base")?.state).toBe("Building");
    expect(String(result.error)).toContain("ECONNREFUSED");
  });
});

describe("refusalOf", () => {
  const write = {
    verb: "create",
    object: { apiVersion: "build.openshift.io/v1", kind: "Build", metadata: { name: "b" } },
    plural: "builds",
  };
  it("takes 4xx answers other than 409 and 429 as refusals", () => {
    for (const code of [400, 403, 404, 422])
      expect(refusalOf(new KubeApiError(code, "", "m", undefined), write)?.code).toBe(code);
    for (const code of [0, 409, 429, 500, 503])
      expect(refusalOf(new KubeApiError(code, "", "m", undefined), write)).toBeUndefined();
    expect(refusalOf(new Error("x"), write)).toBeUndefined();
  });
  it("names core resources without a group", () => {
    const core = {
      ...write,
      object: { apiVersion: "v1", kind: "Secret", metadata: { name: "s" } },
      plural: "secrets",
    };
    expect(refusalOf(new KubeApiError(403, "", "m", undefined), core)?.resource).toBe("secrets");
  });
});
