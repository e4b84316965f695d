import { describe, expect, it } from "vitest";
import {
  createImageRewrite,
  createVersionRewrite,
  imageTargetsForOperator,
} from "../../../src/release-image/rewrite-manifest.js";

const TARGET = "registry.example.org/okd/content@sha256:" + "a".repeat(64);
const rewriteImages = createImageRewrite(new Map([["quay.io/openshift/origin-cli", TARGET]]));
const run = (text: string): string => rewriteImages(Buffer.from(text)).toString();

describe("image placeholder rewriting", () => {
  it.each([
    ["image: quay.io/openshift/origin-cli\n", `image: ${TARGET}\n`],
    ["image: quay.io/openshift/origin-cli:latest\n", `image: ${TARGET}\n`],
    ['"image": "quay.io/openshift/origin-cli:v4.15"', `"image": "${TARGET}"`],
    [`image: 'quay.io/openshift/origin-cli@sha256:${"b".repeat(64)}'`, `image: '${TARGET}'`],
    ["quay.io/openshift/origin-cli", TARGET],
    ["value=quay.io/openshift/origin-cli", `value=${TARGET}`],
  ])("rewrites %j", (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  it.each([
    "image: quay.io/openshift/origin-cli-artifacts\n",
    "image: quay.io/openshift/origin-cli/extra\n",
    "image: myquay.io/openshift/origin-cli\n",
    "image: quay.io/openshift/origin-cli,other\n",
  ])("leaves %j alone (a longer or different name)", (input) => {
    expect(run(input)).toBe(input);
  });

  it("rewrites several placeholders, each to its own target", () => {
    const rewrite = createImageRewrite(
      new Map([
        ["quay.io/openshift/origin-a", "r/a@sha256:1"],
        ["quay.io/openshift/origin-a-b", "r/ab@sha256:2"],
      ]),
    );
    expect(
      rewrite(Buffer.from("x: quay.io/openshift/origin-a-b\ny: quay.io/openshift/origin-a\n")).toString(),
    ).toBe("x: r/ab@sha256:2\ny: r/a@sha256:1\n");
  });

  it("names the operator and the tag when image-references names a tag the payload lacks", () => {
    expect(() =>
      imageTargetsForOperator(
        "machine-config-operator",
        [{ tag: "rhel-coreos", placeholder: "quay.io/x/rhcos" }],
        new Map(),
      ),
    ).toThrow(
      /operator "machine-config-operator": its image-references names tag "rhel-coreos", which is not in the release input/,
    );
  });

  it("refuses one placeholder used by two tags", () => {
    expect(() =>
      imageTargetsForOperator(
        "op",
        [
          { tag: "a", placeholder: "quay.io/x/same" },
          { tag: "b", placeholder: "quay.io/x/same" },
        ],
        new Map([
          ["a", "r/a"],
          ["b", "r/b"],
        ]),
      ),
    ).toThrow(/defined more than once/);
  });
});

describe("0.0.1-snapshot rewriting", () => {
  const versions = new Map([
    ["kubernetes", { version: "1.28.3" }],
    ["machine-os", { version: "415.92.1" }],
  ]);
  const rewrite = createVersionRewrite(
    "4.15.0-0.okd-2024-01-02-030405+build.7",
    versions,
    new Map([["kubernetes", ["hyperkube"]]]),
  );
  const run = (text: string): string => rewrite(Buffer.from(text)).toString();

  it.each([
    ['version: "0.0.1-snapshot"', 'version: "4.15.0-0.okd-2024-01-02-030405"'],
    ["version: 0.0.1-snapshot\n", "version: 4.15.0-0.okd-2024-01-02-030405\n"],
    ["0.0.1-snapshot", "4.15.0-0.okd-2024-01-02-030405"],
    ["kube: 0.0.1-snapshot-kubernetes\n", "kube: 1.28.3\n"],
    ["os=0.0.1-snapshot-machine-os,", "os=415.92.1,"],
    ["v0.0.1-snapshot", "v0.0.1-snapshot"],
  ])("rewrites %j", (input, expected) => {
    expect(run(input)).toBe(expected);
  });

  it("leaves 0.0.1-snapshot alone when the release name is not semver", () => {
    const plain = createVersionRewrite("not-semver", new Map(), new Map());
    expect(plain(Buffer.from("v: 0.0.1-snapshot")).toString()).toBe("v: 0.0.1-snapshot");
  });

  it("fails on an unknown key, naming it", () => {
    expect(() => run("v: 0.0.1-snapshot-crio")).toThrow(/unknown version reference "0.0.1-snapshot-crio"/);
  });

  it("fails on an empty key", () => {
    expect(() => run("v: 0.0.1-snapshot-")).toThrow(/empty version references/);
  });

  it("fails when more than one referenced image declares the key, even with equal values", () => {
    const ambiguous = createVersionRewrite("4.15.0", versions, new Map([["kubernetes", ["b", "a"]]]));
    expect(() => ambiguous(Buffer.from("0.0.1-snapshot-kubernetes"))).toThrow(
      /the version for "kubernetes" is inconsistent across the referenced images: a, b/,
    );
  });
});
