import { describe, expect, it } from "vitest";
import { REPOSITORY, Scenario, built, digestFor, started } from "./decide-scenario.js";

const CENTOS = "quay.io/centos/centos:stream9";
const ETCD = `quay.io/okd/etcd@${digestFor("etcd")}`;

describe("decidePayloadBuild: prebuilt and Shipwright components, deletion", () => {
  it("tags a prebuilt image into the ImageStream without a build and lands it once imported", () => {
    const s = new Scenario({
      components: [built("cluster-version-operator", { from: CENTOS }), { name: "etcd", image: ETCD }],
    });
    const first = s.reconcile();
    expect(started(first)).toEqual(["cluster-version-operator#1"]);
    expect(first.imageStream?.specTags).toEqual([
      {
        name: "etcd",
        from: { kind: "DockerImage", name: ETCD },
        importPolicy: {},
        referencePolicy: { type: "Local" },
      },
    ]);
    expect(s.component("etcd")).toMatchObject({ state: "Building" });
    // The API server gives the spec tag a generation; the import lands a status item of it.
    const stream = s.imageStream;
    if (stream === undefined) throw new Error("no ImageStream");
    s.imageStream = {
      ...stream,
      spec: { tags: (stream.spec?.tags ?? []).map((t) => ({ ...t, generation: 1 })) },
      status: {
        ...stream.status,
        tags: [
          { tag: "etcd", items: [{ image: digestFor("etcd"), dockerImageReference: ETCD, generation: 1 }] },
        ],
      },
    };
    const second = s.reconcile();
    expect(second.imageStream).toBeUndefined();
    expect(s.component("etcd")).toMatchObject({
      state: "Landed",
      image: `${REPOSITORY}@${digestFor("etcd")}`,
    });
    expect(s.children.has("okd-etcd-1")).toBe(false);
  });

  it("holds Shipwright components until the ImageStream reports its repository, saying why", () => {
    const s = new Scenario({
      backend: "shipwright",
      components: [built("cluster-version-operator", { from: CENTOS })],
    });
    const decision = s.decide();
    expect(decision.start).toEqual([]);
    expect(decision.status?.components?.[0]?.state).toBe("Waiting");
    expect(decision.status?.components?.[0]?.message).toContain("has no status.dockerImageRepository yet");
    s.reconcile();
    const withRepository = s.reconcile();
    expect(started(withRepository)).toEqual(["cluster-version-operator#1"]);
    expect(withRepository.start[0]?.objects[0]?.kind).toBe("BuildRun");
  });

  it("does nothing for a PayloadBuild being deleted: its children go by garbage collection", () => {
    const s = new Scenario({ components: [built("cluster-version-operator", { from: CENTOS })] });
    s.reconcile();
    s.payloadBuild = {
      ...s.payloadBuild,
      metadata: { ...s.payloadBuild.metadata, deletionTimestamp: "2026-11-21T12:05:00Z" },
    };
    const decision = s.decide();
    expect(decision.start).toEqual([]);
    expect(decision.delete).toEqual([]);
    expect(decision.status).toBeUndefined();
  });
});
