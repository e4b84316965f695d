import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import {
  commitIdOf,
  createdTimeOf,
  imageContentOf,
  mergeLabels,
  type ImageContentInputs,
} from "../../../src/devcluster/builds/image-content.js";
import { componentProfileOf } from "../../../src/devcluster/builds/simulation-profile.js";
import fc from "fast-check";

const inputs: ImageContentInputs = {
  component: "cluster-dns-operator",
  uri: "https://github.com/openshift/cluster-dns-operator",
  ref: "release-4.17",
  buildArgs: { B: "2", A: "1" },
  env: {},
  imageLabels: { "payload.okd.io/input-hash": "sha256:abc" },
  baseDigest: "sha256:" + "1".repeat(64),
  inputDigests: [],
};

const operatorProfile = componentProfileOf(
  {
    components: {
      "cluster-dns-operator": { operator: true, references: ["coredns", "cli"], crdKind: "DNS" },
    },
  },
  "cluster-dns-operator",
);

describe("imageContentOf", () => {
  it("gives the same files, labels and created time for the same inputs", () => {
    expect(imageContentOf(inputs, operatorProfile)).toEqual(imageContentOf({ ...inputs }, operatorProfile));
  });

  it("changes the created time and build info when the base image changes", () => {
    const a = imageContentOf(inputs, operatorProfile);
    const b = imageContentOf({ ...inputs, baseDigest: "sha256:" + "2".repeat(64) }, operatorProfile);
    expect(b.created).not.toBe(a.created);
    expect(b.files[0]?.type === "file" && b.files[0].content).not.toEqual(
      a.files[0]?.type === "file" && a.files[0].content,
    );
  });

  it("does not depend on the order build args were given in", () => {
    const reordered = imageContentOf({ ...inputs, buildArgs: { A: "1", B: "2" } }, operatorProfile);
    expect(reordered).toEqual(imageContentOf(inputs, operatorProfile));
  });

  it("labels operators and ships manifests whose image-references name the operator and its operands", () => {
    const content = imageContentOf(inputs, operatorProfile);
    expect(content.labels["io.openshift.release.operator"]).toBe("true");
    expect(content.labels["io.openshift.build.commit.id"]).toBe(commitIdOf(inputs));
    expect(content.labels["io.openshift.build.source-location"]).toBe(inputs.uri);
    expect(content.labels["payload.okd.io/input-hash"]).toBe("sha256:abc");
    const file = (path: string) => {
      const f = content.files.find((e) => e.path === path);
      return f?.type === "file" ? String(f.content) : undefined;
    };
    const refs = parseYaml(file("manifests/image-references") ?? "") as {
      kind: string;
      spec: { tags: { name: string; from: { kind: string; name: string } }[] };
    };
    expect(refs.kind).toBe("ImageStream");
    expect(refs.spec.tags.map((t) => t.name)).toEqual(["cluster-dns-operator", "coredns", "cli"]);
    expect(refs.spec.tags[1]?.from).toEqual({
      kind: "DockerImage",
      name: "quay.io/openshift/origin-coredns",
    });
    const deployment = file("manifests/02_deployment.yaml") ?? "";
    expect(deployment).toContain("quay.io/openshift/origin-coredns");
    expect(deployment).toContain("quay.io/openshift/origin-cluster-dns-operator:latest");
    expect(file("manifests/01_dnss.crd.yaml")).toContain("kind: CustomResourceDefinition");
  });

  it("gives plain components no operator label and no manifests", () => {
    const content = imageContentOf({ ...inputs, component: "coredns" }, componentProfileOf({}, "coredns"));
    expect(content.labels["io.openshift.release.operator"]).toBeUndefined();
    expect(content.files.some((f) => f.path.startsWith("manifests/"))).toBe(false);
    expect(content.files[0]?.path).toBe("usr/share/okd/coredns/build-info.json");
  });
});

describe("labels and times", () => {
  it("drops build and operator labels inherited from the base", () => {
    const merged = mergeLabels(
      { "io.openshift.release.operator": "true", "io.openshift.build.commit.id": "old", vendor: "x" },
      { "io.openshift.build.commit.id": "new" },
    );
    expect(merged).toEqual({ "io.openshift.build.commit.id": "new", vendor: "x" });
  });

  it("derives a 40-hex commit id from uri and ref, or keeps an explicit one", () => {
    expect(commitIdOf({ uri: "u", ref: "r" })).toMatch(/^[a-f0-9]{40}$/);
    expect(commitIdOf({ uri: "u", ref: "r" })).not.toBe(commitIdOf({ uri: "u", ref: "s" }));
    expect(commitIdOf({ uri: "u", ref: "r", commit: "abc123" })).toBe("abc123");
  });

  it("puts every created time within 2025, in whole seconds", () => {
    fc.assert(
      fc.property(fc.string(), (seed) => {
        const created = createdTimeOf(seed);
        expect(created).toMatch(/^2025-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        expect(createdTimeOf(seed)).toBe(created);
      }),
    );
  });
});
