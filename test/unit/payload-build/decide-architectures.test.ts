import { describe, expect, it } from "vitest";
import { validatePayloadSpec } from "../../../src/payload-build/index.js";
import { Scenario, built } from "./decide-scenario.js";
import { spec } from "./fixtures.js";

const CENTOS = "quay.io/centos/centos:stream9";

function inputHashOf(decision: ReturnType<Scenario["decide"]>): string | undefined {
  return decision.start[0]?.objects[0]?.metadata.annotations?.["payload.okd.io/input-hash"];
}

function specOf(decision: ReturnType<Scenario["decide"]>, index = 0): Record<string, unknown> {
  const object = decision.start[index]?.objects[0];
  if (object === undefined) throw new Error("nothing started");
  return object["spec"] as Record<string, unknown>;
}

describe("spec.architectures", () => {
  it("unset: builds carry no nodeSelector and input identities stay as they were", () => {
    const plain = new Scenario({ components: [built("cluster-version-operator", { from: CENTOS })] });
    const amd64 = new Scenario({
      architectures: ["amd64"],
      components: [built("cluster-version-operator", { from: CENTOS })],
    });
    const decision = plain.reconcile();
    expect(specOf(decision)).not.toHaveProperty("nodeSelector");
    // Naming the architecture is a different build (it pins the node), so a different identity.
    expect(inputHashOf(decision)).toMatch(/^sha256:/);
    expect(inputHashOf(amd64.reconcile())).not.toBe(inputHashOf(decision));
  });

  it("one architecture: OpenShift Builds and Shipwright BuildRuns run with its kubernetes.io/arch nodeSelector", () => {
    const openshift = new Scenario({
      architectures: ["arm64"],
      components: [built("cluster-version-operator", { from: CENTOS })],
    });
    expect(specOf(openshift.reconcile())["nodeSelector"]).toEqual({ "kubernetes.io/arch": "arm64" });

    const shipwright = new Scenario({
      backend: "shipwright",
      architectures: ["s390x"],
      components: [built("cluster-version-operator", { from: CENTOS })],
    });
    shipwright.reconcile();
    const run = specOf(shipwright.reconcile());
    expect(run["nodeSelector"]).toEqual({ "kubernetes.io/arch": "s390x" });
  });

  it("prebuilt components are not pinned to an architecture", () => {
    const s = new Scenario({
      architectures: ["arm64"],
      components: [
        built("cluster-version-operator", { from: CENTOS }),
        { name: "etcd", image: "quay.io/okd/etcd:4.17" },
      ],
    });
    const decision = s.reconcile();
    expect(decision.start.map((a) => a.component)).toEqual(["cluster-version-operator"]);
    expect(decision.imageStream?.specTags.map((t) => t.name)).toEqual(["etcd"]);
  });

  it("more than one architecture is refused before anything is created, saying what is not supported yet", () => {
    const s = new Scenario({
      architectures: ["amd64", "arm64"],
      components: [built("cluster-version-operator", { from: CENTOS })],
    });
    const decision = s.decide();
    expect(decision.start).toEqual([]);
    expect(decision.invalid).toContain("spec.architectures");
    expect(decision.invalid).toContain("multi-arch payloads are not supported yet (amd64, arm64)");
    expect(decision.invalid).toContain("image index");
  });

  it("validation names duplicates and the unsupported multi-arch list", () => {
    const problems = validatePayloadSpec(
      spec({
        architectures: ["arm64", "arm64"],
        components: [built("cluster-version-operator", { from: CENTOS })],
      }),
    ).problems;
    expect(problems.map((p) => p.path)).toEqual(["spec.architectures[1]"]);
    expect(problems[0]?.message).toContain('duplicate architecture "arm64"');
  });
});
