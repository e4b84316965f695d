/**
 * A nightly ReleaseStream over a PayloadBuild template with `spec.rebuild`: each run's PayloadBuild
 * is told the last release's payload key; when its payload key is the same (every component
 * reused) it assembles no release, and the stream drops that night's release and its PayloadBuild.
 */
import { describe, expect, it } from "vitest";
import type { ComponentStatus } from "../../../src/api/index.js";
import { decideRelease } from "../../../src/payload-build/decide-release.js";
import { decideReleaseStream } from "../../../src/release-stream/decide-release-stream.js";
import { RUN_NOW_ANNOTATION } from "../../../src/release-stream/release-stream-objects.js";
import { NS, observation, PREFIX, release, stream } from "./stream-fixtures.js";
import { parsePayloadBuild } from "../../../src/api/index.js";

const at = (iso: string) => Date.parse(iso);
const KEY = `sha256:${"e".repeat(64)}`;

const template = {
  spec: {
    imageStream: "nightly",
    rebuild: "IfChanged",
    components: [{ name: "cluster-version-operator", source: { git: { uri: "https://git.example/cvo" } } }],
  },
};
const scheduled = () => {
  const s = stream({ source: { payloadBuild: template }, schedule: "0 3 * * *", timeZone: "UTC" });
  return { ...s, metadata: { ...s.metadata, creationTimestamp: "2026-11-20T12:00:00Z" } };
};

