import { describe, expect, it } from "vitest";
import { importBuildConfigs, validatePayloadBuild } from "../../../src/payload-build/index.js";

const builderInput = {
  from: { kind: "ImageStreamTag", name: "release:builder" },
  as: ["registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.21-openshift-4.15"],
};

function buildConfig(name: string, spec: Record<string, unknown>, output = `release:${name}`) {
  return {
    apiVersion: "build.openshift.io/v1",
    kind: "BuildConfig",
    metadata: { name },
    spec: {
      output: { to: { kind: "ImageStreamTag", name: output } },
      ...spec,
      source: {
        git: { uri: `https://github.com/openshift/${name}`, ref: "release-4.15" },
        ...(spec.source as object),
      },
    },
  };
}

const docker = (from: string, extra: Record<string, unknown> = {}) => ({
  strategy: { type: "Docker", dockerStrategy: { from: { kind: "ImageStreamTag", name: from }, ...extra } },
});

describe("importBuildConfigs", () => {
  const documents = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "okd" } },
    {
      kind: "ImageStream",
      metadata: { name: "tools" },
      spec: {
        tags: [{ name: "centos9", from: { kind: "DockerImage", name: "quay.io/centos/centos:stream9" } }],
      },
    },
    {
      kind: "ImageStream",
      metadata: { name: "release" },
      spec: {
        tags: [
          {
            name: "kuryr-cni",
            from: { kind: "DockerImage", name: "registry.access.redhat.com/ubi9-minimal:9.0.0" },
          },
        ],
      },
    },
    buildConfig("builder", { ...docker("tools:centos9"), source: { contextDir: "builder", images: [] } }),
    buildConfig("base", { ...docker("tools:centos9"), source: { images: [builderInput] } }),
    buildConfig("dns", {
      ...docker("release:base", {
        dockerfilePath: "Dockerfile.rhel7",
        buildArgs: [{ name: "TAGS", value: "okd" }],
        env: [{ name: "GOFLAGS", value: "-mod=vendor" }],
      }),
      source: { contextDir: ".", images: [builderInput] },
    }),
    buildConfig(
      "ovn-kubernetes",
      { ...docker("release:base"), source: { images: [builderInput] } },
      "release:ovn-kubernetes-rhel-9",
    ),
    buildConfig("network-tools", {
      ...docker("release:base"),
      source: {
        images: [
          builderInput,
          { from: { kind: "ImageStreamTag", name: "release:ovn-kubernetes" }, as: ["x/ovn:1"] },
        ],
      },
    }),
    buildConfig("external", { ...docker("other:tag"), source: { images: [builderInput] } }),
  ];
  const result = importBuildConfigs(documents);
  const components = result.payloadBuild.spec.components;
  const byName = new Map(components.map((c) => [c.name, c]));

  it("names components by output tag and maps from, inputs, git, Dockerfile, args and env", () => {
    expect(result.payloadBuild.spec.imageStream).toBe("release");
    expect(components.map((c) => c.name)).toEqual([
      "builder",
      "base",
      "dns",
      "ovn-kubernetes-rhel-9",
      "network-tools",
      "external",
      "kuryr-cni",
    ]);
    expect(byName.get("dns")).toEqual({
      name: "dns",
      source: { git: { uri: "https://github.com/openshift/dns", ref: "release-4.15" } },
      dockerfile: "Dockerfile.rhel7",
      from: "base",
      buildArgs: { TAGS: "okd" },
      env: { GOFLAGS: "-mod=vendor" },
    });
    expect(byName.get("builder")).toMatchObject({
      from: "quay.io/centos/centos:stream9",
      source: { contextDir: "builder" },
    });
    expect(byName.get("kuryr-cni")).toEqual({
      name: "kuryr-cni",
      image: "registry.access.redhat.com/ubi9-minimal:9.0.0",
    });
  });

  it("factors injected inputs into spec.defaults, with opt-outs where they are missing", () => {
    expect(result.payloadBuild.spec.defaults?.inputs).toEqual([
      { from: "builder", as: ["registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.21-openshift-4.15"] },
    ]);
    expect(byName.get("builder")?.skipDefaults).toBeUndefined(); // its own default is ignored anyway
    expect(byName.get("network-tools")?.inputs).toEqual([{ from: "ovn-kubernetes", as: ["x/ovn:1"] }]);
  });

  it("reports tags nothing produces, suggesting the renamed output", () => {
    expect(result.unresolved).toEqual([
      expect.objectContaining({
        component: "network-tools",
        reference: "release:ovn-kubernetes",
        suggestion: "ovn-kubernetes-rhel-9",
        path: "spec.components[4].inputs[0].from",
      }),
      expect.objectContaining({ component: "external", reference: "ImageStreamTag other:tag" }),
    ]);
    const validation = validatePayloadBuild(result.payloadBuild);
    expect(validation.ok).toBe(false);
    if (!validation.ok)
      expect(validation.problems.map((p) => p.path)).toContain("spec.components[4].inputs[0].from");
  });
});
