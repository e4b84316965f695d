import { describe, expect, it } from "vitest";
import {
  buildRequestOfBuild,
  buildRequestOfBuildRun,
  outputImageStreamOf,
} from "../../../src/devcluster/builds/build-request.js";

const host = "127.0.0.1:5000";

describe("buildRequestOfBuild", () => {
  it("maps a Docker strategy Build with ImageStreamTag output and inputs", () => {
    const target = buildRequestOfBuild(
      {
        metadata: { name: "b-1", namespace: "ns", labels: { "payload.okd.io/component": "cli" } },
        spec: {
          source: {
            git: { uri: "https://github.com/openshift/oc", ref: "release-4.17" },
            images: [{ from: { kind: "ImageStreamTag", name: "release:forked-dockerfiles" } }],
          },
          strategy: {
            dockerStrategy: {
              from: { kind: "DockerImage", name: `${host}/ns/release@sha256:${"a".repeat(64)}` },
              buildArgs: [{ name: "TAGS", value: "cli" }],
            },
          },
          output: { to: { kind: "ImageStreamTag", name: "release:cli" } },
        },
      },
      host,
    );
    if (!target.ok) throw new Error(target.message);
    expect(target.request.component).toBe("cli");
    expect(target.request.output).toEqual({ repository: `${host}/ns/release`, tag: "cli" });
    expect(target.imageStream).toEqual({ namespace: "ns", name: "release", tag: "cli" });
    expect(target.request.inputs).toEqual([
      { kind: "ImageStreamTag", namespace: "ns", stream: "release", tag: "forked-dockerfiles" },
    ]);
    expect(target.request.buildArgs).toEqual({ TAGS: "cli" });
  });

  it("reports a Build with no output or an unsupported from kind, naming the field", () => {
    const noOutput = buildRequestOfBuild({ metadata: { name: "b", namespace: "ns" }, spec: {} }, host);
    expect(noOutput).toMatchObject({ ok: false, reason: "InvalidOutputReference" });
    const badFrom = buildRequestOfBuild(
      {
        metadata: { name: "b", namespace: "ns" },
        spec: {
          strategy: { dockerStrategy: { from: { kind: "Image", name: "x" } } },
          output: { to: { kind: "ImageStreamTag", name: "release:x" } },
        },
      },
      host,
    );
    expect(badFrom).toMatchObject({ ok: false, reason: "InvalidImageReference" });
    expect(badFrom.ok ? "" : badFrom.message).toContain("spec.strategy.dockerStrategy.from.kind");
  });
});

describe("buildRequestOfBuildRun", () => {
  it("reads source, from/inputs/build-args params and the output image", () => {
    const target = buildRequestOfBuildRun(
      {
        metadata: { name: "r", namespace: "ns" },
        spec: {
          build: {
            spec: {
              source: { git: { url: "https://github.com/openshift/coredns", revision: "main" } },
              paramValues: [
                { name: "from", value: `${host}/ns/release@sha256:${"b".repeat(64)}` },
                { name: "inputs", values: [{ value: "quay.io/x/y:1" }] },
                { name: "build-args", values: [{ value: "A=1" }] },
              ],
              output: { image: `${host}/ns/release:coredns`, labels: { l: "v" } },
            },
          },
        },
      },
      host,
    );
    if (!target.ok) throw new Error(target.message);
    expect(target.request).toMatchObject({
      component: "coredns",
      uri: "https://github.com/openshift/coredns",
      ref: "main",
      buildArgs: { A: "1" },
      imageLabels: { l: "v" },
      inputs: [{ kind: "DockerImage", pullspec: "quay.io/x/y:1" }],
    });
    expect(target.imageStream).toEqual({ namespace: "ns", name: "release", tag: "coredns" });
  });
});

describe("the architecture a build runs on", () => {
  const run = (nodeSelector?: Record<string, string>, buildSelector?: Record<string, string>) =>
    buildRequestOfBuildRun(
      {
        metadata: { name: "r", namespace: "ns" },
        spec: {
          ...(nodeSelector === undefined ? {} : { nodeSelector }),
          build: {
            spec: {
              ...(buildSelector === undefined ? {} : { nodeSelector: buildSelector }),
              output: { image: `${host}/ns/release:coredns` },
            },
          },
        },
      },
      host,
    );

  it("is the kubernetes.io/arch node selector, the BuildRun's over its build's, else unset", () => {
    const arch = (t: ReturnType<typeof run>) => (t.ok ? t.request.architecture : "not ok");
    expect(arch(run({ "kubernetes.io/arch": "arm64" }, { "kubernetes.io/arch": "s390x" }))).toBe("arm64");
    expect(arch(run(undefined, { "kubernetes.io/arch": "s390x" }))).toBe("s390x");
    expect(arch(run())).toBeUndefined();
  });
});

describe("where a Build pushes", () => {
  const build = (to: Record<string, string>, status?: Record<string, string>) => ({
    metadata: { name: "b", namespace: "ns" },
    spec: { output: { to } },
    ...(status === undefined ? {} : { status }),
  });

  it("names the output ImageStream of ImageStreamTag and ImageStream outputs, in to.namespace if set", () => {
    expect(outputImageStreamOf(build({ kind: "ImageStreamTag", name: "release:cli" }))).toEqual({
      namespace: "ns",
      name: "release",
      tag: "cli",
    });
    expect(outputImageStreamOf(build({ kind: "ImageStream", name: "release", namespace: "other" }))).toEqual({
      namespace: "other",
      name: "release",
      tag: "latest",
    });
    // SplitImageStreamTag: an ImageStreamTag name needs its ":<tag>".
    expect(outputImageStreamOf(build({ kind: "ImageStreamTag", name: "release" }))).toBeUndefined();
    expect(outputImageStreamOf(build({ kind: "DockerImage", name: "quay.io/a/b:c" }))).toBeUndefined();
  });

  it("pushes to status.outputDockerImageReference once the build controller resolved it", () => {
    const target = buildRequestOfBuild(
      build(
        { kind: "ImageStreamTag", name: "release:cli" },
        { outputDockerImageReference: "registry.example:5000/ns/release:cli" },
      ),
      host,
    );
    if (!target.ok) throw new Error(target.message);
    expect(target.request.output).toEqual({ repository: "registry.example:5000/ns/release", tag: "cli" });
    // Not the simulated registry: no ImageStream records the push.
    expect(target.imageStream).toBeUndefined();
  });
});

describe("BuildRuns the simulator cannot run", () => {
  it("takes the BuildRun's spec.output over the build spec's, and says why a run has no build", () => {
    const target = buildRequestOfBuildRun(
      {
        metadata: { name: "r", namespace: "ns" },
        spec: {
          build: { spec: { output: { image: `${host}/ns/release:a`, labels: { a: "1" } } } },
          output: { image: `${host}/ns/release:b`, labels: { b: "2" } },
        },
      },
      host,
    );
    if (!target.ok) throw new Error(target.message);
    expect(target.request.output).toEqual({ repository: `${host}/ns/release`, tag: "b" });
    expect(target.request.imageLabels).toEqual({ a: "1", b: "2" });
    expect(
      buildRequestOfBuildRun({ metadata: { name: "r", namespace: "ns" }, spec: {} }, host),
    ).toMatchObject({
      ok: false,
      reason: "BuildRunNoRefOrSpec",
    });
    expect(
      buildRequestOfBuildRun(
        { metadata: { name: "r", namespace: "ns" }, spec: { build: { name: "b" } } },
        host,
      ),
    ).toMatchObject({ ok: false, reason: "BuildNotFound" });
  });
});
