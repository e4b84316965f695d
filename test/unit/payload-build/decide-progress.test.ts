import { describe, expect, it } from "vitest";
import { REPOSITORY, Scenario, built, started } from "./decide-scenario.js";

const CENTOS = "quay.io/centos/centos:stream9";

/** base <- cli, base <- cluster-version-operator, base <- dns-operator; etcd independent. */
function smallPayload(extra: Record<string, unknown> = {}): Scenario {
  return new Scenario({
    concurrency: 8,
    components: [
      built("base", { from: CENTOS }),
      built("cli", { from: "base" }),
      built("cluster-version-operator", { from: "base" }),
      built("dns-operator", { from: "base" }),
      built("etcd", { from: CENTOS }),
    ],
    ...extra,
  });
}

describe("decidePayloadBuild: progress of a valid payload", () => {
  it("starts the roots on the first reconcile, at most spec.concurrency, longest path first", () => {
    const s = new Scenario({
      concurrency: 2,
      components: [
        built("leaf-a", { from: CENTOS }),
        built("leaf-b", { from: CENTOS }),
        built("base", { from: CENTOS }),
        built("cli", { from: "base" }),
        built("installer", { from: "cli" }),
      ],
      release: undefined,
    });
    const decision = s.reconcile();
    expect(started(decision)).toEqual(["base#1", "leaf-a#1"]);
    expect(decision.imageStream?.create).toBe(true);
    expect(s.status?.phase).toBe("Building");
    expect(s.status?.counts).toMatchObject({ total: 5, building: 2, waiting: 3, landed: 0 });
    expect(s.condition("Progressing")).toMatchObject({ status: "True", reason: "Building" });
    expect(s.condition("Ready")).toMatchObject({ status: "False", reason: "Building" });
    expect(s.component("base")).toMatchObject({ state: "Building", build: "okd-base-1", attempts: 1 });
    expect(s.component("cli")?.message).toContain("waiting for base");
    expect(decision.start.map((a) => a.event.reason)).toEqual(["BuildStarted", "BuildStarted"]);
    // The Build carries owner, labels and the input hash that the status records.
    const build = s.children.get("okd-base-1");
    expect(build?.metadata.ownerReferences?.[0]).toMatchObject({
      kind: "PayloadBuild",
      uid: "pb-uid-1",
      controller: true,
    });
    expect(build?.metadata.annotations?.["payload.okd.io/input-hash"]).toBe(s.component("base")?.inputHash);
  });

  it("decides the same again from the same state: nothing new while builds run (restart-safe)", () => {
    const s = smallPayload({ concurrency: 1 });
    s.reconcile();
    const again = s.reconcile();
    expect(again.start).toEqual([]);
    expect([...s.children.keys()].filter((n) => !n.endsWith("-base") && !n.endsWith("-etcd"))).toEqual([
      "okd-base-1",
    ]);
  });

  it("starts dependents once their dependency has landed, pinning it by digest", () => {
    const s = smallPayload();
    s.reconcile();
    s.run("base");
    expect(s.reconcile().start).toEqual([]);
    const baseImage = s.complete("base");
    const decision = s.reconcile();
    expect(started(decision).sort()).toEqual(["cli#1", "cluster-version-operator#1", "dns-operator#1"]);
    expect(s.component("base")).toMatchObject({ state: "Landed", image: baseImage });
    expect(baseImage.startsWith(`${REPOSITORY}@sha256:`)).toBe(true);
    const cliBuild = decision.start
      .find((a) => a.component === "cli")
      ?.objects.find((o) => o.kind === "Build");
    expect(JSON.stringify(cliBuild?.["spec"])).toContain(baseImage.split("@")[1]);
  });

  it("does not count a completed build whose tag has not landed yet as landed", () => {
    const s = smallPayload();
    s.reconcile();
    s.complete("base");
    const stream = s.imageStream;
    if (stream === undefined) throw new Error("the first reconcile creates the ImageStream");
    s.imageStream = { ...stream, status: { dockerImageRepository: REPOSITORY, tags: [] } };
    s.reconcile();
    expect(s.component("base")?.state).toBe("Building");
    expect(s.component("base")?.message).toContain("release:base");
  });

  it("assembles the release once every component has landed, with the CVO as base, then keeps it", () => {
    const s = smallPayload();
    s.reconcile();
    s.complete("base");
    s.complete("etcd");
    s.reconcile();
    for (const c of ["cli", "cluster-version-operator", "dns-operator"]) s.complete(c);
    const decision = s.reconcile();
    expect(decision.status?.phase).toBe("Assembling");
    expect(decision.assemble).toMatchObject({
      baseTag: "cluster-version-operator",
      to: "docker://quay.example/okd/release",
    });
    expect(decision.assemble?.images.map((i) => i.tag).sort()).toEqual([
      "base",
      "cli",
      "cluster-version-operator",
      "dns-operator",
      "etcd",
    ]);
    expect(decision.assemble?.images.every((i) => i.pullspec.includes("@sha256:"))).toBe(true);
    expect(s.status?.phase).toBe("Succeeded");
    expect(s.condition("Ready")).toMatchObject({ status: "True", reason: "ReleasePushed" });
    const pushed = s.status?.release?.digest;
    expect(pushed).toMatch(/^sha256:/);
    const next = s.reconcile();
    expect(next.assemble).toBeUndefined();
    expect(next.start).toEqual([]);
    expect(s.status?.release?.digest).toBe(pushed);
  });

  it("asks to read the release's landed components ahead while the others build, then assembles", () => {
    const s = smallPayload();
    expect(s.reconcile().prefetchRelease).toBeUndefined(); // nothing landed yet
    s.complete("base");
    s.complete("etcd");
    const waiting = s.reconcile();
    expect(waiting.assemble).toBeUndefined();
    expect(waiting.prefetchRelease?.map((i) => i.tag).sort()).toEqual(["base", "etcd"]);
    expect(waiting.prefetchRelease?.every((i) => i.pullspec.includes("@sha256:"))).toBe(true);
    for (const c of ["cli", "cluster-version-operator", "dns-operator"]) s.complete(c);
    const assembling = s.reconcile();
    expect(assembling.prefetchRelease).toBeUndefined();
    expect(assembling.assemble?.images.map((i) => i.tag)).toContain("dns-operator");
  });

  it("reads ahead only the components spec.release.include keeps, and nothing without a release", () => {
    const s = smallPayload();
    s.editSpec((spec) => ({
      ...spec,
      release: { ...(spec["release"] as object), include: ["etcd"] },
    }));
    s.reconcile();
    s.complete("base");
    s.complete("etcd");
    expect(
      s
        .reconcile()
        .prefetchRelease?.map((i) => i.tag)
        .sort(),
    ).toEqual(["etcd"]);
    const plain = new Scenario({
      components: [built("base", { from: CENTOS }), built("cli", { from: "base" })],
      release: undefined,
    });
    plain.reconcile();
    plain.complete("base");
    expect(plain.reconcile().prefetchRelease).toBeUndefined();
  });

  it("reports Ready=True without a release when spec.release is not set", () => {
    const s = new Scenario({ components: [built("base", { from: CENTOS })], release: undefined });
    s.reconcile();
    s.complete("base");
    const decision = s.reconcile();
    expect(decision.assemble).toBeUndefined();
    expect(s.condition("Ready")).toMatchObject({ status: "True", reason: "ComponentsLanded" });
  });

  it("never has two live builds of one component and never exceeds spec.concurrency", () => {
    const s = smallPayload({ concurrency: 2 });
    for (let step = 0; step < 12; step++) {
      s.reconcile();
      const live = [...s.children.values()].filter(
        (c) =>
          c.kind === "Build" &&
          ["New", "Running"].includes(String((c["status"] as { phase?: string }).phase)),
      );
      expect(live.length).toBeLessThanOrEqual(2);
      const perComponent = new Set(live.map((b) => b.metadata.labels?.["payload.okd.io/component"]));
      expect(perComponent.size).toBe(live.length);
      const next = live[0]?.metadata.labels?.["payload.okd.io/component"];
      if (next !== undefined) s.complete(next);
    }
    expect(s.status?.phase).toBe("Succeeded");
  });
});
