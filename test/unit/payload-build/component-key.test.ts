import { describe, expect, it } from "vitest";
import type { PayloadBuildSpec } from "../../../src/api/index.js";
import type { JsonValue } from "../../../src/builds/build-backend.js";
import { createBuildBackends } from "../../../src/builds/build-backends.js";
import {
  COMPONENT_KEY_RECIPE,
  ComponentKeyError,
  componentKeyTag,
  computeComponentKeys,
  externalImagesOf,
  payloadKeyOf,
  type ResolvedPayloadInputs,
} from "../../../src/payload-build/component-key.js";
import { validatePayloadBuild } from "../../../src/payload-build/validate-payload.js";
import { resolveComponents } from "../../../src/payload-build/resolve-component.js";
import { planRebuilds, type ComponentRecords } from "../../../src/payload-build/rebuild-plan.js";
import { built, spec } from "./fixtures.js";

const sha = (c: string) => c.repeat(40);
const digest = (c: string) => `sha256:${c.repeat(64)}`;
const UBI = "quay.io/centos/centos:stream9";

function payload(overrides: Partial<Parameters<typeof spec>[0]> = {}): PayloadBuildSpec {
  return spec({
    components: [
      built("base", { from: UBI, skipDefaults: true }),
      built("builder", { from: "base", skipDefaults: true }),
      built("api", { from: "base", inputs: [{ from: "builder", as: ["golang"] }] }),
      built("cli", { from: "base", inputs: [{ from: "builder", as: ["golang"] }] }),
      built("console", { from: "quay.io/example/node:22", buildArgs: { A: "1" } }),
      built("installer", { from: "cli" }),
      { name: "cluster-version-operator", image: `quay.io/okd/cvo@${digest("c")}` },
    ],
    defaults: { env: { GOFLAGS: "-mod=vendor" } },
    ...overrides,
  });
}

const RESOLVED: ResolvedPayloadInputs = {
  commits: {
    base: sha("1"),
    builder: sha("2"),
    api: sha("3"),
    cli: sha("4"),
    console: sha("5"),
    installer: sha("6"),
  },
  imageDigests: { [UBI]: digest("a"), "quay.io/example/node:22": digest("b") },
};

function keysOf(
  s: PayloadBuildSpec,
  resolved: ResolvedPayloadInputs = RESOLVED,
  backend: string | JsonValue = "openshift",
) {
  const valid = validatePayloadBuild({
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: "p", namespace: "ns" },
    spec: s,
  });
  if (!valid.ok) throw new Error(JSON.stringify(valid.problems));
  const keys = computeComponentKeys({
    components: resolveComponents(s),
    graph: valid.value.graph,
    architectures: s.architectures,
    backendIdentity: (c) =>
      c.prebuilt ? { backend: "prebuilt" } : typeof backend === "string" ? { backend } : backend,
    resolved,
  });
  return new Map([...keys].map(([name, k]) => [name, k.key]));
}

function changed(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...a.keys()].filter((name) => a.get(name) !== b.get(name)).sort();
}

