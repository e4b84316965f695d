/**
 * Act with `spec.retention.deleteImages`: each removed release's image is deleted through the deleter
 * given; a refusal becomes a Warning Event that says why and what to do, is recorded in
 * `status.imageDeletes` with Degraded=True, and is retried once its backoff has passed; the rest of
 * retention (the status without the removed releases) goes on.
 */
import { pino } from "pino";
import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ReleaseStreamStatus } from "../../../src/api/index.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { RegistryError } from "../../../src/registry/image-store.js";
import { actOnReleaseStream } from "../../../src/release-stream/act-release-stream.js";
import { decideReleaseStream } from "../../../src/release-stream/decide-release-stream.js";
import { releaseInputsOf } from "../../../src/release-stream/input-images.js";
import type { ReleaseImageDeletion } from "../../../src/release-stream/release-image-deleter.js";
import { ReleaseStreamMetrics } from "../../../src/release-stream/release-stream-metrics.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import type { EventInput } from "../../../src/runtime/event-recorder.js";
import { input, NS, observation, PREFIX, release, stream, T0, TAGS } from "./stream-fixtures.js";

describe("deleting removed releases' images", () => {
  it("deletes each by digest, reports a refusal as a Warning and still writes the status", async () => {
    const releases = [
      // Cut from the current input: nothing new to cut.
      release("2026-11-21-100000", "Accepted", { inputHash: releaseInputsOf(input(TAGS))?.hash ?? "" }),
      release("2026-11-20-100000", "Accepted"),
      release("2026-11-19-100000", "Accepted"),
    ];
    const obs = observation({
      stream: stream({
        retention: { keepAccepted: 1, deleteImages: true },
        pushSecret: { name: "push" },
      }),
      input: input(TAGS),
      releases,
    });
    const clock = new ManualClock(T0 + 86_400_000);
    const decision = decideReleaseStream(obs, { now: new Date(clock.now()) });
    const statuses: ReleaseStreamStatus[] = [];
    const events: EventInput[] = [];
    const asked: ReleaseImageDeletion[] = [];
    const client = {
      create: (_r: unknown, obj: KubeObject) => Promise.resolve(obj),
      replace: (_r: unknown, obj: KubeObject) => Promise.resolve(obj),
      replaceStatus: (_r: unknown, obj: KubeObject & { status: ReleaseStreamStatus }) => {
        statuses.push(obj.status);
        return Promise.resolve(obj);
      },
      delete: () => Promise.resolve(),
    } as unknown as KubeClient;
    await actOnReleaseStream(decision, obs, {
      client,
      events: { record: (_regarding, event) => Promise.resolve(void events.push(event)) },
      metrics: new ReleaseStreamMetrics(new Registry()),
      clock,
      log: pino({ level: "silent" }),
      assembleRelease: () => Promise.reject(new Error("no assembly expected")),
      deleteReleaseImage: (deletion) => {
        asked.push(deletion);
        return deletion.image === releases[1]?.image
          ? Promise.reject(
              new RegistryError(
                "UNSUPPORTED",
                `delete manifest ${deletion.image}: UNSUPPORTED: The operation is unsupported. (HTTP 405)`,
                { status: 405 },
              ),
            )
          : Promise.resolve("deleted");
      },
    });
    expect(asked).toEqual(
      [releases[1], releases[2]].map((r) => ({
        image: r?.image,
        to: "docker://registry.example/okd/release",
        namespace: NS,
        pushSecret: "push",
      })),
    );
    expect(statuses.at(-1)?.releases?.map((r) => r.name)).toEqual([`${PREFIX}-2026-11-21-100000`]);
    const refused = events.find((e) => e.reason === "ReleaseImageDeleteRefused");
    expect(refused?.type).toBe("Warning");
    expect(refused?.note).toContain(`release ${releases[1]?.name ?? ""} removed, but its image`);
    expect(refused?.note).toContain("manifest deletes disabled");
    expect(events.find((e) => e.reason === "ReleaseImageDeleted")?.note).toContain(
      `${releases[2]?.image ?? ""} deleted from its registry`,
    );
    expect(events.filter((e) => e.reason === "ReleaseRemoved")).toHaveLength(2);

    // The refusal is in the status, and Degraded names the image and what to do.
    const after = statuses.at(-1);
    expect(after?.imageDeletes).toEqual([
      expect.objectContaining({
        release: releases[1]?.name,
        image: releases[1]?.image,
        attempts: 1,
        retryAt: "2026-11-22T08:00:30Z",
      }),
    ]);
    expect(after?.imageDeletes?.[0]?.message).toContain("manifest deletes disabled");
    const degraded = after?.conditions?.find((c) => c.type === "Degraded");
    expect(degraded).toMatchObject({ status: "True", reason: "ReleaseImageDeleteRefused" });
    expect(degraded?.message).toContain(releases[1]?.image ?? "");

    // Before the retry time nothing is attempted; the reconcile asks to come back when it is due.
    const later = observation({
      stream: stream({ retention: { keepAccepted: 1, deleteImages: true }, pushSecret: { name: "push" } }),
      input: input(TAGS),
      releases: (after?.releases ?? []).slice(),
      ...(after === undefined ? {} : { status: after }),
    });
    const early = decideReleaseStream(later, { now: new Date(clock.now() + 10_000) });
    expect(early.imagesToDelete).toEqual([]);
    expect(early.requeueAfterMs).toBe(20_000);

    // Once due it is tried again; the registry now deletes it, and status and Degraded clear.
    clock.advance(30_000);
    asked.length = 0;
    const due = decideReleaseStream(later, { now: new Date(clock.now()) });
    expect(due.imagesToDelete).toEqual([
      { release: releases[1]?.name, image: releases[1]?.image, attempts: 1 },
    ]);
    await actOnReleaseStream(due, later, {
      client,
      events: { record: (_regarding, event) => Promise.resolve(void events.push(event)) },
      metrics: new ReleaseStreamMetrics(new Registry()),
      clock,
      log: pino({ level: "silent" }),
      assembleRelease: () => Promise.reject(new Error("no assembly expected")),
      deleteReleaseImage: (deletion) =>
        Promise.resolve(void asked.push(deletion)).then(() => "deleted" as const),
    });
    expect(asked.map((a) => a.image)).toEqual([releases[1]?.image]);
    expect(statuses.at(-1)?.imageDeletes).toBeUndefined();
    expect(statuses.at(-1)?.conditions?.find((c) => c.type === "Degraded")?.status).toBe("False");
  });
});
