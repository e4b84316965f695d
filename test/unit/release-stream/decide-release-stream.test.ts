/** Scenario tests of the ReleaseStream decide step: cut, interval, maxUnready, phases, aborts, verification, retry. */
import { describe, expect, it } from "vitest";
import { decideReleaseStream } from "../../../src/release-stream/decide-release-stream.js";
import { releaseInputsOf } from "../../../src/release-stream/input-images.js";
import {
  input,
  job,
  NS,
  observation,
  PREFIX,
  release,
  stream,
  T0,
  TAGS,
  verifySmoke,
} from "./stream-fixtures.js";

const at = (ms: number) => ({ now: new Date(ms) });

describe("cutting releases from the input ImageStream", () => {
  it("cuts one release named <prefix>-YYYY-MM-DD-HHMMSS (UTC), pinned by digest, and assembles it", () => {
    const d = decideReleaseStream(observation({ stream: stream(), input: input(TAGS) }), at(T0 + 7_261_000));
    expect(d.releases.map((r) => [r.name, r.phase])).toEqual([[`${PREFIX}-2026-11-21-100101`, "Pending"]]);
    expect(d.releases[0]?.inputHash).toBe(releaseInputsOf(input(TAGS))?.hash);
    expect(d.pinnedStreamsToCreate).toHaveLength(1);
    const pinned = d.pinnedStreamsToCreate[0];
    expect(pinned?.metadata.name).toBe("okd-scos-2026-11-21-100101");
    expect(JSON.stringify(pinned?.["spec"])).toContain(
      `registry.example/okd/release@${TAGS["dns-operator"]}`,
    );
    expect(d.assemble?.assembly).toMatchObject({
      name: `${PREFIX}-2026-11-21-100101`,
      to: "docker://registry.example/okd/release",
      baseTag: "cluster-version-operator",
    });
    expect(d.assemble?.assembly.images.map((i) => i.tag)).toEqual([
      "cluster-version-operator",
      "dns-operator",
    ]);
  });

  it("cuts none when a release already has the input hash, or nothing has landed", () => {
    const hash = releaseInputsOf(input(TAGS))?.hash;
    const released = decideReleaseStream(
      observation({
        stream: stream(),
        input: input(TAGS),
        releases: [release("2026-11-21-070000", "Accepted", { inputHash: hash })],
      }),
      at(T0),
    );
    expect(released.pinnedStreamsToCreate).toEqual([]);
    expect(released.assemble).toBeUndefined();
    const empty = decideReleaseStream(observation({ stream: stream(), input: input({}) }), at(T0));
    expect(empty.releases).toEqual([]);
    expect(empty.cut.reason).toBe("WaitingForInput");
    const missing = decideReleaseStream(observation({ stream: stream() }), at(T0));
    expect(missing.inputProblem?.reason).toBe("InputNotFound");
  });

  it("waits for minIntervalSeconds after the newest release, then cuts one release for the burst", () => {
    const s = stream({ minIntervalSeconds: 600 });
    const releases = [release("2026-11-21-075500", "Accepted", { inputHash: "sha256:old" })];
    const early = decideReleaseStream(observation({ stream: s, input: input(TAGS), releases }), at(T0));
    expect(early.pinnedStreamsToCreate).toEqual([]);
    expect(early.cut.reason).toBe("WaitingForInterval");
    expect(early.requeueAfterMs).toBe(300_000);
    const later = decideReleaseStream(
      observation({ stream: s, input: input(TAGS), releases }),
      at(T0 + 300_000),
    );
    expect(later.pinnedStreamsToCreate).toHaveLength(1);
    expect(later.releases[0]?.previous).toEqual([releases[0]?.name]);
  });

  it("holds new inputs back while maxUnready releases are Pending or Ready", () => {
    const releases = [release("2026-11-21-075500", "Ready", { inputHash: "sha256:old" })];
    const verify = [verifySmoke()];
    const held = decideReleaseStream(
      observation({ stream: stream({ verify }), input: input(TAGS), releases }),
      at(T0),
    );
    expect(held.cut.reason).toBe("MaxUnready");
    expect(held.pinnedStreamsToCreate).toEqual([]);
    const two = decideReleaseStream(
      observation({ stream: stream({ verify, maxUnready: 2 }), input: input(TAGS), releases }),
      at(T0),
    );
    expect(two.pinnedStreamsToCreate).toHaveLength(1);
  });

  it("adopts a release only its pinned ImageStream knows (a reconcile cut short) instead of cutting another", () => {
    const hash = releaseInputsOf(input(TAGS))?.hash ?? "";
    const pinned = {
      metadata: {
        name: "okd-scos-2026-11-21-075500",
        namespace: NS,
        annotations: {
          "release.openshift.io/name": PREFIX,
          "release.openshift.io/releaseTag": `${PREFIX}-2026-11-21-075500`,
          "release.openshift.io/hash": hash,
          "release.openshift.io/creationTimestamp": "2026-11-21T07:55:00Z",
        },
      },
      spec: {
        tags: [
          {
            name: "cluster-version-operator",
            from: { kind: "DockerImage", name: `r@${TAGS["cluster-version-operator"]}` },
          },
        ],
      },
    };
    const d = decideReleaseStream(
      observation({ stream: stream(), input: input(TAGS), pinned: [pinned] }),
      at(T0),
    );
    expect(d.pinnedStreamsToCreate).toEqual([]);
    expect(d.releases.map((r) => [r.name, r.phase])).toEqual([[`${PREFIX}-2026-11-21-075500`, "Pending"]]);
    expect(d.assemble?.assembly.images).toEqual([
      { tag: "cluster-version-operator", pullspec: `r@${TAGS["cluster-version-operator"]}` },
    ]);
  });
});