describe("component keys", () => {
  it("are the same for the same inputs, and do not depend on component order or map key order", () => {
    const a = keysOf(payload());
    const b = keysOf(payload());
    expect(a).toEqual(b);
    const reordered = payload();
    const swapped = spec({
      components: [...reordered.components]
        .reverse()
        .map((c) => (c.name === "console" ? { ...c, buildArgs: { A: "1" } } : c)),
      defaults: { env: { GOFLAGS: "-mod=vendor" } },
    });
    expect(keysOf(swapped)).toEqual(a);
    for (const key of a.values()) expect(key).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(new Set(a.values()).size).toBe(a.size);
  });

  const leafChanges: [string, () => Map<string, string>][] = [
    [
      "the commit",
      () => keysOf(payload(), { ...RESOLVED, commits: { ...RESOLVED.commits, console: sha("9") } }),
    ],
    [
      "the git URL",
      () =>
        keysOf(
          payload({
            components: payload().components.map((c) =>
              c.name === "console"
                ? { ...c, source: { git: { uri: "https://github.com/fork/console" } } }
                : c,
            ),
          }),
        ),
    ],
    [
      "the context dir",
      () =>
        keysOf(
          withConsole({
            source: { git: { uri: "https://github.com/openshift/console" }, contextDir: "images" },
          }),
        ),
    ],
    ["the Dockerfile path", () => keysOf(withConsole({ dockerfile: "Dockerfile.okd" }))],
    [
      "an image the Dockerfile's rewrite replaces (inputs[].as)",
      () =>
        keysOf(
          withConsole({
            inputs: [{ from: "builder", as: ["registry.ci.openshift.org/ocp/builder:golang"] }],
          }),
        ),
    ],
    ["a build arg", () => keysOf(withConsole({ buildArgs: { A: "2" } }))],
    ["the env", () => keysOf(withConsole({ env: { X: "y" } }))],
    [
      "the external base digest (a moved tag)",
      () =>
        keysOf(payload(), {
          ...RESOLVED,
          imageDigests: { ...RESOLVED.imageDigests, "quay.io/example/node:22": digest("e") },
        }),
    ],
  ];
  it.each(leafChanges)("change only the leaf's key when %s changes", (_what, compute) => {
    expect(changed(keysOf(payload()), compute())).toEqual(["console"]);
  });

  it("change every key when the backend settings or the architectures change", () => {
    const before = keysOf(payload());
    const built = [...before.keys()].filter((n) => n !== "cluster-version-operator").sort();
    expect(changed(before, keysOf(payload(), RESOLVED, "shipwright"))).toEqual(built);
    expect(changed(before, keysOf(payload({ architectures: ["arm64"] })))).toEqual([...before.keys()].sort());
    expect(keysOf(payload({ architectures: ["arm64", "amd64"] }))).toEqual(
      keysOf(payload({ architectures: ["amd64", "arm64"] })),
    );
  });

  it("carry a parent's change to every descendant and nothing else", () => {
    const before = keysOf(payload());
    const base = keysOf(payload(), { ...RESOLVED, commits: { ...RESOLVED.commits, base: sha("f") } });
    expect(changed(before, base)).toEqual(["api", "builder", "cli", "installer"].concat("base").sort());
    const cli = keysOf(payload(), { ...RESOLVED, commits: { ...RESOLVED.commits, cli: sha("f") } });
    expect(changed(before, cli)).toEqual(["cli", "installer"]);
    const ubi = keysOf(payload(), {
      ...RESOLVED,
      imageDigests: { ...RESOLVED.imageDigests, [UBI]: digest("0") },
    });
    expect(changed(before, ubi)).toEqual(["api", "base", "builder", "cli", "installer"]);
  });

  it("hold the Dockerfile path (Dockerfile when unset) and every input of its rewrite in the build (from, as, env, the rewriter)", () => {
    const before = keysOf(payload());
    // An explicit default path is the same Dockerfile.
    expect(keysOf(withConsole({ dockerfile: "Dockerfile" }))).toEqual(before);
    expect(changed(before, keysOf(withConsole({ dockerfile: "images/Dockerfile.okd" })))).toEqual([
      "console",
    ]);
    // The rewrite of the last FROM: another base image, by name or by a moved tag.
    expect(changed(before, keysOf(withConsole({ from: UBI })))).toEqual(["console"]);
    // The rewrite of FROM/COPY --from names: the same input replacing another name.
    const as = (name: string) => keysOf(withConsole({ inputs: [{ from: "builder", as: [name] }] }));
    expect(changed(as("golang:1.22"), as("golang:1.23"))).toEqual(["console"]);
    // ENV after every FROM.
    expect(changed(before, keysOf(withConsole({ env: { GOFLAGS: "-mod=mod" } })))).toEqual(["console"]);
    // The rewriter: another Shipwright strategy rewrites it (the backend identity holds its kind and name).
    const strategy = (name: string) => {
      const backends = createBuildBackends({ shipwrightStrategy: { kind: "ClusterBuildStrategy", name } });
      return keysOf(payload({ backend: "shipwright" }), RESOLVED, backends.shipwright.identity);
    };
    const built = [...before.keys()].filter((n) => n !== "cluster-version-operator").sort();
    expect(changed(strategy("okd-payload-buildah"), strategy("okd-payload-buildah-v2"))).toEqual(built);
  });

  it("change every key when the architecture list gains or loses one, not when it is reordered", () => {
    const two = keysOf(payload({ architectures: ["amd64", "arm64"] }));
    const all = [...two.keys()].sort();
    expect(changed(two, keysOf(payload({ architectures: ["amd64", "arm64", "ppc64le"] })))).toEqual(all);
    expect(changed(two, keysOf(payload({ architectures: ["amd64"] })))).toEqual(all);
    expect(keysOf(payload({ architectures: ["arm64", "amd64"] }))).toEqual(two);
  });

  it("ignore resources and dependsOn, which do not change the image", () => {
    const before = keysOf(payload());
    const after = keysOf(withConsole({ resources: { requests: { cpu: "4" } }, dependsOn: ["api"] }));
    expect(after).toEqual(before);
  });

  it("refuse a git source without a resolved commit and an image without a digest, naming the field", () => {
    const { console: _dropped, ...commits } = RESOLVED.commits;
    expect(() => keysOf(payload(), { ...RESOLVED, commits })).toThrow(
      /component console: spec.components\[4\].source.git: ref \(default branch\) of https:\/\/github.com\/openshift\/console has no resolved commit/,
    );
    expect(() => keysOf(payload(), { ...RESOLVED, imageDigests: {} })).toThrow(ComponentKeyError);
    expect(() => keysOf(payload(), { ...RESOLVED, imageDigests: {} })).toThrow(
      /spec.components\[0\].from: image quay.io\/centos\/centos:stream9 has no resolved digest/,
    );
  });

  it("list the external images to resolve", () => {
    expect(externalImagesOf(resolveComponents(payload()))).toEqual([
      UBI,
      "quay.io/example/node:22",
      `quay.io/okd/cvo@${digest("c")}`,
    ]);
  });

  it("fit their registry tag in 128 characters and keep the full key elsewhere", () => {
    const key = digest("a");
    expect(componentKeyTag("cli", key)).toBe(`cli-${"a".repeat(64)}`);
    const long = "c".repeat(63) + "-" + "d".repeat(63);
    expect(componentKeyTag(long, key)).toHaveLength(128);
    expect(COMPONENT_KEY_RECIPE).toMatch(/v2$/);
  });

  it("give one payload key that moves with any component key", () => {
    const valid = keysOf(payload());
    const asKeys = (m: Map<string, string>) =>
      new Map(
        [...m].map(([n, key]) => [n, { key, document: { recipe: "", backend: null, architectures: null } }]),
      );
    const moved = new Map(valid);
    moved.set("console", digest("9"));
    expect(payloadKeyOf(asKeys(valid))).toBe(payloadKeyOf(asKeys(new Map([...valid].reverse()))));
    expect(payloadKeyOf(asKeys(moved))).not.toBe(payloadKeyOf(asKeys(valid)));
  });
});

