/**
 * Decide: the pure heart of the PayloadBuild reconciler. From one observation and the time, it
 * says everything the reconcile must do: children to create and delete, ImageStream changes,
 * whether to assemble the release, the complete new status, the Events, and when to look again.
 * No I/O, no clock reads, no randomness: the same observation always gives the same decision,
 * which is what makes the reconciler restart-safe (deterministic names, AlreadyExists = done).
 */
import {
  findCondition,
  type ComponentStatus,
  type PayloadBuild,
  type PayloadBuildStatus,
} from "../api/index.js";
import type { BuildBackend, BuildBackendName, DesiredSpecTag } from "../builds/build-backend.js";
import { backendForComponent, type BuildBackends } from "../builds/build-backends.js";
import { COMPONENT_LABEL } from "../builds/child-objects.js";
import type { SpecTag } from "../builds/image-stream-schema.js";
import { mergeSpecTags } from "../builds/image-stream-tags.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { EventInput } from "../runtime/event-recorder.js";
import { attemptOfName, componentStatusOf } from "./component-status-entry.js";
import { evaluateComponents, type ComponentEvaluation, type InputHasher } from "./evaluate-components.js";
import type { PayloadBuildObservation } from "./observe-payload-build.js";
import {
  computePayloadBuildStatus,
  invalidSpecStatus,
  type PayloadBuildStatusInput,
} from "./payload-build-status.js";
import type { PayloadBuildMemo } from "./payload-build-memo.js";
import { planPayload, planStatus } from "./plan.js";
import { resolveComponents, type ResolvedComponent } from "./resolve-component.js";
import { decideRelease, type ReleaseAssembly } from "./decide-release.js";
import { selectComponentsToStart } from "./scheduler.js";
import { startAttempts, type AttemptToStart } from "./start-attempts.js";
import { validatePayloadBuild } from "./validate-payload.js";
import { evaluateCombined, expandArchitectures, type IndexToCombine } from "./architecture-units.js";
import { applyKeyedPlan, keyedStatusEntries, type KeyedPlan } from "./keyed-plan.js";
import { keyRecordTags } from "./key-record-tags.js";

export type { AttemptToStart } from "./start-attempts.js";

/** What to do to the ImageStream. */
export interface ImageStreamChange {
  /** Create it (it does not exist), with these spec tags. */
  readonly create: boolean;
  readonly name: string;
  /** The complete new `spec.tags` (replace, guarded by the observed resourceVersion). */
  readonly specTags: readonly SpecTag[];
}

/** Everything one reconcile does, decided up front. */
export interface PayloadBuildDecision {
  /** The parsed PayloadBuild, when valid. */
  readonly payloadBuild?: PayloadBuild;
  readonly backend?: BuildBackendName;
  readonly start: readonly AttemptToStart[];
  /**
   * Components of a multi-arch payload whose per-architecture images are all landed and must now
   * be combined into an image index, pushed, and pointed at by the component's tag.
   */
  readonly combine?: readonly IndexToCombine[];
  /** Children to delete (outdated live builds, children of removed components). */
  readonly delete: readonly KubeObject[];
  readonly imageStream?: ImageStreamChange;
  /** Set when every component has landed and the release must be (re)assembled. */
  readonly assemble?: ReleaseAssembly;
  /** Before that: the release's landed components, to read ahead of the assembly (`release-prefetcher.ts`). */
  readonly prefetchRelease?: ReleaseAssembly["images"];
  /** The new status, complete (before assembly: phase Assembling). Undefined: write nothing. */
  readonly status?: PayloadBuildStatus;
  /** What `status` was computed from, to recompute it with the assembly's result. */
  readonly statusInput?: PayloadBuildStatusInput;
  /**
   * The status entry of each component in `start` as it reads when its attempt was not created
   * (the create was refused or failed): an attempt counts only once its build exists.
   */
  readonly unstartedEntries?: ReadonlyMap<string, ComponentStatus>;
  readonly events: readonly EventInput[];
  /** Build attempts seen failing for the first time (for the failure counter). */
  readonly newlyFailedBuilds: number;
  /** Set when the spec is invalid: the reconcile ends with a TerminalError carrying it. */
  readonly invalid?: string;
  /** Reconcile again after this long (a retry's backoff ends); null: wait for a change. */
  readonly requeueAfterMs: number | null;
}

