/**
 * A PayloadBuild that succeeded for its generation is done: when the ImageStream it shares with
 * later PayloadBuilds (a nightly stream) moves on, it neither re-assembles its release nor points
 * the tags back at its own images; a spec change (a new generation) makes it work again.
 */
import { describe, expect, it } from "vitest";
import { REPOSITORY, Scenario, built, digestFor } from "./decide-scenario.js";

const CENTOS = "quay.io/centos/centos:stream9";

function succeeded(): Scenario {
  const s = new Scenario({
    components: [built("base", { from: CENTOS }), built("cluster-version-operator", { from: "base" })],
  });
  s.reconcile();
  s.complete("base");
  s.reconcile();
  s.complete("cluster-version-operator");
  s.reconcile();
  expect(s.status?.phase).toBe("Succeeded");
  return s;
}

/** What a later PayloadBuild does to the shared stream: `tag` now names another image, imported. */
function movedOn(s: Scenario, tag: string): string {
  const stream = s.imageStream;
  if (stream === undefined) throw new Error("no ImageStream");
  const digest = digestFor(`a later night's ${tag}`);
  const pullspec = `${REPOSITORY}@${digest}`;
  s.imageStream = {
    ...stream,
    spec: {
      tags: [
        ...(stream.spec?.tags ?? []).filter((t) => t.name !== tag),
        { name: tag, from: { kind: "DockerImage", name: pullspec }, generation: 7 },
      ],
    },
    status: {
      ...stream.status,
      tags: [
        ...(stream.status?.tags ?? []).filter((t) => t.tag !== tag),
        {
          tag,
          items: [
            { image: digest, dockerImageReference: pullspec, generation: 7, created: "2026-11-22T03:00:00Z" },
          ],
        },
      ],
    },
  };
  return pullspec;
}

describe("decidePayloadBuild: a PayloadBuild that succeeded for its generation", () => {
  it("keeps its status and release and writes nothing when the shared ImageStream moves on", () => {
    const s = succeeded();
    const before = structuredClone(s.status);
    movedOn(s, "base");
    const decision = s.reconcile();
    expect(decision.assemble).toBeUndefined();
    expect(decision.imageStream).toBeUndefined();
    expect(decision.start).toEqual([]);
    expect(decision.delete).toEqual([]);
    expect(decision.events).toEqual([]);
    expect(s.status).toEqual(before);
    expect(s.status?.release?.digest).toBe(before?.release?.digest);
  });

  it("works again after a spec change (a new generation), reading the stream as it is then", () => {
    const s = succeeded();
    const moved = movedOn(s, "base");
    s.editSpec((spec) => ({ ...spec, concurrency: 3 }));
    s.reconcile();
    expect(s.status?.observedGeneration).toBe(2);
    expect(s.status?.phase).toBe("Building");
    expect(s.component("base")?.message).toContain(`points at ${moved.split("@")[1] ?? ""}`);
  });
});
