/**
 * Scenario builder for the pure PayloadBuild decision: a tiny in-memory world (the PayloadBuild,
 * its Builds, its ImageStream) that `reconcile()` observes, decides on with the real backends,
 * and updates the way the API server and a build system would. Tests then make builds finish or
 * fail and assert what the next decision does.
 */
import { createHash } from "node:crypto";
import type { PayloadBuildSpecInput, PayloadBuildStatus } from "../../../src/api/index.js";
import { createBuildBackends } from "../../../src/builds/build-backends.js";
import { ATTEMPT_LABEL, COMPONENT_LABEL } from "../../../src/builds/child-objects.js";
import type { ImageStream } from "../../../src/builds/image-stream-schema.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import {
  decidePayloadBuild,
  type PayloadBuildDecision,
} from "../../../src/payload-build/decide-payload-build.js";
import type { PayloadBuildObservation } from "../../../src/payload-build/observe-payload-build.js";
import { backendInputHash } from "../../../src/payload-build/payload-build-controller.js";
import { computePayloadBuildStatus } from "../../../src/payload-build/payload-build-status.js";

type ComponentInput = PayloadBuildSpecInput["components"][number];

/** A component built from git; `from` names its base (a component or a pullspec). */
export function built(name: string, extra: Partial<ComponentInput> = {}): ComponentInput {
  return { name, source: { git: { uri: `https://github.com/okd-project/${name}` } }, ...extra };
}

/** The integrated registry repository of the scenario's ImageStream. */
export const REPOSITORY = "image-registry.example:5000/okd/release";
/** The release the scenarios assemble. */
export const RELEASE_NAME = "4.17.0-0.okd-2026-11-21-120000";

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

/** A deterministic image digest for a build. */
export function digestFor(seed: string): string {
  return `sha256:${createHash("sha256").update(seed).digest("hex")}`;
}

/** See the module documentation. */
export class Scenario {
  nowMs = Date.parse("2026-11-21T12:00:00Z");
  payloadBuild: KubeObject;
  status: PayloadBuildStatus | undefined;
  readonly children = new Map<string, KubeObject>();
  imageStream: ImageStream | undefined;
  readonly backends = createBuildBackends();
  readonly decisions: PayloadBuildDecision[] = [];

  constructor(spec: Record<string, unknown>) {
    this.payloadBuild = {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: {
        name: "okd",
        namespace: "builds",
        uid: "pb-uid-1",
        generation: 1,
        creationTimestamp: iso(this.nowMs),
      },
      spec: {
        imageStream: "release",
        release: { name: RELEASE_NAME, to: "docker://quay.example/okd/release" },
        ...spec,
      },
    };
  }

  /** The observation `reconcile` decides from. */
  observation(): PayloadBuildObservation {
    return {
      key: { namespace: "builds", name: "okd" },
      payloadBuild:
        this.status === undefined ? this.payloadBuild : { ...this.payloadBuild, status: this.status },
      status: this.status,
      children: [...this.children.values()],
      imageStream: this.imageStream,
      imageStreamName: "release",
    };
  }

  /** Decides once, without changing the world. */
  decide(): PayloadBuildDecision {
    return decidePayloadBuild(this.observation(), {
      now: new Date(this.nowMs),
      backends: this.backends,
      inputHash: backendInputHash,
    });
  }

  /** Decides and applies the decision as the API server would (a pushed release when assembling). */
  reconcile(): PayloadBuildDecision {
    const decision = this.decide();
    this.decisions.push(decision);
    for (const obj of decision.delete) this.children.delete(obj.metadata.name);
    for (const attempt of decision.start) {
      for (const obj of attempt.objects) {
        if (this.children.has(obj.metadata.name)) continue;
        this.children.set(obj.metadata.name, {
          ...obj,
          metadata: { ...obj.metadata, uid: `uid-${obj.metadata.name}`, creationTimestamp: iso(this.nowMs) },
          ...(obj.kind === "Build" ? { status: { phase: "New" } } : {}),
        });
      }
    }
    if (decision.imageStream !== undefined) {
      const base: ImageStream = this.imageStream ?? {
        apiVersion: "image.openshift.io/v1",
        kind: "ImageStream",
        metadata: { name: "release", namespace: "builds" },
        status: { dockerImageRepository: REPOSITORY, tags: [] },
      };
      this.imageStream = { ...base, spec: { tags: [...decision.imageStream.specTags] } };
    }
    let status = decision.status;
    if (decision.assemble !== undefined && decision.statusInput !== undefined) {
      const digest = digestFor(JSON.stringify(decision.assemble.images));
      status = computePayloadBuildStatus({
        ...decision.statusInput,
        release: {
          state: "pushed",
          release: {
            name: RELEASE_NAME,
            image: `quay.example/okd/release@${digest}`,
            digest,
            pushedAt: iso(this.nowMs),
          },
        },
      });
    }
    if (status !== undefined) this.status = status;
    return decision;
  }