/** What decide needs besides the observation. */
export interface DecideContext {
  readonly now: Date;
  /** One backend of each kind (`createBuildBackends`). */
  readonly backends: BuildBackends;
  /** The input identity of a component (`componentInputHash`). */
  readonly inputHash: InputHasher;
  /** Delay before retry n (n >= 1). Default: 10 s doubling, at most 5 min. */
  readonly retryDelayMs?: (failures: number) => number;
  /**
   * Caches of pure work across reconciles (validation, resolved components, plan, input
   * identities). The decision is the same with or without it.
   */
  readonly memo?: PayloadBuildMemo;
  /**
   * The keyed plan of this generation (`spec.rebuild` set): reused components are imported by
   * digest, built ones pinned to their commit and labelled with their key. With `spec.rebuild`
   * set and no plan for this generation yet, nothing starts.
   */
  readonly keyedPlan?: KeyedPlan;
}

const NOTHING: PayloadBuildDecision = {
  start: [],
  delete: [],
  events: [],
  newlyFailedBuilds: 0,
  requeueAfterMs: null,
};

/** The default retry backoff: 10 s, 20 s, 40 s ... capped at 5 minutes. */
export function defaultRetryDelayMs(failures: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, failures - 1), 300_000);
}

function decideInvalid(
  observation: PayloadBuildObservation,
  problems: Parameters<typeof invalidSpecStatus>[2],
  now: Date,
): PayloadBuildDecision {
  const raw = observation.payloadBuild;
  const status = invalidSpecStatus(observation.status, raw?.metadata.generation, problems, now);
  const ready = findCondition(status.conditions, "Ready");
  const before = findCondition(observation.status?.conditions, "Ready");
  const message = ready?.message ?? "the spec is invalid";
  const changed = before?.reason !== "InvalidSpec" || before.message !== message;
  return {
    ...NOTHING,
    status,
    invalid: message,
    events: changed ? [{ type: "Warning", reason: "InvalidSpec", action: "Validate", note: message }] : [],
  };
}