function withConsole(extra: Record<string, unknown>): PayloadBuildSpec {
  const p = payload();
  return { ...p, components: p.components.map((c) => (c.name === "console" ? { ...c, ...extra } : c)) };
}

describe("rebuild plan", () => {
  function fullKeys(resolved: ResolvedPayloadInputs = RESOLVED) {
    const s = payload();
    const valid = validatePayloadBuild({
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "p", namespace: "ns" },
      spec: s,
    });
    if (!valid.ok) throw new Error("invalid");
    return computeComponentKeys({
      components: resolveComponents(s).filter((c) => !c.prebuilt),
      graph: valid.value.graph,
      backendIdentity: () => ({ backend: "openshift" }),
      resolved,
    });
  }
  const recordsOf = (keys: ReturnType<typeof fullKeys>): Map<string, ComponentRecords> =>
    new Map(
      [...keys].map(([name, k]) => {
        const build = {
          key: k.key,
          image: `r/p@${digest("7")}`,
          payloadBuild: "night-1",
          document: k.document,
        };
        return [name, { exact: build, latest: build }];
      }),
    );

  it("reuses everything when nothing changed, and says why each rebuild happens otherwise", () => {
    const first = fullKeys();
    const records = recordsOf(first);
    expect(planRebuilds({ keys: first, records }).every((d) => d.action === "Reuse")).toBe(true);

    const next = fullKeys({ ...RESOLVED, commits: { ...RESOLVED.commits, base: sha("f") } });
    const latestOnly = new Map([...records].map(([n, r]) => [n, { latest: r.latest }]));
    const plan = planRebuilds({ keys: next, records: latestOnly });
    const reasons = Object.fromEntries(
      plan.map((d) => [d.component, d.action === "Build" ? d.reasons : "Reuse"]),
    );
    expect(reasons).toEqual({
      base: ["NewCommit"],
      builder: ["InputChanged: base"],
      api: ["InputChanged: base", "InputChanged: builder"],
      cli: ["InputChanged: base", "InputChanged: builder"],
      console: "Reuse",
      installer: ["InputChanged: cli"],
    });
  });

  it("builds a component with no record as NoPreviousBuild, and forced ones as Forced", () => {
    const keys = fullKeys();
    const records = recordsOf(keys);
    records.delete("api");
    const plan = planRebuilds({ keys, records, forced: new Set(["cli"]) });
    const by = new Map(plan.map((d) => [d.component, d]));
    expect(by.get("api")).toMatchObject({ action: "Build", reason: "NoPreviousBuild" });
    expect(by.get("cli")).toMatchObject({ action: "Build", reason: "Forced" });
    expect(by.get("base")).toMatchObject({ action: "Reuse", reused: { payloadBuild: "night-1" } });
    expect(planRebuilds({ keys, records, forceAll: true }).every((d) => d.action === "Build")).toBe(true);
  });

  it("a moved external tag rebuilds its users with InputChanged naming the image", () => {
    const first = fullKeys();
    const records = new Map([...recordsOf(first)].map(([n, r]) => [n, { latest: r.latest }]));
    const moved = fullKeys({
      ...RESOLVED,
      imageDigests: { ...RESOLVED.imageDigests, "quay.io/example/node:22": digest("e") },
    });
    const plan = planRebuilds({ keys: moved, records });
    expect(plan.filter((d) => d.action === "Build")).toEqual([
      expect.objectContaining({ component: "console", reasons: ["InputChanged: quay.io/example/node:22"] }),
    ]);
  });
});