  /** Moves the clock forward. */
  advance(ms: number): this {
    this.nowMs += ms;
    return this;
  }

  /** The newest Build of `component`, or undefined. */
  latestBuild(component: string): KubeObject | undefined {
    const builds = [...this.children.values()].filter(
      (c) => c.kind === "Build" && c.metadata.labels?.[COMPONENT_LABEL] === component,
    );
    builds.sort(
      (a, b) => Number(a.metadata.labels?.[ATTEMPT_LABEL]) - Number(b.metadata.labels?.[ATTEMPT_LABEL]),
    );
    return builds.at(-1);
  }

  #setBuildStatus(component: string, status: Record<string, unknown>): KubeObject {
    const build = this.latestBuild(component);
    if (build === undefined) throw new Error(`no build of ${component}`);
    const next = { ...build, status: { startTimestamp: build.metadata.creationTimestamp, ...status } };
    this.children.set(build.metadata.name, next);
    return next;
  }

  /** Runs the newest build of `component`. */
  run(component: string): this {
    this.#setBuildStatus(component, { phase: "Running" });
    return this;
  }

  /** Completes the newest build of `component` and (unless `land: false`) lands its image in the ImageStream tag. */
  complete(component: string, options: { land?: boolean } = {}): string {
    const build = this.latestBuild(component);
    const digest = digestFor(`${build?.metadata.name ?? component}`);
    this.#setBuildStatus(component, {
      phase: "Complete",
      completionTimestamp: iso(this.nowMs),
      outputDockerImageReference: `${REPOSITORY}:${component}`,
      output: { to: { imageDigest: digest } },
    });
    const stream = this.imageStream;
    if (stream === undefined) throw new Error("no ImageStream");
    if (options.land === false) return `${REPOSITORY}@${digest}`;
    const tags = (stream.status?.tags ?? []).filter((t) => t.tag !== component);
    const old = stream.status?.tags?.find((t) => t.tag === component)?.items ?? [];
    tags.push({
      tag: component,
      items: [
        {
          image: digest,
          dockerImageReference: `${REPOSITORY}@${digest}`,
          generation: 1,
          created: iso(this.nowMs),
        },
        ...old,
      ],
    });
    this.imageStream = { ...stream, status: { ...stream.status, tags } };
    return `${REPOSITORY}@${digest}`;
  }

  /** Fails the newest build of `component` with a reason and a log snippet. */
  fail(
    component: string,
    reason = "DockerBuildFailed",
    logSnippet = "error: go build failed: exit status 2",
  ): this {
    this.#setBuildStatus(component, {
      phase: "Failed",
      reason,
      message: "Docker build strategy has failed.",
      logSnippet,
      completionTimestamp: iso(this.nowMs),
    });
    return this;
  }

  /** Changes the spec (a new generation), as `kubectl apply` does. */
  editSpec(edit: (spec: Record<string, unknown>) => Record<string, unknown>): this {
    const spec = this.payloadBuild["spec"] as Record<string, unknown>;
    const metadata = this.payloadBuild.metadata;
    this.payloadBuild = {
      ...this.payloadBuild,
      metadata: { ...metadata, generation: (metadata.generation ?? 1) + 1 },
      spec: edit(structuredClone(spec)),
    };
    return this;
  }

  /** The status entry of `component`. */
  component(name: string) {
    return this.status?.components?.find((c) => c.name === name);
  }

  /** The condition of `type` in the current status. */
  condition(type: string) {
    return this.status?.conditions?.find((c) => c.type === type);
  }
}

/** Names of the components a decision starts, in start order. */
export function started(decision: PayloadBuildDecision): string[] {
  return decision.start.map((s) => `${s.component}#${s.attempt}`);
}
