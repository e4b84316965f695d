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

describe("validatePayloadSpec: what openshift-apiserver would refuse, caught before anything is created", () => {
  const CENTOS = "quay.io/centos/centos:stream9";
  const BUILDER = "registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22-openshift-4.17";

  it("an input with neither paths nor as (own or default), naming the component", () => {
    const problems = messages(
      spec({
        defaults: { inputs: [{ from: "builder" }] },
        components: [
          built("builder", { from: CENTOS }),
          built("cli", {
            from: CENTOS,
            inputs: [{ from: "builder", paths: [] }],
            skipDefaultInputs: ["builder"],
          }),
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^spec\.defaults\.inputs\[0\]: spec\.defaults: input builder neither replaces .*must specify 'paths' or 'as'/,
      ),
      expect.stringMatching(
        /^spec\.components\[1\]\.inputs\[0\]: component cli: input builder neither replaces/,
      ),
    ]);
  });

  it("env names that are not variable names, absolute or ../ Dockerfiles, context dirs and destination dirs starting with ..", () => {
    const problems = messages(
      spec({
        defaults: { env: { "1BAD": "x" } },
        components: [
          built("a", { from: CENTOS, env: { "GO FLAGS": "-mod=vendor", OK_NAME: "1" } }),
          built("b", { from: CENTOS, dockerfile: "/Dockerfile" }),
          built("c", { from: CENTOS, dockerfile: "images/../../Dockerfile" }),
          built("d", { from: CENTOS, source: { git: { uri: "https://x/d" }, contextDir: "../up" } }),
          built("e", {
            from: CENTOS,
            inputs: [{ from: CENTOS, paths: [{ sourcePath: "/bin/oc", destinationDir: "..foo" }] }],
          }),
          built("f", {
            from: CENTOS,
            inputs: [{ from: CENTOS, paths: [{ sourcePath: "/bin/oc", destinationDir: "/abs" }] }],
          }),
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(/^spec\.defaults\.env\.1BAD: "1BAD" is not a valid environment variable name/),
      expect.stringMatching(/^spec\.components\[0\]\.env\.GO FLAGS: component a: "GO FLAGS" is not a valid/),
      expect.stringMatching(
        /^spec\.components\[1\]\.dockerfile: component b: "\/Dockerfile" must be a relative path/,
      ),
      expect.stringMatching(/^spec\.components\[2\]\.dockerfile: component c: .* must be a relative path/),
      expect.stringMatching(
        /^spec\.components\[3\]\.source\.contextDir: component d: "\.\.\/up" must be a directory inside/,
      ),
      expect.stringMatching(
        /^spec\.components\[4\]\.inputs\[0\]\.paths\[0\]\.destinationDir: component e: "\.\.foo" must stay inside the repository root/,
      ),
      expect.stringMatching(
        /^spec\.components\[5\]\.inputs\[0\]\.paths\[0\]\.destinationDir: component f: "\/abs" must be relative to the repository root/,
      ),
    ]);
  });

  it("an ImageStream name openshift-apiserver refuses", () => {
    expect(messages(spec({ imageStream: "a--b", components: [built("a", { from: CENTOS })] }))).toEqual([
      expect.stringMatching(/^spec\.imageStream: "a--b" is not a valid ImageStream name/),
    ]);
  });

  it("the same Dockerfile image replaced by a component's input and a default input", () => {
    const problems = messages(
      spec({
        defaults: { inputs: [{ from: "builder", as: [BUILDER] }] },
        components: [
          built("builder", { from: CENTOS }),
          built("other-builder", { from: CENTOS }),
          built("cli", { from: CENTOS, inputs: [{ from: "other-builder", as: [BUILDER] }] }),
          built("ok", {
            from: CENTOS,
            inputs: [{ from: "other-builder", as: [BUILDER] }],
            skipDefaultInputs: ["builder"],
          }),
        ],
      }),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^spec\.components\[2\]\.inputs: component cli: Dockerfile image .* is replaced by both spec\.components\[2\]\.inputs\[0\] and spec\.defaults\.inputs\[0\].*skipDefaultInputs: \[builder\]/,
      ),
    ]);
  });
});
