/**
 * Act on an unchanged night of a nightly stream: the night's release goes from the status and from
 * the target ImageStream's tags (else the next reconcile adopts it back from its tag, a Pending
 * release nothing ever finishes), its PayloadBuild is deleted once the tag is gone, and a Normal
 * Event `Unchanged` says why. A release adopted from its tag keeps following its PayloadBuild.
 */
import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ReleaseStreamStatus } from "../../../src/api/index.js";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { ConflictError } from "../../../src/kube/kube-errors.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { actOnReleaseStream } from "../../../src/release-stream/act-release-stream.js";
import { collectReleases, decideReleaseStream } from "../../../src/release-stream/decide-release-stream.js";
import { ReleaseStreamMetrics } from "../../../src/release-stream/release-stream-metrics.js";
import { targetSpecTags } from "../../../src/release-stream/release-tags.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import type { EventInput } from "../../../src/runtime/event-recorder.js";
import { NS, observation, PREFIX, release, stream } from "./stream-fixtures.js";

const KEY = `sha256:${"e".repeat(64)}`;
const PB = "okd-scos-2026-11-22-030005";
const SOURCE = `${NS}/nightly-components`;

const nightly = () => {
  const s = stream({
    source: {
      payloadBuild: {
        spec: {
          imageStream: "nightly-components",
          rebuild: "IfChanged",
          components: [
            { name: "cluster-version-operator", source: { git: { uri: "https://git.example/cvo" } } },
          ],
        },
      },
    },
    schedule: "0 3 * * *",
    timeZone: "UTC",
  });
  return { ...s, metadata: { ...s.metadata, creationTimestamp: "2026-11-20T12:00:00Z" } };
};

const accepted = release("2026-11-21-030005", "Accepted", {
  payloadKey: KEY,
  payloadBuild: "okd-scos-2026-11-21-030005",
});
const pending = release("2026-11-22-030005", "Pending", { payloadBuild: PB });

/** The target ImageStream as the reconcile that cut the night's release left it. */
const target = (): ImageStream => ({
  metadata: { name: "okd-scos", namespace: NS, resourceVersion: "7" },
  spec: { tags: targetSpecTags(undefined, [pending, accepted], new Set(), PREFIX, SOURCE) },
});

const unchangedPb: KubeObject = {
  apiVersion: "payload.okd.io/v1alpha1",
  kind: "PayloadBuild",
  metadata: { name: PB, namespace: NS, uid: "pb-uid" },
  status: {
    phase: "Succeeded",
    payloadKey: KEY,
    conditions: [
      {
        type: "Ready",
        status: "True",
        reason: "Unchanged",
        message: "m",
        lastTransitionTime: "2026-11-22T03:05:00Z",
      },
    ],
  },
};

async function act(targetWrite: () => Promise<unknown>) {
  const base = observation({ stream: nightly(), releases: [pending, accepted], target: target() });
  const obs = {
    ...base,
    status: { ...base.status, lastScheduleTime: "2026-11-22T03:00:00Z" },
    payloadBuilds: [unchangedPb],
  };
  const clock = new ManualClock(Date.parse("2026-11-22T03:10:00Z"));
  const decision = decideReleaseStream(obs, { now: new Date(clock.now()) });
  const written: { tags: string[]; status?: ReleaseStreamStatus; deleted: string[] } = {
    tags: [],
    deleted: [],
  };
  const events: EventInput[] = [];
  const client = {
    create: (_r: unknown, obj: KubeObject) => Promise.resolve(obj),
    replace: async (_r: unknown, obj: ImageStream) => {
      await targetWrite();
      written.tags = (obj.spec?.tags ?? []).map((t) => t.name);
      return obj;
    },
    replaceStatus: (_r: unknown, obj: KubeObject & { status: ReleaseStreamStatus }) => {
      written.status = obj.status;
      return Promise.resolve(obj);
    },
    delete: (_r: unknown, key: { name: string }) => Promise.resolve(void written.deleted.push(key.name)),
  } as unknown as KubeClient;
  await actOnReleaseStream(decision, obs, {
    client,
    events: { record: (_regarding, event) => Promise.resolve(void events.push(event)) },
    metrics: new ReleaseStreamMetrics(new Registry()),
    clock,
    log: pino({ level: "silent" }),
    assembleRelease: () => Promise.reject(new Error("no assembly expected")),
    deleteReleaseImage: () => Promise.reject(new Error("no image delete expected")),
  });
  return { written, events };
}

describe("an unchanged night", () => {
  it("leaves the status and the target tags with the releases before it, deletes its PayloadBuild and says why", async () => {
    const { written, events } = await act(() => Promise.resolve());
    expect(written.status?.releases?.map((r) => r.name)).toEqual([accepted.name]);
    expect(written.tags).toEqual([accepted.name]);
    expect(written.deleted).toEqual([PB]);
    expect(events).toEqual([
      {
        type: "Normal",
        reason: "Unchanged",
        action: "Cut",
        note: `scheduled run ${PB}: every component reused and the payload key ${KEY} equals the last release's (${accepted.name}); no release cut`,
      },
    ]);
  });

  it("keeps its PayloadBuild while the tag could not be removed (the next reconcile drops the night again)", async () => {
    const { written } = await act(() =>
      Promise.reject(new ConflictError(409, "Conflict", "the object has been modified", undefined)),
    );
    expect(written.deleted).toEqual([]);
  });

  it("a release adopted from its target tag (its status write lost) still names its PayloadBuild", () => {
    const adopted = collectReleases([accepted], target(), [], PREFIX, SOURCE);
    expect(adopted.map((r) => [r.name, r.phase, r.payloadBuild])).toEqual([
      [pending.name, "Pending", PB],
      [accepted.name, "Accepted", accepted.payloadBuild],
    ]);
  });
});