/** The decision for one observation. See the module documentation. */
export function decidePayloadBuild(
  observation: PayloadBuildObservation,
  ctx: DecideContext,
): PayloadBuildDecision {
  const raw = observation.payloadBuild;
  if (raw === undefined || raw.metadata.deletionTimestamp !== undefined) return NOTHING; // children go by GC
  const memo = ctx.memo;
  const validated =
    memo === undefined ? validatePayloadBuild(raw) : memo.validated(raw, validatePayloadBuild);
  if (!validated.ok) return decideInvalid(observation, validated.problems, ctx.now);
  const { payloadBuild } = validated.value;
  // Done for this generation: its release pins every image by digest and its ImageStream may have
  // moved on under later PayloadBuilds (a nightly stream shares one); nothing to do until the spec changes.
  const succeeded = succeededForThisGeneration(observation);
  if (succeeded !== undefined)
    return { ...NOTHING, payloadBuild, backend: payloadBuild.spec.backend, status: succeeded };
  const spec = payloadBuild.spec;
  const backendFor = (c: ResolvedComponent): BuildBackend => backendForComponent(ctx.backends, spec, c);
  const resolved = memo === undefined ? resolveComponents(spec) : memo.resolvedComponents(spec);
  // One build unit per component, or per component and architecture (see architecture-units).
  const keyedPlan = ctx.keyedPlan;
  const keyed =
    spec.rebuild !== undefined &&
    keyedPlan !== undefined &&
    keyedPlan.uid === payloadBuild.metadata.uid &&
    keyedPlan.generation === payloadBuild.metadata.generation
      ? keyedPlan
      : undefined;
  const waitingForKeys = spec.rebuild !== undefined && keyed === undefined;
  const planned = keyed === undefined ? resolved : applyKeyedPlan(resolved, keyed);
  const units = expandArchitectures(spec, planned, validated.value.graph);
  const { graph, components } = units;
  const evaluations = evaluateComponents({
    payloadBuild,
    graph,
    components,
    backendFor,
    children: observation.children,
    imageStream: observation.imageStream,
    inputHash: memo === undefined ? ctx.inputHash : memo.inputHasher(payloadBuild, ctx.inputHash),
    nowMs: ctx.now.getTime(),
    retryDelayMs: ctx.retryDelayMs ?? defaultRetryDelayMs,
    ...(keyed === undefined ? {} : { unbuildable: keyed.problems }),
    recordedAttempts: new Map(
      (observation.status?.components ?? []).map(
        (c) =>
          [
            c.name,
            { inputHash: c.inputHash, attempts: c.attempts ?? 0, latestAttempt: attemptOfName(c.build) },
          ] as const,
      ),
    ),
  });
  const byName = new Map(evaluations.map((e) => [e.component.name, e]));
  const combined = units.combined.map((c) => evaluateCombined(c, byName, observation.imageStream));
  const previousEntries = new Map((observation.status?.components ?? []).map((c) => [c.name, c]));
  const failed = [...evaluations, ...combined.map((c) => c.evaluation)].filter((e) => e.verdict === "failed");
  const stopStarting = spec.failurePolicy === "FailFast" && failed.length > 0;

  // Start what the scheduler picks, up to the free slots; never beside a live build of the component.
  const live = evaluations.reduce((n, e) => n + e.live, 0);
  // With spec.rebuild, nothing is built before every key is known.
  const freeSlots = stopStarting || waitingForKeys ? 0 : spec.concurrency - live;
  const notReady = new Set(
    evaluations.filter((e) => e.verdict !== "ready" && e.verdict !== "landed").map((e) => e.component.name),
  );
  const landed = new Set(evaluations.filter((e) => e.verdict === "landed").map((e) => e.component.name));
  const chosen = selectComponentsToStart({ graph, landed, building: notReady, freeSlots });
  const { start, startedNow } = startAttempts(
    chosen.flatMap((name) => byName.get(name) ?? []),
    { payloadBuild, backendFor, imageStream: observation.imageStream, now: ctx.now },
  );
  const events: EventInput[] = [];
  const final = [
    ...evaluations.map((e) => startedNow.get(e.component.name) ?? e),
    ...combined.map((c) => c.evaluation),
  ];
  const unstartedEntries = new Map(
    start.flatMap((attempt) => {
      const before = byName.get(attempt.component);
      return before === undefined ? [] : [[attempt.component, componentStatusOf(before)] as const];
    }),
  );
  const plainStatusComponents = final.map((e) => {
    const entry = componentStatusOf(
      stopStarting && e.verdict === "ready"
        ? {
            ...e,
            message: `not started: failurePolicy FailFast stopped new builds after ${failed[0]?.component.name ?? ""} failed`,
          }
        : e,
    );
    // Keep the first-seen start time of a build: the status is not rewritten for nothing.
    const before = previousEntries.get(entry.name);
    return before?.build === entry.build && before?.startedAt !== undefined && entry.state === "Building"
      ? { ...entry, startedAt: before.startedAt }
      : entry;
  });

  const statusComponents =
    keyed === undefined ? plainStatusComponents : keyedStatusEntries(plainStatusComponents, keyed);

  // Newly failed components and build attempts (compared with the stored status).
  let newlyFailedBuilds = 0;
  for (const e of final) {
    if (e.failedAttempt === undefined) continue;
    const before = previousEntries.get(e.component.name);
    const wasRecorded =
      (before?.build === e.failedAttempt &&
        (before.state === "Failed" || (before.message ?? "").startsWith("retrying"))) ||
      attemptOfName(before?.build) > attemptOfName(e.failedAttempt);
    if (wasRecorded) continue;
    newlyFailedBuilds++;
    if (e.verdict === "failed")
      events.push({
        type: "Warning",
        reason: "ComponentFailed",
        action: "Build",
        note: `component ${e.component.name}: ${e.message ?? "failed"}`,
      });
  }

  // The keys of landed OpenShift-built components, recorded on their tags in this reconcile's
  // ImageStream write; the release waits for them (a finished PayloadBuild writes no tags).
  const finished = finishedForThisGeneration(observation);
  const keyRecords = finished
    ? []
    : keyRecordTags({
        streamName: spec.imageStream,
        imageStream: observation.imageStream,
        evaluations: final,
        backendFor,
      });
  const allLanded = final.every((e) => e.verdict === "landed");
  const progressing = final.some(
    (e) =>
      e.verdict === "building" ||
      e.verdict === "ready" ||
      e.verdict === "backoff" ||
      e.verdict === "draining",
  );
  const stopped =
    failed.length > 0 && (stopStarting ? !final.some((e) => e.verdict === "building") : !progressing);
  const unitNames = new Set(units.combined.flatMap((c) => c.units.map((u) => u.unit)));
  const release = decideRelease({
    payloadBuild,
    // The release takes each component once: a multi-arch component by its index, not its units.
    components:
      unitNames.size === 0 ? statusComponents : statusComponents.filter((c) => !unitNames.has(c.name)),
    allLanded: allLanded && keyRecords.length === 0,
    previous: observation.status,
    payloadKey: keyed?.payloadKey,
  });
  const statusInput: PayloadBuildStatusInput = {
    generation: payloadBuild.metadata.generation,
    previous: observation.status,
    components: statusComponents,
    plan:
      memo === undefined
        ? planStatus(planPayload(graph, spec.concurrency))
        : memo.planStatus(graph, spec.concurrency),
    stopped,
    release: release.progress,
    releaseName: spec.release?.name,
    now: ctx.now,
    ...(keyed === undefined
      ? {}
      : {
          keyed: {
            resolvedImages: [...keyed.resolvedImages],
            ...(keyed.payloadKey === undefined ? {} : { payloadKey: keyed.payloadKey }),
          },
        }),
  };
  const retryAts = final.flatMap((e) =>
    (e.verdict === "backoff" || e.verdict === "building") && e.retryAtMs !== undefined ? [e.retryAtMs] : [],
  );
  const requeueAfterMs =
    retryAts.length === 0 ? null : Math.max(0, Math.min(...retryAts) - ctx.now.getTime());
  return {
    payloadBuild,
    backend: spec.backend,
    start,
    delete: [
      ...final.flatMap((e) => e.staleLive),
      ...childrenOfRemovedComponents(observation.children, byName),
    ],
    ...(finished ? {} : imageStreamChange(observation, spec.imageStream, final, keyRecords)),
    ...(release.assemble === undefined ? {} : { assemble: release.assemble }),
    ...(release.prefetch === undefined ? {} : { prefetchRelease: release.prefetch }),
    combine: combined.flatMap((c) => (c.combine === undefined ? [] : [c.combine])),
    status: computePayloadBuildStatus(statusInput),
    statusInput,
    unstartedEntries,
    events,
    newlyFailedBuilds,
    requeueAfterMs,
  };
}