describe("phases", () => {
  it("processes only the newest Pending release; older ones fail as Aborted", () => {
    const releases = [release("2026-11-21-075900", "Pending"), release("2026-11-21-075500", "Pending")];
    const d = decideReleaseStream(observation({ stream: stream(), releases }), at(T0));
    expect(d.releases.map((r) => [r.phase, r.reason])).toEqual([
      ["Pending", undefined],
      ["Failed", "Aborted"],
    ]);
  });

  it("accepts a Ready release with no verification at once", () => {
    const d = decideReleaseStream(
      observation({ stream: stream(), releases: [release("2026-11-21-075500", "Ready")] }),
      at(T0),
    );
    expect(d.releases[0]?.phase).toBe("Accepted");
  });
});

describe("verification", () => {
  const name = `${PREFIX}-2026-11-21-075500`;
  const ready = () => [release("2026-11-21-075500", "Ready"), release("2026-11-20-075500", "Accepted")];

  it("starts each Job with RELEASE_IMAGE_LATEST and RELEASE_IMAGE_INITIAL, owned by the stream", () => {
    const d = decideReleaseStream(
      observation({ stream: stream({ verify: [verifySmoke()] }), releases: ready() }),
      at(T0),
    );
    expect(d.jobsToCreate).toHaveLength(1);
    const text = JSON.stringify(d.jobsToCreate[0]);
    expect(text).toContain("RELEASE_IMAGE_LATEST");
    expect(text).toContain(ready()[0]?.image);
    expect(text).toContain("RELEASE_IMAGE_INITIAL");
    expect(text).toContain(ready()[1]?.image);
    expect(d.jobsToCreate[0]?.metadata["ownerReferences"]).toEqual([
      expect.objectContaining({ kind: "ReleaseStream", controller: true }),
    ]);
    expect(d.releases[0]?.verifications).toEqual([
      { name: "smoke", state: "Running", attempts: 1, job: d.jobsToCreate[0]?.metadata.name },
    ]);
  });

  it("accepts when every required Job completed", () => {
    const d = decideReleaseStream(
      observation({
        stream: stream({ verify: [verifySmoke()] }),
        releases: ready(),
        jobs: [job(name, "smoke", 1, "succeeded")],
      }),
      at(T0),
    );
    expect(d.releases[0]?.phase).toBe("Accepted");
    expect(d.jobsToCreate).toEqual([]);
  });

  it("retries a failed Job after 1 minute, then 2, and rejects after maxRetries", () => {
    const s = stream({ verify: [verifySmoke({ maxRetries: 2 })] });
    const failedAt = Date.parse("2026-11-21T09:00:00Z");
    const j1 = job(name, "smoke", 1, "failed");
    const waiting = decideReleaseStream(
      observation({ stream: s, releases: ready(), jobs: [j1] }),
      at(failedAt + 30_000),
    );
    expect(waiting.jobsToCreate).toEqual([]);
    expect(waiting.requeueAfterMs).toBe(30_000);
    expect(waiting.releases[0]?.verifications?.[0]).toMatchObject({
      state: "Running",
      retryAt: "2026-11-21T09:01:00Z",
    });
    const retried = decideReleaseStream(
      observation({ stream: s, releases: ready(), jobs: [j1] }),
      at(failedAt + 60_000),
    );
    expect(retried.jobsToCreate.map((j) => j.metadata.name)).toEqual(["okd-scos-2026-11-21-075500-smoke-2"]);
    const j2 = job(name, "smoke", 2, "failed");
    const second = decideReleaseStream(
      observation({ stream: s, releases: ready(), jobs: [j1, j2] }),
      at(failedAt + 119_000),
    );
    expect(second.requeueAfterMs).toBe(1_000);
    const j3 = job(name, "smoke", 3, "failed");
    const rejected = decideReleaseStream(
      observation({ stream: s, releases: ready(), jobs: [j1, j2, j3] }),
      at(failedAt + 600_000),
    );
    expect(rejected.releases[0]).toMatchObject({ phase: "Rejected", reason: "VerificationFailed" });
    expect(rejected.releases[0]?.message).toContain("smoke");
    expect(rejected.jobsToCreate).toEqual([]);
  });

  it("never rejects for an optional verification", () => {
    const s = stream({ verify: [verifySmoke(), verifySmoke({ name: "extra", optional: true })] });
    const d = decideReleaseStream(
      observation({
        stream: s,
        releases: ready(),
        jobs: [job(name, "smoke", 1, "succeeded"), job(name, "extra", 1, "failed")],
      }),
      at(T0 + 7_200_000),
    );
    expect(d.releases[0]?.phase).toBe("Accepted");
    expect(d.releases[0]?.verifications?.find((v) => v.name === "extra")).toMatchObject({
      state: "Failed",
      optional: true,
    });
  });

  it("moves a Rejected release back to Ready by the retry annotation, once per value, with a new round", () => {
    const rejected = [
      release("2026-11-21-075500", "Rejected", {
        reason: "VerificationFailed",
        message: "x",
        verifications: [{ name: "smoke", state: "Failed", attempts: 1 }],
      }),
    ];
    const s = stream({ verify: [verifySmoke()] }, { "payload.okd.io/retry": name });
    const d = decideReleaseStream(
      observation({ stream: s, releases: rejected, jobs: [job(name, "smoke", 1, "failed")] }),
      at(T0),
    );
    expect(d.releases[0]).toMatchObject({ phase: "Ready", round: 2, retryToken: name });
    expect(d.releases[0]?.reason).toBeUndefined();
    expect(d.jobsToCreate.map((j) => j.metadata.name)).toEqual(["okd-scos-2026-11-21-075500-smoke-r2-1"]);
    const honoured = [{ ...rejected[0], retryToken: name } as (typeof rejected)[number]];
    const again = decideReleaseStream(observation({ stream: s, releases: honoured }), at(T0));
    expect(again.releases[0]?.phase).toBe("Rejected");
  });
});

