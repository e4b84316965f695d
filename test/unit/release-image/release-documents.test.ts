import { describe, expect, it } from "vitest";
import {
  parseReleaseMetadata,
  writeImageReferences,
  writeReleaseMetadata,
} from "../../../src/release-image/release-documents.js";

describe("release documents", () => {
  it("writes image-references as oc does: Go key order, tags sorted, 2-space indent", () => {
    const text = writeImageReferences({
      name: "4.15.0-0.okd-2024-01-02-030405",
      created: new Date("2024-01-02T03:04:05.678Z"),
      annotations: { "release.openshift.io/from-image-stream": "okd/4.15-okd" },
      tags: [
        { name: "machine-config-operator", pullspec: "r/m@sha256:2", annotations: { z: "<&>", a: "" } },
        { name: "cli", pullspec: "r/c@sha256:1", annotations: null },
      ],
    });
    expect(text).toBe(`{
  "kind": "ImageStream",
  "apiVersion": "image.openshift.io/v1",
  "metadata": {
    "name": "4.15.0-0.okd-2024-01-02-030405",
    "creationTimestamp": "2024-01-02T03:04:05Z",
    "annotations": {
      "release.openshift.io/from-image-stream": "okd/4.15-okd"
    }
  },
  "spec": {
    "lookupPolicy": {
      "local": false
    },
    "tags": [
      {
        "name": "cli",
        "annotations": null,
        "from": {
          "kind": "DockerImage",
          "name": "r/c@sha256:1"
        },
        "generation": null,
        "importPolicy": {},
        "referencePolicy": {
          "type": ""
        }
      },
      {
        "name": "machine-config-operator",
        "annotations": {
          "a": "",
          "z": "\\u003c\\u0026\\u003e"
        },
        "from": {
          "kind": "DockerImage",
          "name": "r/m@sha256:2"
        },
        "generation": null,
        "importPolicy": {},
        "referencePolicy": {
          "type": ""
        }
      }
    ]
  },
  "status": {
    "dockerImageRepository": ""
  }
}`);
  });

  it("writes release-metadata with previous always present and sorted as strings, next and metadata only when set", () => {
    expect(writeReleaseMetadata({ version: "4.15.0" })).toBe(
      '{\n  "kind": "cincinnati-metadata-v0",\n  "version": "4.15.0",\n  "previous": []\n}',
    );
    const full = JSON.parse(
      writeReleaseMetadata({
        version: "4.15.1",
        previous: ["4.15.0", "4.14.10", "4.14.9"],
        metadata: { url: "https://e/1" },
      }),
    );
    expect(full).toEqual({
      kind: "cincinnati-metadata-v0",
      version: "4.15.1",
      previous: ["4.14.10", "4.14.9", "4.15.0"],
      metadata: { url: "https://e/1" },
    });
    expect(parseReleaseMetadata(JSON.stringify(full)).version).toBe("4.15.1");
  });

  it("refuses names and previous versions that are not semver", () => {
    expect(() => writeReleaseMetadata({ version: "4.15" })).toThrow(
      /release name "4.15" must be a semantic version/,
    );
    expect(() => writeReleaseMetadata({ version: "4.15.0", previous: ["latest"] })).toThrow(
      /previous version "latest"/,
    );
  });

  it("applies the CVO's rules when reading release-metadata", () => {
    expect(() => parseReleaseMetadata('{"kind":"other","version":"4.15.0"}')).toThrow(
      /kind must be "cincinnati-metadata-v0"/,
    );
    expect(() => parseReleaseMetadata('{"kind":"cincinnati-metadata-v0","version":"x"}')).toThrow(
      /semantic version/,
    );
  });
});
