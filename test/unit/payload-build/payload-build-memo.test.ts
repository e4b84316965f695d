import { describe, expect, it } from "vitest";
import type { PayloadBuild } from "../../../src/api/index.js";
import { createBuildBackends } from "../../../src/builds/build-backends.js";
import { decidePayloadBuild } from "../../../src/payload-build/decide-payload-build.js";
import type { InputHasher } from "../../../src/payload-build/evaluate-components.js";
import type { PayloadBuildObservation } from "../../../src/payload-build/observe-payload-build.js";
import { backendInputHash } from "../../../src/payload-build/payload-build-controller.js";
import { PayloadBuildMemo } from "../../../src/payload-build/payload-build-memo.js";
import { resolveComponents } from "../../../src/payload-build/resolve-component.js";
import { validatePayloadBuild } from "../../../src/payload-build/validate-payload.js";
import { Scenario, built } from "./decide-scenario.js";

const CENTOS = "quay.io/centos/centos:stream9";

function payloadBuild(generation: number, cliRef = "main"): PayloadBuild {
  const validated = validatePayloadBuild({
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: "okd", namespace: "builds", uid: "pb-1", generation },
    spec: {
      imageStream: "release",
      components: [
        built("base", { from: CENTOS }),
        built("cli", {
          from: "base",
          source: { git: { uri: "https://github.com/openshift/oc", ref: cliRef } },
        }),
      ],
    },
  });
  if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
  return validated.value.payloadBuild;
}

/** `backendInputHash`, counting its calls. */
function countingHasher(): { hasher: InputHasher; calls: () => number } {
  let calls = 0;
  return {
    hasher: (component, images, backend) => {
      calls++;
      return backendInputHash(component, images, backend);
    },
    calls: () => calls,
  };
}

describe("PayloadBuildMemo input identities", () => {
  const backend = createBuildBackends().openshift;

  it("hashes a component once while its generation and dependency digests stay the same", () => {
    const memo = new PayloadBuildMemo();
    const counting = countingHasher();
    const pb = payloadBuild(1);
    const [, cli] = resolveComponents(pb.spec);
    if (cli === undefined) throw new Error("no cli");
    const images = { base: "registry.example/release@sha256:aaaa" };
    const first = memo.inputHasher(pb, counting.hasher)(cli, images, backend);
    const again = memo.inputHasher(pb, counting.hasher)(cli, { ...images }, backend);
    expect(again).toBe(first);
    expect(first).toBe(backendInputHash(cli, images, backend));
    expect(counting.calls()).toBe(1);
  });

  it("gives a new hash when a dependency digest changes", () => {
    const memo = new PayloadBuildMemo();
    const pb = payloadBuild(1);
    const [, cli] = resolveComponents(pb.spec);
    if (cli === undefined) throw new Error("no cli");
    const hash = memo.inputHasher(pb, backendInputHash);
    const before = hash(cli, { base: "registry.example/release@sha256:aaaa" }, backend);
    const after = hash(cli, { base: "registry.example/release@sha256:bbbb" }, backend);
    expect(after).not.toBe(before);
    expect(after).toBe(backendInputHash(cli, { base: "registry.example/release@sha256:bbbb" }, backend));
  });

  it("gives a new hash when the spec changes (a new generation)", () => {
    const memo = new PayloadBuildMemo();
    const images = { base: "registry.example/release@sha256:aaaa" };
    const v1 = payloadBuild(1, "main");
    const v2 = payloadBuild(2, "release-4.17");
    const cli1 = resolveComponents(v1.spec)[1];
    const cli2 = resolveComponents(v2.spec)[1];
    if (cli1 === undefined || cli2 === undefined) throw new Error("no cli");
    const before = memo.inputHasher(v1, backendInputHash)(cli1, images, backend);
    const after = memo.inputHasher(v2, backendInputHash)(cli2, images, backend);
    expect(after).not.toBe(before);
    expect(after).toBe(backendInputHash(cli2, images, backend));
  });

  it("revalidates a PayloadBuild that was replaced, and reuses the result for the same frozen object", () => {
    const memo = new PayloadBuildMemo();
    let validations = 0;
    const validate = (raw: Parameters<typeof validatePayloadBuild>[0]) => {
      validations++;
      return validatePayloadBuild(raw);
    };
    const raw = Object.freeze({
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: "builds", uid: "pb-1", generation: 1 },
      spec: { imageStream: "release", components: [built("base", { from: CENTOS })] },
    });
    const first = memo.validated(raw, validate);
    expect(memo.validated(raw, validate)).toBe(first);
    const replaced = Object.freeze({
      ...raw,
      metadata: { ...raw.metadata, generation: 2 },
      spec: { imageStream: "release", components: [built("base", { from: "quay.io/fedora/fedora:41" })] },
    });
    const second = memo.validated(replaced, validate);
    expect(validations).toBe(2);
    expect(second.ok && second.value.payloadBuild.spec.components[0]?.from).toBe("quay.io/fedora/fedora:41");
  });
});

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** The observation as an informer would hand it out: a deep-frozen copy. */
function frozenObservation(s: Scenario): PayloadBuildObservation {
  return deepFreeze(structuredClone(s.observation()));
}