describe("retention of the images in the registry", () => {
  const releases = [
    release("2026-11-21-100000", "Accepted"),
    release("2026-11-20-100000", "Accepted"),
    release("2026-11-19-100000", "Accepted"),
  ];

  it("deletes nothing from the registry without spec.retention.deleteImages", () => {
    const d = decideReleaseStream(
      observation({ stream: stream({ retention: { keepAccepted: 1 } }), input: input(TAGS), releases }),
      at(T0 + 86_400_000),
    );
    expect(d.removed.map((r) => r.name)).toEqual([
      `${PREFIX}-2026-11-20-100000`,
      `${PREFIX}-2026-11-19-100000`,
    ]);
    expect(d.imagesToDelete).toEqual([]);
  });

  it("with deleteImages, deletes exactly the removed releases' images, by digest", () => {
    const d = decideReleaseStream(
      observation({
        stream: stream({ retention: { keepAccepted: 1, deleteImages: true } }),
        input: input(TAGS),
        releases,
      }),
      at(T0 + 86_400_000),
    );
    expect(d.imagesToDelete).toEqual(
      [releases[1], releases[2]].map((r) => ({ release: r?.name, image: r?.image, attempts: 0 })),
    );
    expect(d.imagesToDelete.every((i) => /@sha256:[0-9a-f]{64}$/.test(i.image))).toBe(true);
  });

  it("never deletes a release image it knows only by tag", () => {
    const d = decideReleaseStream(
      observation({
        stream: stream({ retention: { keepAccepted: 1, deleteImages: true } }),
        input: input(TAGS),
        releases: [
          release("2026-11-21-100000", "Accepted"),
          release("2026-11-20-100000", "Accepted", { image: "registry.example/okd/release:4.17" }),
        ],
      }),
      at(T0 + 86_400_000),
    );
    expect(d.removed).toHaveLength(1);
    expect(d.imagesToDelete).toEqual([]);
  });
});
