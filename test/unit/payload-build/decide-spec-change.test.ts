import { describe, expect, it } from "vitest";
import { Scenario, built, started } from "./decide-scenario.js";

const CENTOS = "quay.io/centos/centos:stream9";

/** base <- cli <- installer; etcd and cluster-version-operator independent. */
function landedPayload(): Scenario {
  const s = new Scenario({
    concurrency: 8,
    components: [
      built("base", { from: CENTOS }),
      built("cli", { from: "base" }),
      built("installer", { from: "cli" }),
      built("etcd", { from: CENTOS }),
      built("cluster-version-operator", { from: CENTOS }),
    ],
  });
  s.reconcile();
  for (const c of ["base", "etcd", "cluster-version-operator"]) s.complete(c);
  s.reconcile();
  s.complete("cli");
  s.reconcile();
  s.complete("installer");
  s.reconcile();
  expect(s.status?.phase).toBe("Succeeded");
  return s;
}

type Components = { name: string; buildArgs?: Record<string, string>; resources?: unknown }[];

function setBuildArg(component: string, value: string) {
  return (spec: Record<string, unknown>) => {
    const components = spec["components"] as Components;
    const c = components.find((x) => x.name === component);
    if (c !== undefined) c.buildArgs = { VERSION: value };
    return spec;
  };
}

describe("decidePayloadBuild: spec changes (a new generation)", () => {
  it("rebuilds the changed component and its dependents only, keeping the others' images", () => {
    const s = landedPayload();
    const before = new Map(s.status?.components?.map((c) => [c.name, c]));
    s.editSpec(setBuildArg("cli", "2"));
    const decision = s.reconcile();
    expect(started(decision)).toEqual(["cli#2"]);
    expect(decision.assemble).toBeUndefined();
    expect(s.status?.observedGeneration).toBe(2);
    expect(s.status?.phase).toBe("Building");
    expect(s.status?.release).toBeUndefined();
    for (const name of ["base", "etcd", "cluster-version-operator"]) {
      expect(s.component(name)).toMatchObject({
        state: "Landed",
        image: before.get(name)?.image,
        inputHash: before.get(name)?.inputHash,
      });
    }
    expect(s.component("cli")?.inputHash).not.toBe(before.get("cli")?.inputHash);
    expect(s.component("installer")).toMatchObject({ state: "Waiting" });
    s.complete("cli");
    expect(started(s.reconcile())).toEqual(["installer#2"]);
    s.complete("installer");
    const release = s.reconcile();
    expect(release.assemble?.images.find((i) => i.tag === "base")?.pullspec).toBe(before.get("base")?.image);
    expect(s.status?.phase).toBe("Succeeded");
  });

  it("keeps every build when only non-identity fields change (resources, concurrency)", () => {
    const s = landedPayload();
    s.editSpec((spec) => {
      const [first] = spec["components"] as Components;
      if (first !== undefined) first.resources = { limits: { cpu: "8" } };
      return { ...spec, concurrency: 3 };
    });
    const decision = s.reconcile();
    expect(decision.start).toEqual([]);
    expect(s.status?.observedGeneration).toBe(2);
    expect(s.status?.counts?.landed).toBe(5);
  });

  it("deletes a live build whose identity changed and starts the new one once it is gone", () => {
    const s = landedPayload();
    s.editSpec(setBuildArg("cli", "2"));
    s.reconcile();
    s.run("cli");
    s.editSpec(setBuildArg("cli", "3"));
    const decision = s.reconcile();
    expect(decision.delete.map((o) => o.metadata.name)).toEqual(["okd-cli-2"]);
    // reconcile() applied the delete: the next decision starts attempt 3 with the new identity.
    expect(started(s.reconcile())).toEqual(["cli#3"]);
    expect(s.status?.observedGeneration).toBe(3);
  });

  it("waits for an outdated live build to go before starting the new one", () => {
    const s = landedPayload();
    s.editSpec(setBuildArg("cli", "2"));
    s.reconcile();
    s.run("cli");
    s.editSpec(setBuildArg("cli", "3"));
    const decision = s.decide();
    expect(decision.delete.map((o) => o.metadata.name)).toEqual(["okd-cli-2"]);
    expect(decision.start).toEqual([]);
    expect(decision.status?.components?.find((c) => c.name === "cli")?.message).toContain("outdated build");
  });

  it("deletes the children of a component removed from the spec", () => {
    const s = landedPayload();
    s.editSpec((spec) => ({
      ...spec,
      components: (spec["components"] as Components).filter((c) => c.name !== "installer"),
    }));
    const decision = s.reconcile();
    expect(decision.delete.map((o) => o.metadata.name).sort()).toEqual(["okd-installer-1"]);
  });
});