describe("nightly stream with component keys", () => {
  it("records the payload key of a pushed release and passes it to the next night's PayloadBuild", () => {
    const pending = release("2026-11-21-030005", "Pending", { payloadBuild: "okd-scos-2026-11-21-030005" });
    const obs = observation({ stream: scheduled(), releases: [pending] });
    const pushed = {
      ...obs,
      status: { ...obs.status, lastScheduleTime: "2026-11-21T03:00:00Z" },
      payloadBuilds: [
        {
          metadata: { name: "okd-scos-2026-11-21-030005", namespace: NS },
          status: {
            phase: "Succeeded",
            payloadKey: KEY,
            release: { name: pending.name, image: "r/x@sha256:1", digest: "sha256:1" },
          },
        },
      ],
    };
    const ready = decideReleaseStream(pushed, { now: new Date(at("2026-11-21T03:40:00Z")) });
    expect(ready.releases[0]).toMatchObject({ phase: "Ready", payloadKey: KEY });
    const next = decideReleaseStream(
      { ...pushed, status: { ...pushed.status, releases: [...ready.releases] }, payloadBuilds: [] },
      { now: new Date(at("2026-11-22T03:00:05Z")) },
    );
    const pb = next.payloadBuildsToCreate[0] as { spec: { release: Record<string, unknown> } } | undefined;
    expect(pb?.spec.release).toMatchObject({ name: `${PREFIX}-2026-11-22-030005`, unlessPayloadKey: KEY });
  });

  it("drops an unchanged night's release and deletes its PayloadBuild: no new release", () => {
    const accepted = release("2026-11-21-030005", "Accepted", { payloadKey: KEY });
    const pending = release("2026-11-22-030005", "Pending", { payloadBuild: "okd-scos-2026-11-22-030005" });
    const obs = observation({ stream: scheduled(), releases: [pending, accepted] });
    const unchangedPb = {
      metadata: { name: "okd-scos-2026-11-22-030005", namespace: NS },
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
    const d = decideReleaseStream(
      {
        ...obs,
        status: { ...obs.status, lastScheduleTime: "2026-11-22T03:00:00Z" },
        payloadBuilds: [unchangedPb],
      },
      { now: new Date(at("2026-11-22T03:10:00Z")) },
    );
    expect(d.releases.map((r) => r.name)).toEqual([accepted.name]);
    expect(d.cut.reason).toBe("Unchanged");
    expect(d.deletes).toEqual([{ kind: "PayloadBuild", object: unchangedPb }]);
    expect(d.payloadBuildsToCreate).toEqual([]);
    expect(d.unchangedRuns).toEqual([
      {
        release: pending.name,
        payloadBuild: "okd-scos-2026-11-22-030005",
        message: `scheduled run okd-scos-2026-11-22-030005: every component reused and the payload key ${KEY} equals the last release's (${accepted.name}); no release cut`,
      },
    ]);
  });
});

describe("the run-now annotation", () => {
  const withRunNow = (value: string) => {
    const s = scheduled();
    return { ...s, metadata: { ...s.metadata, annotations: { [RUN_NOW_ANNOTATION]: value } } };
  };
  const noon = new Date(at("2026-11-22T12:00:07Z"));

  it("starts one run at once, between the schedule's runs, and records the value", () => {
    const obs = observation({ stream: withRunNow("first"), releases: [] });
    const d = decideReleaseStream(
      { ...obs, status: { ...obs.status, lastScheduleTime: "2026-11-22T03:00:00Z" } },
      { now: noon },
    );
    expect(d.payloadBuildsToCreate).toHaveLength(1);
    expect(d.releases[0]).toMatchObject({ name: `${PREFIX}-2026-11-22-120007`, phase: "Pending" });
    expect(d.lastRunNow).toBe("first");
    expect(d.lastScheduleTime).toBe("2026-11-22T03:00:00Z");
    expect(d.cut.message).toContain(`${RUN_NOW_ANNOTATION}=first`);
  });

  it("does nothing for a value already acted on, and the schedule's own runs go on", () => {
    const obs = observation({ stream: withRunNow("first"), releases: [] });
    const status = { ...obs.status, lastScheduleTime: "2026-11-22T03:00:00Z", lastRunNow: "first" };
    const again = decideReleaseStream({ ...obs, status }, { now: noon });
    expect(again.payloadBuildsToCreate).toEqual([]);
    expect(again.cut.reason).toBe("WaitingForSchedule");
    const night = decideReleaseStream({ ...obs, status }, { now: new Date(at("2026-11-23T03:00:05Z")) });
    expect(night.payloadBuildsToCreate).toHaveLength(1);
    expect(night.lastRunNow).toBe("first");
  });

  it("is consumed but skipped while a release is not yet accepted (maxUnready), saying so", () => {
    const pending = release("2026-11-22-030005", "Pending", { payloadBuild: "okd-scos-2026-11-22-030005" });
    const obs = observation({ stream: withRunNow("second"), releases: [pending] });
    const d = decideReleaseStream(
      { ...obs, status: { ...obs.status, lastScheduleTime: "2026-11-22T03:00:00Z", lastRunNow: "first" } },
      { now: noon },
    );
    expect(d.payloadBuildsToCreate).toEqual([]);
    expect(d.lastRunNow).toBe("second");
    expect(d.cut).toMatchObject({ reason: "MaxUnready" });
    expect(d.cut.message).toContain(`${RUN_NOW_ANNOTATION}=second was skipped`);
  });
});

describe("the PayloadBuild's release with unlessPayloadKey", () => {
  const parsed = parsePayloadBuild({
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: "n", namespace: NS, generation: 1 },
    spec: {
      imageStream: "nightly",
      rebuild: "IfChanged",
      components: [{ name: "cluster-version-operator", source: { git: { uri: "https://git.example/cvo" } } }],
      release: { name: "4.17.0-0.okd-scos-2026-11-22-030005", to: "docker://r/x", unlessPayloadKey: KEY },
    },
  });
  if (!parsed.ok) throw new Error("invalid fixture");
  const reused: ComponentStatus = {
    name: "cluster-version-operator",
    state: "Reused",
    image: "r/c@sha256:2",
  };

  it("is not assembled when every component is reused and the payload key is the same", () => {
    const d = decideRelease({
      payloadBuild: parsed.value,
      components: [reused],
      allLanded: true,
      previous: undefined,
      payloadKey: KEY,
    });
    expect(d.assemble).toBeUndefined();
    expect(d.progress).toMatchObject({ state: "unchanged" });
  });

  it("is assembled when the key differs or a component was built", () => {
    const other = decideRelease({
      payloadBuild: parsed.value,
      components: [reused],
      allLanded: true,
      previous: undefined,
      payloadKey: `sha256:${"f".repeat(64)}`,
    });
    expect(other.assemble?.name).toBe("4.17.0-0.okd-scos-2026-11-22-030005");
    const built = decideRelease({
      payloadBuild: parsed.value,
      components: [{ ...reused, state: "Landed", rebuildReason: "Forced" }],
      allLanded: true,
      previous: undefined,
      payloadKey: KEY,
    });
    expect(built.assemble).toBeDefined();
  });
});
