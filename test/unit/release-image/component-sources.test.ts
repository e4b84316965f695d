import { describe, expect, it } from "vitest";
import {
  componentsFromImageStream,
  mergeComponents,
  parseComponentMappings,
} from "../../../src/release-image/component-sources.js";
import { parseImageStream } from "../../../src/release-image/image-stream.js";

const D1 = "sha256:" + "1".repeat(64);
const D2 = "sha256:" + "2".repeat(64);

describe("componentsFromImageStream", () => {
  const stream = parseImageStream(
    JSON.stringify({
      kind: "ImageStream",
      apiVersion: "image.openshift.io/v1",
      metadata: { name: "4.15", namespace: "okd" },
      spec: {
        tags: [
          {
            name: "pinned",
            from: { kind: "DockerImage", name: `quay.io/okd/pinned@${D1}` },
            annotations: { keep: "me" },
          },
          { name: "cli", generation: 2, from: { kind: "DockerImage", name: "quay.io/okd/cli:latest" } },
        ],
      },
      status: {
        dockerImageRepository: "image-registry.svc:5000/okd/4.15",
        tags: [
          {
            tag: "cli",
            items: [{ image: D2, dockerImageReference: `quay.io/okd/cli@${D2}`, generation: 2 }],
          },
          {
            tag: "installer",
            items: [{ image: D1, dockerImageReference: `image-registry.svc:5000/okd/4.15@${D1}` }],
          },
          { tag: "empty", items: [] },
        ],
      },
    }),
    "stream",
  );

  it("pins landed tags by digest, keeps spec annotations, and skips empty tags", () => {
    expect(componentsFromImageStream(stream)).toEqual([
      { tag: "pinned", pullspec: `quay.io/okd/pinned@${D1}`, annotations: { keep: "me" } },
      { tag: "cli", pullspec: `quay.io/okd/cli@${D2}` },
      // Built into the integrated registry, no public repository: named there, not left out.
      { tag: "installer", pullspec: `image-registry.svc:5000/okd/4.15@${D1}` },
    ]);
  });

  it("uses the public repository when the stream has one", () => {
    const withPublic = {
      ...stream,
      status: { ...stream.status, publicDockerImageRepository: "registry.example.org/okd/4.15" },
    };
    expect(componentsFromImageStream(withPublic).map((c) => c.pullspec)).toEqual([
      `registry.example.org/okd/4.15@${D1}`,
      `registry.example.org/okd/4.15@${D2}`,
      `registry.example.org/okd/4.15@${D1}`,
    ]);
  });

  it("fails on a spec tag newer than its newest image", () => {
    const pending = structuredClone(stream);
    const cli = pending.spec?.tags?.[1];
    if (cli) cli.generation = 3;
    expect(() => componentsFromImageStream(pending, "stream okd/4.15")).toThrow(
      /stream okd\/4.15: tag "cli" has not been imported yet/,
    );
  });

  it("rejects a document that is not an ImageStream", () => {
    expect(() => parseImageStream("kind: Pod\napiVersion: v1\n", "file s.yaml")).toThrow(
      /file s.yaml is not an image.openshift.io\/v1 ImageStream: kind/,
    );
  });
});

describe("parseComponentMappings", () => {
  it("parses NAME=PULLSPEC and marks overrides", () => {
    expect(
      parseComponentMappings([`cli=quay.io/okd/cli@${D1}`, "docker-builder=docker://quay.io/okd/b:1"], true),
    ).toEqual([
      { tag: "cli", pullspec: `quay.io/okd/cli@${D1}`, override: true },
      { tag: "docker-builder", pullspec: "quay.io/okd/b:1", override: true },
    ]);
  });

  it.each([["cli"], ["=x"], ["cli=quay.io/Bad_Name"]])("rejects %j", (pair) => {
    expect(() => parseComponentMappings([pair])).toThrow();
  });

  it("rejects a repeated name, and overrides replace tags", () => {
    expect(() => parseComponentMappings(["a=r/a:1", "a=r/b:1"])).toThrow(/more than once/);
    expect(
      mergeComponents(
        [{ tag: "a", pullspec: "r/a:1", annotations: { x: "y" } }],
        [{ tag: "a", pullspec: "r/b:1", override: true }],
      ),
    ).toEqual([{ tag: "a", pullspec: "r/b:1", override: true }]);
  });
});
