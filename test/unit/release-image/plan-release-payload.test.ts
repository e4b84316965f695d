import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  planReleasePayload,
  type InspectedComponent,
  type ReleasePayloadInput,
} from "../../../src/release-image/plan-release-payload.js";

const D = (n: number): string => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const t1 = new Date("2024-01-02T03:04:05.700Z");
const t2 = new Date("2024-03-04T05:06:07Z");
const file = (name: string, content: string, mtime = t1) => ({
  name,
  type: "file" as const,
  content: Buffer.from(content),
  mtime,
});
const deployment = (name: string, image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  image: ${image}\n  version: 0.0.1-snapshot-kubernetes\n`;

function input(overrides: Partial<ReleasePayloadInput> = {}): ReleasePayloadInput {
  const inspected = new Map<string, InspectedComponent>([
    ["cluster-version-operator", { labels: { "io.openshift.build.commit.id": "c0" } }],
    ["hyperkube", { labels: { "io.openshift.build.versions": "kubernetes=1.28.3+a" } }],
    ["tools", { labels: {} }],
    [
      "alpha-operator",
      {
        labels: { "io.openshift.release.operator": "true" },
        manifests: [
          file(
            "image-references",
            "kind: ImageStream\napiVersion: image.openshift.io/v1\nspec:\n  tags:\n  - name: hyperkube\n    from: {kind: DockerImage, name: quay.io/x/hyperkube}\n",
            t2,
          ),
          file("b.yaml", deployment("b", "quay.io/x/hyperkube:latest")),
          file("0000_30_shared.yaml", "kind: A\napiVersion: v1\n"),
          { name: "sub", type: "directory", content: Buffer.alloc(0), mtime: t1 },
        ],
      },
    ],
    [
      "beta-operator",
      {
        labels: { "io.openshift.release.operator": "yes" },
        manifests: [file("0000_30_shared.yaml", "kind: B\napiVersion: v1\n")],
      },
    ],
  ]);
  return {
    name: "4.15.0-0.okd-2024-01-02-030405",
    created: new Date("2024-05-06T07:08:09.999Z"),
    baseTag: "cluster-version-operator",
    components: [...inspected.keys()].map((tag, i) => ({ tag, pullspec: `r.example/okd/c@${D(i + 1)}` })),
    inspected,
    ...overrides,
  };
}

describe("planReleasePayload", () => {
  it("selects operators by label, prunes unreferenced images, and writes the layer in oc's order", () => {
    const plan = planReleasePayload(input());
    expect(plan.report.operators).toEqual(["alpha-operator", "beta-operator"]);
    expect(plan.report.images).toEqual([
      "alpha-operator",
      "beta-operator",
      "cluster-version-operator",
      "hyperkube",
    ]);
    expect(plan.report.pruned).toEqual(["tools"]);
    expect(plan.entries.map((e) => [e.path, e.type, e.mode, e.mtime?.toISOString()])).toEqual([
      ["release-manifests", "directory", 0o777, "2024-03-04T05:06:07.000Z"],
      ["release-manifests/image-references", "file", 0o444, "2024-03-04T05:06:07.000Z"],
      ["release-manifests/release-metadata", "file", 0o444, "2024-03-04T05:06:07.000Z"],
      ["release-manifests/0000_30_shared.yaml", "file", 0o444, t1.toISOString()],
      ["release-manifests/0000_50_alpha-operator_b.yaml", "file", 0o444, t1.toISOString()],
      ["release-manifests/0000_30_shared_2.yaml", "file", 0o444, t1.toISOString()],
    ]);
    expect(plan.report.renames.map((r) => `${r.operator}/${r.file} -> ${r.name}`)).toEqual([
      "beta-operator/0000_30_shared.yaml -> 0000_30_shared_2.yaml",
    ]);
    const b = plan.entries[4];
    expect(b?.type === "file" ? b.content.toString() : "").toBe(
      deployment("b", `r.example/okd/c@${D(2)}`).replace("0.0.1-snapshot-kubernetes", "1.28.3"),
    );
    const references = JSON.parse(plan.imageReferences);
    expect(references.metadata).toEqual({
      name: "4.15.0-0.okd-2024-01-02-030405",
      creationTimestamp: "2024-05-06T07:08:09Z",
    });
    expect(references.spec.tags[3]).toEqual({
      name: "hyperkube",
      annotations: {
        "io.openshift.build.commit.id": "",
        "io.openshift.build.commit.ref": "",
        "io.openshift.build.source-location": "",
        "io.openshift.build.versions": "kubernetes=1.28.3+a",
        // Written with the versions, empty when the image has no display-names label (as oc does).
        "io.openshift.build.version-display-names": "",
      },
      from: { kind: "DockerImage", name: `r.example/okd/c@${D(2)}` },
      generation: null,
      importPolicy: {},
      referencePolicy: { type: "" },
    });
  });

  it("keeps included tags, and the base tag always", () => {
    const plan = planReleasePayload(input({ include: ["tools"] }));
    expect(plan.report.pruned).toEqual([]);
  });

  it("warns when no operator is found but still builds the documents", () => {
    const base = input();
    const plan = planReleasePayload({
      ...base,
      inspected: new Map([["cluster-version-operator", { labels: {} }]]),
    });
    expect(plan.report.warnings).toEqual([expect.stringMatching(/No operator metadata was found/)]);
    expect(plan.entries.map((e) => e.path)).toEqual([
      "release-manifests",
      "release-manifests/image-references",
      "release-manifests/release-metadata",
    ]);
    expect(plan.entries[0]?.mtime?.getTime()).toBe(0);
  });

  it("fails with the operator and file when a manifest uses a version no referenced image declares", () => {
    const base = input();
    const inspected = new Map(base.inspected);
    inspected.set("beta-operator", {
      labels: { "io.openshift.release.operator": "true" },
      manifests: [file("x.yaml", "kind: A\napiVersion: v1\nv: 0.0.1-snapshot-kubernetes\n")],
    });
    expect(() => planReleasePayload({ ...base, inspected })).toThrow(
      /operator "beta-operator": manifest "manifests\/x.yaml": unknown version reference "0.0.1-snapshot-kubernetes"/,
    );
  });

  it("fails on a missing base tag, a non-semver name and no components", () => {
    expect(() => planReleasePayload(input({ baseTag: "cvo" }))).toThrow(
      /base image tag "cvo" could not be found/,
    );
    expect(() => planReleasePayload(input({ name: "latest" }))).toThrow(
      /release name "latest" must be a semantic version/,
    );
    expect(() => planReleasePayload(input({ components: [] }))).toThrow(/no component images defined/);
  });

  it("does not depend on the order of the components or of the manifest files", () => {
    const reference = planReleasePayload(input());
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), (seed) => {
        const base = input();
        const shuffle = <T>(list: readonly T[]): T[] =>
          list
            .map((value, i) => ({ value, key: (seed * (i + 7919)) % 104729 }))
            .sort((a, b) => a.key - b.key)
            .map(({ value }) => value);
        const inspected = new Map(
          shuffle([...base.inspected]).map(([tag, v]) => [
            tag,
            v.manifests ? { ...v, manifests: shuffle(v.manifests) } : v,
          ]),
        );
        const plan = planReleasePayload({ ...base, components: shuffle(base.components), inspected });
        expect(plan.imageReferences).toBe(reference.imageReferences);
        expect(plan.entries).toEqual(reference.entries);
      }),
      { numRuns: 30 },
    );
  });
});
