/** Cron schedules in a time zone, and scheduled runs of a payloadBuild source (clock injected). */
import { describe, expect, it } from "vitest";
import { latestRun, nextRun, parseCronSchedule } from "../../../src/release-stream/cron-schedule.js";
import { decideReleaseStream } from "../../../src/release-stream/decide-release-stream.js";
import { NS, observation, PREFIX, release, stream } from "./stream-fixtures.js";

const at = (iso: string) => Date.parse(iso);

describe("cron schedules", () => {
  it("runs at 03:00 in the schedule's time zone, daylight saving included", () => {
    const berlin = parseCronSchedule("0 3 * * *", "Europe/Berlin");
    expect(nextRun(berlin, at("2026-11-21T12:00:00Z"))).toBe(at("2026-11-22T02:00:00Z")); // CET = UTC+1
    expect(nextRun(berlin, at("2026-07-01T12:00:00Z"))).toBe(at("2026-07-02T01:00:00Z")); // CEST = UTC+2
    const utc = parseCronSchedule("*/15 * * * 1-5");
    expect(latestRun(utc, at("2026-11-20T00:00:00Z"), at("2026-11-20T10:07:00Z"))).toBe(
      at("2026-11-20T10:00:00Z"),
    );
    expect(latestRun(utc, at("2026-11-21T00:00:00Z"), at("2026-11-21T10:07:00Z"))).toBeUndefined(); // Saturday
  });

  it("names the bad field or time zone", () => {
    expect(() => parseCronSchedule("61 * * * *")).toThrow(/minute/);
    expect(() => parseCronSchedule("0 3 * *")).toThrow(/5 fields/);
    expect(() => parseCronSchedule("0 3 * * *", "Mars/Olympus")).toThrow(/timeZone/);
  });
});

describe("payloadBuild source", () => {
  const template = {
    spec: {
      imageStream: "nightly",
      components: [{ name: "cluster-version-operator", image: "quay.io/x/cvo:1" }],
    },
  };
  const scheduled = (extra: Record<string, unknown> = {}) => {
    const s = stream({
      source: { payloadBuild: template },
      schedule: "0 3 * * *",
      timeZone: "UTC",
      ...extra,
    });
    return { ...s, metadata: { ...s.metadata, creationTimestamp: "2026-11-20T12:00:00Z" } };
  };

  it("creates one PayloadBuild per run, owned by the stream, its release named after the run", () => {
    const before = decideReleaseStream(observation({ stream: scheduled() }), {
      now: new Date(at("2026-11-21T02:59:00Z")),
    });
    expect(before.payloadBuildsToCreate).toEqual([]);
    expect(before.cut.reason).toBe("WaitingForSchedule");
    expect(before.requeueAfterMs).toBe(60_000);
    const d = decideReleaseStream(observation({ stream: scheduled() }), {
      now: new Date(at("2026-11-21T03:00:05Z")),
    });
    expect(d.lastScheduleTime).toBe("2026-11-21T03:00:00Z");
    expect(d.releases.map((r) => [r.name, r.phase, r.payloadBuild])).toEqual([
      [`${PREFIX}-2026-11-21-030005`, "Pending", "okd-scos-2026-11-21-030005"],
    ]);
    const pb = d.payloadBuildsToCreate[0] as Record<string, unknown> & { metadata: Record<string, unknown> };
    expect(pb.metadata).toMatchObject({ name: "okd-scos-2026-11-21-030005", namespace: NS });
    expect(pb.metadata["ownerReferences"]).toEqual([
      expect.objectContaining({ kind: "ReleaseStream", controller: true }),
    ]);
    expect(pb["spec"]).toMatchObject({
      imageStream: "nightly",
      release: { name: `${PREFIX}-2026-11-21-030005`, to: "docker://registry.example/okd/release" },
    });
  });

  it("does not run twice for one tick, and follows its PayloadBuild to Ready", () => {
    const pending = release("2026-11-21-030005", "Pending", { payloadBuild: "okd-scos-2026-11-21-030005" });
    const obs = observation({ stream: scheduled(), releases: [pending] });
    const withStatus = { ...obs, status: { ...obs.status, lastScheduleTime: "2026-11-21T03:00:00Z" } };
    const again = decideReleaseStream(withStatus, { now: new Date(at("2026-11-21T03:30:00Z")) });
    expect(again.payloadBuildsToCreate).toEqual([]);
    const pushed = {
      ...withStatus,
      payloadBuilds: [
        {
          metadata: { name: "okd-scos-2026-11-21-030005", namespace: NS },
          status: {
            phase: "Succeeded",
            release: { name: pending.name, image: "r/x@sha256:1", digest: "sha256:1" },
          },
        },
      ],
    };
    const ready = decideReleaseStream(pushed, { now: new Date(at("2026-11-21T03:40:00Z")) });
    expect(ready.releases[0]).toMatchObject({ phase: "Ready", image: "r/x@sha256:1", digest: "sha256:1" });
  });
});