/**
 * Hands out observations the way an informer does: an unchanged object keeps its (frozen)
 * identity from one observation to the next, a changed one is a new frozen object.
 */
class InformerView {
  readonly #seen = new Map<string, unknown>();

  #frozen<T>(value: T): T {
    if (value === undefined) return value;
    const json = JSON.stringify(value);
    const known = this.#seen.get(json);
    if (known !== undefined) return known as T;
    const copy = deepFreeze(structuredClone(value));
    this.#seen.set(json, copy);
    return copy;
  }

  observe(s: Scenario): PayloadBuildObservation {
    const o = s.observation();
    return {
      ...o,
      payloadBuild: this.#frozen(o.payloadBuild),
      status: this.#frozen(o.status),
      children: o.children.map((c) => this.#frozen(c)),
      imageStream: this.#frozen(o.imageStream),
    };
  }
}

describe("decidePayloadBuild with a memo", () => {
  it("decides exactly as without one, through builds, landings and a spec change", () => {
    const s = new Scenario({
      concurrency: 4,
      components: [
        built("base", { from: CENTOS }),
        built("cli", { from: "base" }),
        built("installer", { from: "cli" }),
        built("etcd", { from: CENTOS }),
        built("cluster-version-operator", { from: CENTOS }),
      ],
    });
    const memo = new PayloadBuildMemo();
    const compare = (): void => {
      const observation = frozenObservation(s);
      const ctx = { now: new Date(s.nowMs), backends: s.backends, inputHash: backendInputHash };
      expect(decidePayloadBuild(observation, { ...ctx, memo })).toEqual(decidePayloadBuild(observation, ctx));
    };
    compare();
    s.reconcile();
    compare();
    for (const c of ["base", "etcd", "cluster-version-operator"]) s.complete(c);
    compare();
    s.reconcile();
    expect(s.decisions.at(-1)?.start.map((a) => a.component)).toEqual(["cli"]);
    s.complete("cli");
    compare();
    s.reconcile();
    compare();
    // A spec change of base: a new generation; base and its dependents get new identities.
    s.editSpec((spec) => ({
      ...spec,
      components: (spec["components"] as Record<string, unknown>[]).map((c) =>
        c["name"] === "base" ? { ...c, buildArgs: { VERSION: "2" } } : c,
      ),
    }));
    compare();
    const decision = decidePayloadBuild(frozenObservation(s), {
      now: new Date(s.nowMs),
      backends: s.backends,
      inputHash: backendInputHash,
      memo,
    });
    expect(decision.start.map((a) => `${a.component}#${a.attempt}`)).toContain("base#2");
  });
});

describe("decidePayloadBuild reusing evaluations across reconciles", () => {
  it("decides as without a memo through failures, backoff, retries and landings", () => {
    const s = new Scenario({
      concurrency: 2,
      retry: { maxAttempts: 2 },
      components: [
        built("base", { from: CENTOS }),
        built("cli", { from: "base" }),
        built("installer", { from: "cli" }),
        built("etcd", { from: CENTOS }),
        built("cluster-version-operator", { from: CENTOS }),
      ],
    });
    const memo = new PayloadBuildMemo();
    const view = new InformerView();
    const check = (): void => {
      // Twice: the second decision reuses the first one's evaluations.
      for (let i = 0; i < 2; i++) {
        const observation = view.observe(s);
        const ctx = { now: new Date(s.nowMs), backends: s.backends, inputHash: backendInputHash };
        expect(decidePayloadBuild(observation, { ...ctx, memo })).toEqual(
          decidePayloadBuild(observation, ctx),
        );
      }
    };
    const step = (): void => {
      check();
      s.reconcile();
    };
    step();
    s.fail("base");
    step(); // base in backoff
    s.advance(5_000);
    step();
    s.advance(60_000);
    step(); // base retried
    s.complete("base");
    s.complete("etcd");
    step();
    s.complete("cli");
    s.complete("cluster-version-operator");
    step();
    s.fail("installer");
    step();
    s.advance(60_000);
    step();
    s.fail("installer"); // attempts used up: failed
    step();
    check();
    expect(s.component("installer")?.state).toBe("Failed");
  });
});
