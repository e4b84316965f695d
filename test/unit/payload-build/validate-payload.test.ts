import { describe, expect, it } from "vitest";
import { validatePayloadBuild, validatePayloadSpec } from "../../../src/payload-build/index.js";
import { built, spec } from "./fixtures.js";

const messages = (s: ReturnType<typeof spec>) =>
  validatePayloadSpec(s).problems.map((p) => `${p.path}: ${p.message}`);

describe("validatePayloadSpec", () => {
  it("accepts a valid payload and builds its graph from from, inputs, dependsOn and defaults", () => {
    const result = validatePayloadSpec(
      spec({
        defaults: {
          inputs: [{ from: "builder", as: ["registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22"] }],
        },
        components: [
          built("builder", { from: "quay.io/centos/centos:stream9" }),
          built("base", { from: "quay.io/centos/centos:stream9", skipDefaults: true }),
          built("cli", { from: "base" }),
          built("tools", { from: "cli", dependsOn: ["base"] }),
          { name: "kuryr-cni", image: "registry.access.redhat.com/ubi9-minimal:9.4" },
        ],
      }),
    );
    expect(result.problems).toEqual([]);
    expect(result.acyclic).toBe(true);
    const deps = (name: string) =>
      (result.graph.dependencies[result.graph.indexOf.get(name) ?? -1] ?? []).map(
        (d) => result.graph.names[d],
      );
    expect(deps("builder")).toEqual([]); // a default input naming the component itself is ignored
    expect(deps("base")).toEqual([]);
    expect(deps("cli")).toEqual(["builder", "base"]);
    expect(deps("tools")).toEqual(["builder", "base", "cli"]);
    expect(deps("kuryr-cni")).toEqual([]); // defaults do not apply to prebuilt components
  });

  it("reports every problem at once, each with its path", () => {
    const problems = messages(
      spec({
        components: [
          built("base", { from: "quay.io/centos/centos:stream9" }),
          built("base"),
          built("cli", { from: "bsae" }),
          built("tools", { from: "tools" }),
          built("installer", { dependsOn: ["hyperkube"] }),
          built("console", { from: "Quay.io/Bad Image:1" }),
          {
            name: "etcd",
            image: "quay.io/okd/etcd:4.17",
            source: { git: { uri: "https://github.com/openshift/etcd" } },
          },
        ],
        release: { name: "4.17.0-0.okd-scos-2026-11-21-120000", to: "docker://quay.io/okd/release" },
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^spec\.components\[1\]\.name: duplicate component name "base" \(also spec\.components\[0\]\)/,
      ),
      expect.stringMatching(
        /^spec\.components\[2\]\.from: "bsae" is not a component of this payload\. Did you mean "base"\?/,
      ),
      expect.stringMatching(/^spec\.components\[3\]\.from: component "tools" cannot depend on itself/),
      expect.stringMatching(/^spec\.components\[4\]\.dependsOn\[0\]: unknown component "hyperkube"/),
      expect.stringMatching(
        /^spec\.components\[5\]\.from: not a component name and not a valid image pullspec/,
      ),
      expect.stringMatching(/^spec\.components\[6\]\.source: component "etcd" is prebuilt \(image is set\)/),
      expect.stringMatching(
        /^spec\.release\.baseComponent: the release image is built on component "cluster-version-operator"/,
      ),
    ]);
  });

  it("names the whole cycle", () => {
    const problems = messages(
      spec({
        components: [
          built("a", { from: "b" }),
          built("b", { inputs: [{ from: "c", as: ["quay.io/x/c:1"] }] }),
          built("c", { dependsOn: ["a"] }),
          built("d", { from: "a" }),
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining("spec.components[0]: dependency cycle: a -> b -> c -> a"),
    ]);
  });

  it("explains cycles that come from spec.defaults", () => {
    const problems = messages(
      spec({
        defaults: { inputs: [{ from: "cli", as: ["registry.ci.openshift.org/ocp/4.17:cli"] }] },
        components: [built("base"), built("cli", { from: "base" })],
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /dependency cycle: base -> cli -> base .*base gets cli from spec\.defaults\.inputs \(add skipDefaultInputs: \[cli\] to base\)/,
      ),
    ]);
  });

  it("checks prebuilt backends, pullspecs, copied paths and skipDefaultInputs", () => {
    const problems = validatePayloadSpec(
      spec({
        backend: "prebuilt",
        components: [
          { name: "base", image: "docker://quay.io/okd/base:4.17" },
          built("cli", {
            image: undefined,
            skipDefaultInputs: ["builder"],
            inputs: [
              { from: "quay.io/okd/forks:1", paths: [{ sourcePath: "code/x", destinationDir: "../out" }] },
            ],
          }),
        ],
      }),
    ).problems.map((p) => p.path);
    expect(problems).toEqual([
      "spec.components[0].image",
      "spec.components[1].image",
      "spec.components[1].inputs[0].paths[0].sourcePath",
      "spec.components[1].inputs[0].paths[0].destinationDir",
      "spec.components[1].skipDefaultInputs[0]",
    ]);
  });

  it("validatePayloadBuild reports graph problems alongside schema problems elsewhere", () => {
    const result = validatePayloadBuild({
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd" },
      spec: {
        imageStream: "release",
        concurrency: 0,
        release: { name: "latest", to: "docker://quay.io/okd/release" },
        components: [built("a", { from: "b" }), built("b", { from: "a" })],
      },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.path)).toEqual([
        "spec.concurrency",
        "spec.release.name",
        "spec.components[0]",
      ]);
    }
  });

  it("validatePayloadBuild skips graph checks when the components themselves are malformed", () => {
    const result = validatePayloadBuild({
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: {},
      spec: {},
    });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => p.path)).toEqual(["spec.imageStream", "spec.components"]);
  });
});
