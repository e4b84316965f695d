import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PayloadBuildSpecInput } from "../../../src/api/index.js";
import {
  InputIdentityError,
  canonicalJson,
  componentInputHash,
} from "../../../src/payload-build/input-identity.js";
import { component, digest, payloadBuild } from "./fixtures.js";

type ComponentInput = PayloadBuildSpecInput["components"][number];

const OPENSHIFT = { backend: "openshift" };
const word = fc.stringMatching(/^[a-z][a-z0-9]{0,7}$/);
const stringMap = fc.dictionary(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,6}$/), fc.string({ maxLength: 8 }), {
  maxKeys: 4,
});

/** A built component `app` depending on component `base` (from) and `builder` (an input), plus an external input. */
const appArbitrary = fc.record({
  uri: word.map((w) => `https://github.com/openshift/${w}`),
  ref: fc.option(word, { nil: undefined }),
  contextDir: fc.option(word, { nil: undefined }),
  dockerfile: fc.option(
    word.map((w) => `Dockerfile.${w}`),
    { nil: undefined },
  ),
  buildArgs: stringMap,
  env: stringMap,
  external: word.map((w) => `quay.io/okd/${w}:4.17`),
  as: fc.array(word, { maxLength: 2 }),
});
type App = typeof appArbitrary extends fc.Arbitrary<infer T> ? T : never;

function appComponent(app: App, resources?: ComponentInput["resources"]): ComponentInput {
  return {
    name: "app",
    source: {
      git: { uri: app.uri, ...(app.ref === undefined ? {} : { ref: app.ref }) },
      ...(app.contextDir === undefined ? {} : { contextDir: app.contextDir }),
    },
    ...(app.dockerfile === undefined ? {} : { dockerfile: app.dockerfile }),
    from: "base",
    inputs: [
      { from: "builder", as: app.as.length > 0 ? app.as : ["builder-image"] },
      { from: app.external, paths: [{ sourcePath: "/usr/bin/oc", destinationDir: "bin" }] },
    ],
    buildArgs: app.buildArgs,
    env: app.env,
    ...(resources === undefined ? {} : { resources }),
  };
}

function hashOf(
  app: App,
  deps = { base: digest("b"), builder: digest("c") },
  options: { resources?: ComponentInput["resources"]; backend?: object; extra?: ComponentInput[] } = {},
): string {
  const payload = payloadBuild([
    { name: "base", image: "quay.io/centos/centos:stream9" },
    { name: "builder", source: { git: { uri: "https://github.com/okd-project/images" } } },
    ...(options.extra ?? []),
    appComponent(app, options.resources),
  ]);
  return componentInputHash(component(payload, "app"), { ...OPENSHIFT, ...options.backend }, deps);
}

/** The same object with its keys inserted in reverse order, at every level. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reverseKeys(v)]),
    ) as T;
  }
  return value;
}

describe("componentInputHash", () => {
  it("is a sha256 digest, stable across calls", () => {
    fc.assert(
      fc.property(appArbitrary, (app) => {
        expect(hashOf(app)).toMatch(/^sha256:[a-f0-9]{64}$/);
        expect(hashOf(app)).toBe(hashOf(app));
      }),
    );
  });

  it("does not depend on key order", () => {
    fc.assert(
      fc.property(appArbitrary, (app) => {
        const payload = payloadBuild([
          { name: "base", image: "quay.io/centos/centos:stream9" },
          { name: "builder", source: { git: { uri: "https://github.com/okd-project/images" } } },
          appComponent(app),
        ]);
        const resolved = component(payload, "app");
        const deps = { base: digest("b"), builder: digest("c") };
        expect(
          componentInputHash(reverseKeys(resolved), reverseKeys({ ...OPENSHIFT, x: 1 }), reverseKeys(deps)),
        ).toBe(componentInputHash(resolved, { ...OPENSHIFT, x: 1 }, deps));
      }),
    );
  });

  it("changes when any field that determines the image changes", () => {
    const changes: ((app: App) => App)[] = [
      (a) => ({ ...a, uri: `${a.uri}-fork` }),
      (a) => ({ ...a, ref: `${a.ref ?? ""}x` }),
      (a) => ({ ...a, contextDir: `${a.contextDir ?? ""}x` }),
      (a) => ({ ...a, dockerfile: `${a.dockerfile ?? "Dockerfile"}.x` }),
      (a) => ({ ...a, buildArgs: { ...a.buildArgs, NEW_ARG: `${a.buildArgs["NEW_ARG"] ?? ""}x` } }),
      (a) => ({ ...a, env: { ...a.env, NEW_ENV: `${a.env["NEW_ENV"] ?? ""}x` } }),
      (a) => ({ ...a, external: `${a.external}.1` }),
      (a) => ({ ...a, as: [...a.as, "another-stage"] }),
    ];
    fc.assert(
      fc.property(appArbitrary, fc.constantFrom(...changes), (app, change) => {
        expect(hashOf(change(app))).not.toBe(hashOf(app));
      }),
    );
  });

  it("changes when a dependency digest or the backend changes", () => {
    fc.assert(
      fc.property(appArbitrary, (app) => {
        const before = hashOf(app);
        expect(hashOf(app, { base: digest("d"), builder: digest("c") })).not.toBe(before);
        expect(hashOf(app, { base: digest("b"), builder: digest("e") })).not.toBe(before);
        expect(hashOf(app, undefined, { backend: { backend: "shipwright" } })).not.toBe(before);
      }),
    );
  });

  it("is unchanged by resources, by unrelated components and by where a dependency is served from", () => {
    fc.assert(
      fc.property(appArbitrary, (app) => {
        const before = hashOf(app);
        expect(hashOf(app, undefined, { resources: { requests: { cpu: "8", memory: "16Gi" } } })).toBe(
          before,
        );
        expect(hashOf(app, undefined, { extra: [{ name: "unrelated", image: "quay.io/x/y:1" }] })).toBe(
          before,
        );
        expect(
          hashOf(app, { base: `registry.example.com/okd/release@${digest("b")}`, builder: digest("c") }),
        ).toBe(before);
      }),
    );
  });

  it("throws, naming the dependency, when a component reference has no digest and componentNames is given", () => {
    const payload = payloadBuild([
      { name: "base", image: "quay.io/centos/centos:stream9" },
      { name: "app", source: { git: { uri: "https://x/app" } }, from: "base" },
    ]);
    const app = component(payload, "app");
    expect(() =>
      componentInputHash(app, OPENSHIFT, {}, { componentNames: new Set(["base", "app"]) }),
    ).toThrow(InputIdentityError);
    expect(() =>
      componentInputHash(app, OPENSHIFT, {}, { componentNames: new Set(["base", "app"]) }),
    ).toThrow(/app: spec\.components\[1\]\.from names component base/);
  });

  it("hashes a prebuilt component by its pullspec", () => {
    const a = payloadBuild([{ name: "ubi", image: "quay.io/ubi:9" }]);
    const b = payloadBuild([{ name: "ubi", image: "quay.io/ubi:9.1" }]);
    expect(componentInputHash(component(a, "ubi"), { backend: "prebuilt" }, {})).not.toBe(
      componentInputHash(component(b, "ubi"), { backend: "prebuilt" }, {}),
    );
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every level and keeps array order", () => {
    expect(canonicalJson({ b: [2, { d: 1, c: undefined, a: null }], a: "x" })).toBe(
      '{"a":"x","b":[2,{"a":null,"d":1}]}',
    );
  });
});
