import { describe, expect, it } from "vitest";
import { checkCvoManifest, checkOperatorManifest } from "../../../src/release-image/check-manifest.js";
import { verifyReleasePayload } from "../../../src/release-image/verify-release-payload.js";

const b = (text: string): Buffer => Buffer.from(text);

describe("checkOperatorManifest (oc's check)", () => {
  it.each([
    ["a.yaml", "kind: A\napiVersion: v1\n", undefined],
    ["a.json", '{"kind":"A","apiVersion":"v1"}', undefined],
    ["notes.txt", "not: [yaml", undefined],
    ["a.yml", "kind: [unclosed\n", /not valid YAML\/JSON/],
    ["a.yaml", "- a\n- b\n", /not a map/],
    ["a.yaml", "apiVersion: v1\n", /no "kind"/],
    ["a.yaml", "kind: A\n", /no "apiVersion"/],
    ["a.yaml", "kind: A\napiVersion: v1\n---\nfoo\n", undefined],
  ])("%s %j", (name, text, problem) => {
    const result = checkOperatorManifest(name, b(text));
    if (problem === undefined) expect(result).toBeUndefined();
    else expect(result).toMatch(problem);
  });
});

describe("checkCvoManifest (the CVO's load rule)", () => {
  it("accepts documents with apiVersion, kind and metadata.name, and skips empty ones", () => {
    expect(
      checkCvoManifest(
        "a.yaml",
        b(
          "---\napiVersion: v1\nkind: A\nmetadata: {name: x}\n---\n---\napiVersion: v1\nkind: B\nmetadata: {name: x}\n",
        ),
      ),
    ).toEqual([]);
  });

  it("reports a missing name and a repeated object within one file", () => {
    expect(
      checkCvoManifest(
        "a.yaml",
        b(
          "apiVersion: v1\nkind: A\n---\napiVersion: g/v1\nkind: B\nmetadata: {name: x}\n---\napiVersion: g/v2\nkind: B\nmetadata: {name: x}\n",
        ),
      ),
    ).toEqual(["a.yaml document 1: no metadata.name", "a.yaml document 3: B x appears twice in this file"]);
  });
});

describe("verifyReleasePayload", () => {
  const metadata = '{"kind":"cincinnati-metadata-v0","version":"4.15.0","previous":[]}';
  const references = (name: string) =>
    `{"kind":"ImageStream","apiVersion":"image.openshift.io/v1","metadata":{"name":"${name}"}}`;

  it("accepts a payload that loads", () => {
    expect(
      verifyReleasePayload(
        new Map([
          ["release-metadata", b(metadata)],
          ["image-references", b(references("4.15.0"))],
        ]),
      ),
    ).toEqual([]);
  });

  it("reports every CVO rule that fails", () => {
    expect(
      verifyReleasePayload(
        new Map([
          ["release-metadata", b(metadata)],
          ["image-references", b(references("4.15.1"))],
          ["0000_50_x_a.yaml", b("kind: A\n")],
          ["README", b("ignored")],
        ]),
      ),
    ).toEqual([
      'image-references metadata.name "4.15.1" does not equal release-metadata version "4.15.0"',
      "0000_50_x_a.yaml document 1: no apiVersion",
      "0000_50_x_a.yaml document 1: no metadata.name",
    ]);
    expect(verifyReleasePayload(new Map())).toEqual([
      "release-manifests/release-metadata is missing",
      "release-manifests/image-references is missing",
    ]);
  });
});
