/**
 * The component key of an OpenShift-built component is recorded on its ImageStream spec tag once
 * its Build succeeded and its tag landed, in the reconcile's one ImageStream write: not before, not
 * for a failed build, never over another key recorded for the same image; the release waits for it.
 */
import { describe, expect, it } from "vitest";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import { imageStreamTagLanded } from "../../../src/builds/image-stream-tags.js";
import {
  decidePayloadBuild,
  type PayloadBuildDecision,
} from "../../../src/payload-build/decide-payload-build.js";
import type { KeyedPlan } from "../../../src/payload-build/keyed-plan.js";
import type { ComponentEvaluation } from "../../../src/payload-build/evaluate-components.js";
import { keyRecordTags } from "../../../src/payload-build/key-record-tags.js";
import { createBuildBackends } from "../../../src/builds/build-backends.js";
import { backendInputHash } from "../../../src/payload-build/payload-build-controller.js";
import { REPOSITORY, Scenario, built, digestFor } from "./decide-scenario.js";

const KEY_ANNOTATION = "payload.okd.io/component-key";
const REUSED_FROM = "payload.okd.io/reused-from";
const CENTOS = "quay.io/centos/centos:stream9";
const CVO = "cluster-version-operator";
const keyOf = (name: string): string => digestFor(`key of ${name}`);

function keyedPlan(names: readonly string[]): KeyedPlan {
  return {
    uid: "pb-uid-1",
    generation: 1,
    components: new Map(
      names.map((name) => [
        name,
        {
          key: keyOf(name),
          commit: "0123456789abcdef0123456789abcdef01234567",
          decision: {
            component: name,
            key: keyOf(name),
            action: "Build" as const,
            reason: "NoPreviousBuild" as const,
            reasons: ["NoPreviousBuild" as const],
          },
          imageLabels: { "io.okd.payload.component-key": keyOf(name) },
        },
      ]),
    ),
    problems: new Map(),
    resolvedImages: [],
  };
}

/** A keyed two-component payload on the OpenShift backend, reconciled with its keyed plan. */
class KeyedScenario extends Scenario {
  constructor(backend: "openshift" | "shipwright" = "openshift") {
    super({
      rebuild: "IfChanged",
      backend,
      retry: { maxAttempts: 1 },
      components: [built("base", { from: CENTOS }), built(CVO, { from: "base" })],
    });
  }

  override decide(): PayloadBuildDecision {
    return decidePayloadBuild(this.observation(), {
      now: new Date(this.nowMs),
      backends: this.backends,
      inputHash: backendInputHash,
      keyedPlan: keyedPlan(["base", CVO]),
    });
  }

  specTag(name: string) {
    return this.imageStream?.spec?.tags?.find((t) => t.name === name);
  }
}

const recordOf = (name: string, digest: string) => ({
  name,
  from: { kind: "ImageStreamImage", name: `release@${digest}` },
  annotations: { [KEY_ANNOTATION]: keyOf(name) },
});