function childrenOfRemovedComponents(
  children: readonly KubeObject[],
  components: ReadonlyMap<string, unknown>,
): KubeObject[] {
  return children.filter((c) => {
    const component = c.metadata.labels?.[COMPONENT_LABEL];
    return component !== undefined && !components.has(component);
  });
}

/**
 * The stored status when it says this generation has succeeded. A succeeded PayloadBuild is
 * done: it keeps its status (components, release) as they were, starts nothing and writes
 * nothing. Re-deriving its components from the ImageStream would see the tags the PayloadBuilds
 * after it wrote (a nightly stream shares one ImageStream): it would go back to Assembling, push
 * another release under its release name and point the tags back at its own images, fighting the
 * current night's imports (each rewrite of a tag's `from` is a new import), which is what made a
 * night wait minutes for its reused components on the real control plane.
 */
function succeededForThisGeneration(observation: PayloadBuildObservation): PayloadBuildStatus | undefined {
  const status = observation.status;
  return status?.phase === "Succeeded" &&
    status.observedGeneration !== undefined &&
    status.observedGeneration === observation.payloadBuild?.metadata.generation
    ? status
    : undefined;
}

/**
 * True when the stored status says this generation has finished (Succeeded or Failed). A finished
 * PayloadBuild no longer writes ImageStream tags: its release pins every image by digest, and the
 * ImageStream is shared with the PayloadBuilds after it (a nightly stream creates one per night),
 * which otherwise had their tags overwritten by the finished ones, with 409s on every write.
 */
function finishedForThisGeneration(observation: PayloadBuildObservation): boolean {
  const status = observation.status;
  return (
    (status?.phase === "Succeeded" || status?.phase === "Failed") &&
    status.observedGeneration !== undefined &&
    status.observedGeneration === observation.payloadBuild?.metadata.generation
  );
}

function imageStreamChange(
  observation: PayloadBuildObservation,
  name: string,
  evaluations: readonly ComponentEvaluation[],
  keyRecords: readonly DesiredSpecTag[],
): { imageStream?: ImageStreamChange } {
  const desired = [...evaluations.flatMap((e) => e.desiredTags), ...keyRecords];
  const stream = observation.imageStream;
  if (stream === undefined) {
    return { imageStream: { create: true, name, specTags: mergeSpecTags(undefined, desired) ?? [] } };
  }
  const merged = mergeSpecTags(stream, desired);
  return merged === undefined ? {} : { imageStream: { create: false, name, specTags: merged } };
}
