import { describe, expect, it } from "vitest";
import { validatePayloadSpec } from "../../../src/payload-build/index.js";
import { ARCHITECTURE_IMAGES_ANNOTATION } from "../../../src/payload-build/architecture-units.js";
import { REPOSITORY, Scenario, built, digestFor, started } from "./decide-scenario.js";
import { spec } from "./fixtures.js";

const CENTOS = "quay.io/centos/centos:stream9";
const ETCD = `quay.io/okd/etcd@${digestFor("etcd")}`;

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

  it("validation names duplicate architectures", () => {
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

describe("decidePayloadBuild with two architectures", () => {
  const BASE = "base";
  const CVO = "cluster-version-operator";

  function twoArch(): Scenario {
    const s = new Scenario({
      architectures: ["amd64", "arm64"],
      components: [built(BASE, { from: CENTOS }), built(CVO, { from: BASE }), { name: "etcd", image: ETCD }],
    });
    return s;
  }

  /** The import of a prebuilt component's spec tag, as the API server and the image import do it. */
  function landPrebuilt(s: Scenario, tag: string): void {
    const stream = s.imageStream;
    if (stream === undefined) throw new Error("no ImageStream");
    const digest = digestFor(tag);
    s.imageStream = {
      ...stream,
      spec: { tags: (stream.spec?.tags ?? []).map((t) => (t.name === tag ? { ...t, generation: 1 } : t)) },
      status: {
        ...stream.status,
        tags: [
          ...(stream.status?.tags ?? []),
          { tag, items: [{ image: digest, dockerImageReference: `${REPOSITORY}@${digest}`, generation: 1 }] },
        ],
      },
    };
  }

  /** What the act step does with a combine request: the index pushed, the tag pointing at it, imported. */
  function combineAll(s: Scenario, decision: ReturnType<Scenario["reconcile"]>): Map<string, string> {
    const stream = s.imageStream;
    if (stream === undefined) throw new Error("no ImageStream");
    const indexes = new Map<string, string>();
    let tags = [...(stream.spec?.tags ?? [])];
    let statusTags = [...(stream.status?.tags ?? [])];
    for (const combine of decision.combine ?? []) {
      const index = digestFor(`index of ${combine.annotation}`);
      indexes.set(combine.tag, `${REPOSITORY}@${index}`);
      tags = [
        ...tags.filter((t) => t.name !== combine.tag),
        {
          name: combine.tag,
          annotations: { [ARCHITECTURE_IMAGES_ANNOTATION]: combine.annotation },
          from: { kind: "DockerImage", name: `${REPOSITORY}@${index}` },
          generation: 2,
        },
      ];
      statusTags = [
        ...statusTags.filter((t) => t.tag !== combine.tag),
        {
          tag: combine.tag,
          items: [{ image: index, dockerImageReference: `${REPOSITORY}@${index}`, generation: 2 }],
        },
      ];
    }
    s.imageStream = { ...stream, spec: { tags }, status: { ...stream.status, tags: statusTags } };
    return indexes;
  }

  it("builds each component once per architecture, each from the same architecture's dependency", () => {
    const s = twoArch();
    const first = s.reconcile();
    expect(started(first)).toEqual(["base-amd64#1", "base-arm64#1"]);
    expect(first.start.map((a) => specOf(first, first.start.indexOf(a))["nodeSelector"])).toEqual([
      { "kubernetes.io/arch": "amd64" },
      { "kubernetes.io/arch": "arm64" },
    ]);
    // Each unit pushes to its own tag; the component's tag is kept for its index.
    const output = (specOf(first)["output"] as { to: { name: string } }).to.name;
    expect(output).toBe("release:base-amd64");

    const baseAmd64 = s.complete("base-amd64");
    const second = s.reconcile();
    expect(started(second)).toEqual(["cluster-version-operator-amd64#1"]);
    const strategy = specOf(second)["strategy"] as { dockerStrategy: { from: { name: string } } };
    expect(strategy.dockerStrategy.from.name).toBe(baseAmd64);
    expect(s.component("base")).toMatchObject({ state: "Building", message: "amd64 landed, arm64 building" });
    expect(s.component("base-amd64")).toMatchObject({ state: "Landed", attempts: 1, image: baseAmd64 });
    expect(s.component("cluster-version-operator-arm64")).toMatchObject({ state: "Waiting" });

    const baseArm64 = s.complete("base-arm64");
    const third = s.reconcile();
    expect(started(third)).toEqual(["cluster-version-operator-arm64#1"]);
    const armStrategy = specOf(third)["strategy"] as { dockerStrategy: { from: { name: string } } };
    expect(armStrategy.dockerStrategy.from.name).toBe(baseArm64);
    expect(third.combine).toEqual([
      {
        component: BASE,
        tag: BASE,
        images: [
          { architecture: "amd64", pullspec: baseAmd64 },
          { architecture: "arm64", pullspec: baseArm64 },
        ],
        annotation: `amd64=${baseAmd64},arm64=${baseArm64}`,
      },
    ]);
    expect(s.component("base")).toMatchObject({
      state: "Building",
      message: "combining the amd64, arm64 images into an image index",
    });
  });

  it("lands a component once its tag holds the index of its landed images; the release takes the indexes", () => {
    const s = twoArch();
    s.reconcile();
    s.complete("base-amd64");
    s.complete("base-arm64");
    s.reconcile();
    s.complete("cluster-version-operator-amd64");
    s.complete("cluster-version-operator-arm64");
    const ready = s.reconcile();
    expect(ready.assemble).toBeUndefined();
    expect((ready.combine ?? []).map((c) => c.component)).toEqual([BASE, CVO]);
    // The prebuilt etcd is imported once, not per architecture.
    expect(s.component("etcd-amd64")).toBeUndefined();

    // Pushed and tagged but not imported yet: no second push.
    const stream = s.imageStream;
    if (stream === undefined) throw new Error("no ImageStream");
    const indexes = combineAll(s, ready);
    const imported = s.imageStream;
    s.imageStream = { ...imported, status: stream.status } as typeof stream;
    expect(s.reconcile().combine).toEqual([]);
    expect(s.component(CVO)?.message).toBe(
      `importing its image index (${indexes.get(CVO) ?? ""}) into the ImageStream`,
    );
    s.imageStream = imported;
    landPrebuilt(s, "etcd");
    const landed = s.reconcile();
    expect(landed.combine).toEqual([]);
    expect(s.component(BASE)).toMatchObject({ state: "Landed", image: indexes.get(BASE) });
    expect(s.component(CVO)).toMatchObject({ state: "Landed", image: indexes.get(CVO) });
    expect(landed.assemble?.images.map((i) => i.tag).sort()).toEqual([BASE, CVO, "etcd"]);
    expect(landed.assemble?.images.find((i) => i.tag === CVO)?.pullspec).toBe(indexes.get(CVO));

    // A spec change that touches no build neither rebuilds nor combines again.
    s.editSpec((spec) => ({ ...spec, concurrency: 4 }));
    const after = s.reconcile();
    expect({ start: after.start, combine: after.combine }).toEqual({ start: [], combine: [] });
    expect(s.component(CVO)).toMatchObject({ state: "Landed", image: indexes.get(CVO) });
  });

  it("a failed architecture fails its component and blocks that architecture of its dependents only", () => {
    const s = twoArch();
    s.editSpec((spec) => ({ ...spec, retry: { maxAttempts: 1 } }));
    s.reconcile();
    s.complete("base-amd64");
    s.fail("base-arm64");
    s.reconcile();
    expect(s.component("base-arm64")).toMatchObject({ state: "Failed", attempts: 1 });
    expect(s.component(BASE)?.state).toBe("Failed");
    expect(s.component(BASE)?.message).toMatch(/^linux\/arm64: .*DockerBuildFailed/);
    expect(s.component("cluster-version-operator-arm64")).toMatchObject({
      state: "Blocked",
      message: "blocked: dependency base-arm64 failed",
    });
    expect(s.component("cluster-version-operator-amd64")?.state).toBe("Building");
    expect(s.component(CVO)?.state).toBe("Blocked");
  });
});

describe("validation of multi-arch payloads", () => {
  it("names components whose per-architecture build names are too long or taken", () => {
    const long = "a".repeat(60);
    const problems = validatePayloadSpec(
      spec({
        architectures: ["amd64", "ppc64le"],
        components: [
          built("cluster-version-operator", { from: CENTOS }),
          built(long, { from: CENTOS }),
          built("cli", { from: CENTOS }),
          built("cli-amd64", { from: CENTOS }),
        ],
      }),
    ).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems).toEqual([
      `spec.components[1].name: "${long}" is too long for a multi-arch payload: its amd64 build is named "${long}-amd64" (66 characters, at most 63); shorten the name by 3`,
      `spec.components[1].name: "${long}" is too long for a multi-arch payload: its ppc64le build is named "${long}-ppc64le" (68 characters, at most 63); shorten the name by 5`,
      'spec.components[2].name: the amd64 build of "cli" is named "cli-amd64", which is also a component of the payload; rename one of them',
    ]);
  });
});
