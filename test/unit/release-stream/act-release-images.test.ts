/**
 * Act with `spec.retention.deleteImages`: each removed release's image is deleted through the deleter
 * given; a refusal becomes a Warning Event that says why and what to do, and the rest of retention
 * (the status without the removed releases) goes on.
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
  });
});