describe("recording the component key of an OpenShift-built component on its ImageStream tag", () => {
  it("writes no tag while the build runs, then the record with the key once the tag has landed", () => {
    const s = new KeyedScenario();
    s.reconcile(); // creates the stream, starts base
    s.run("base");
    expect(s.reconcile().imageStream).toBeUndefined();
    expect(s.specTag("base")).toBeUndefined();

    const built = s.complete("base", { land: false });
    // Succeeded but not landed yet: still nothing recorded.
    expect(s.reconcile().imageStream).toBeUndefined();

    const digest = built.slice(built.indexOf("@") + 1);
    s.complete("base");
    const decision = s.reconcile();
    expect(decision.imageStream?.specTags).toEqual([expect.objectContaining(recordOf("base", digest))]);
    expect(s.specTag("base")?.referencePolicy).toEqual({ type: "Local" });
    // The record names the image the tag already holds: it stays landed, the dependent starts.
    expect(imageStreamTagLanded(s.imageStream, "base", digest)).toMatchObject({ landed: true, digest });
    expect(s.component("base")?.state).toBe("Landed");
    expect(s.latestBuild(CVO)).toBeDefined();
    // Recorded: the next reconcile writes nothing more for it.
    expect(s.reconcile().imageStream).toBeUndefined();
  });

  it("assembles the release only once every key is recorded, in the reconcile after the write", () => {
    const s = new KeyedScenario();
    s.reconcile();
    s.complete("base");
    s.reconcile();
    const cvo = s.complete(CVO);
    const writing = s.reconcile();
    expect(writing.imageStream?.specTags.map((t) => t.name)).toEqual(["base", CVO]);
    expect(writing.assemble).toBeUndefined();
    expect(s.status?.phase).not.toBe("Succeeded");

    const assembling = s.reconcile();
    expect(assembling.imageStream).toBeUndefined();
    expect(assembling.assemble?.images.find((i) => i.tag === CVO)?.pullspec).toBe(cvo);
    expect(s.status?.phase).toBe("Succeeded");
    expect(s.specTag(CVO)?.annotations?.[KEY_ANNOTATION]).toBe(keyOf(CVO));
  });

  it("records nothing for a failed build, and blocks nothing on it", () => {
    const s = new KeyedScenario();
    s.reconcile();
    s.fail("base");
    const decision = s.reconcile();
    expect(s.component("base")?.state).toBe("Failed");
    expect(decision.imageStream).toBeUndefined();
    expect(s.specTag("base")).toBeUndefined();
  });

  it("never overwrites a key already recorded for the same image", () => {
    const s = new KeyedScenario();
    s.reconcile();
    const pullspec = s.complete("base");
    const digest = pullspec.slice(pullspec.indexOf("@") + 1);
    const stream = s.imageStream as ImageStream;
    const other = { name: "base", from: { kind: "DockerImage", name: pullspec }, generation: 1 };
    s.imageStream = {
      ...stream,
      spec: { tags: [{ ...other, annotations: { [KEY_ANNOTATION]: digestFor("another key") } }] },
    };
    const decision = s.reconcile();
    expect(decision.imageStream).toBeUndefined();
    expect(s.specTag("base")?.annotations?.[KEY_ANNOTATION]).toBe(digestFor("another key"));
    expect(s.specTag("base")?.from?.name).toBe(pullspec);
    expect(digest).toMatch(/^sha256:/);
  });

  it("replaces the record of an earlier image (a reused one loses its reused-from)", () => {
    const s = new KeyedScenario();
    s.reconcile();
    const stream = s.imageStream as ImageStream;
    const earlier = `${REPOSITORY}@${digestFor("night 1 base")}`;
    s.imageStream = {
      ...stream,
      spec: {
        tags: [
          {
            name: "base",
            from: { kind: "DockerImage", name: earlier },
            generation: 1,
            annotations: { [KEY_ANNOTATION]: digestFor("night 1 key"), [REUSED_FROM]: "builds/night-1" },
          },
        ],
      },
    };
    const pullspec = s.complete("base");
    const digest = pullspec.slice(pullspec.indexOf("@") + 1);
    const decision = s.reconcile();
    const tag = decision.imageStream?.specTags.find((t) => t.name === "base");
    expect(tag?.from).toEqual({ kind: "ImageStreamImage", name: `release@${digest}` });
    expect(tag?.annotations).toEqual({ [KEY_ANNOTATION]: keyOf("base") });
  });

  it("leaves Shipwright-built components, architecture units and reused components to their own tags", () => {
    const backends = createBuildBackends();
    const image = `${REPOSITORY}@${digestFor("landed")}`;
    const landed = (component: Record<string, unknown>): ComponentEvaluation =>
      ({
        component: {
          name: "base",
          prebuilt: false,
          tagAnnotations: { [KEY_ANNOTATION]: keyOf("base") },
          ...component,
        },
        verdict: "landed",
        image,
      }) as unknown as ComponentEvaluation;
    const records = (backend: "openshift" | "shipwright", component: Record<string, unknown> = {}) =>
      keyRecordTags({
        streamName: "release",
        imageStream: undefined,
        evaluations: [landed(component)],
        backendFor: (c) => (c.prebuilt ? backends.prebuilt : backends[backend]),
      }).map((t) => t.from.name);
    expect(records("openshift")).toEqual([`release@${digestFor("landed")}`]);
    expect(records("shipwright")).toEqual([]);
    expect(records("openshift", { name: "base-arm64", builds: "base" })).toEqual([]);
    expect(records("openshift", { prebuilt: true })).toEqual([]);
    expect(records("openshift", { tagAnnotations: undefined })).toEqual([]);
  });

  it("writes no record without spec.rebuild (no keys)", () => {
    const s = new Scenario({ components: [built("base", { from: CENTOS }), built(CVO, { from: "base" })] });
    s.reconcile();
    s.complete("base");
    s.reconcile();
    s.complete(CVO);
    const decision = s.reconcile();
    expect(decision.imageStream).toBeUndefined();
    expect(decision.assemble).toBeDefined();
  });
});
