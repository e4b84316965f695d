/**
 * Act: carries out a {@link PayloadBuildDecision}. Writes in a fixed order (ImageStream, deletes,
 * creates, release), then the status once through `/status`, then Events. Every write is
 * idempotent: AlreadyExists on create and NotFound on delete are success, so a reconcile cut
 * short (crash, SIGKILL) is completed by the next one from the state it left. A failed write does
 * not stop the others: writes the server refused are named in the status (Degraded=WriteRefused)
 * and an Event, the writes that succeeded and their Events are recorded, and then the reconcile
 * fails so the error policy retries it with backoff.
 */
import pLimit from "p-limit";
import type { Logger } from "pino";
import { API_GROUP_VERSION, PAYLOAD_BUILD, formatTimestamp, type PayloadBuildStatus } from "../api/index.js";
import { ATTEMPT_LABEL, COMPONENT_LABEL, PAYLOAD_BUILD_LABEL, shortenName } from "../builds/child-objects.js";
import { IMAGE_STREAMS } from "../builds/build-resources.js";
import type { SpecTag } from "../builds/image-stream-schema.js";
import type { KubeClient } from "../kube/kube-client.js";
import { isAlreadyExists, isConflict, isNotFound } from "../kube/kube-errors.js";
import type { KubeObject } from "../kube/kube-object.js";
import { kubeResource, type KubeResource, type ResourceDescriptor } from "../kube/resource.js";
import type { Clock } from "../runtime/clock.js";
import type { EventInput, EventRegarding } from "../runtime/event-recorder.js";
import { awaitChange, requeueAfter, TerminalError, type Outcome } from "../runtime/outcome.js";
import { ARCHITECTURE_IMAGES_ANNOTATION } from "./architecture-units.js";
import type { ComponentIndexPusher } from "./component-index-pusher.js";
import type { CreateExpectations } from "./create-expectations.js";
import type { PayloadBuildDecision } from "./decide-payload-build.js";
import type { ReleaseAssembly } from "./decide-release.js";
import { REUSED_FROM_ANNOTATION } from "./keyed-plan.js";
import type { PayloadBuildObservation } from "./observe-payload-build.js";
import {
  computePayloadBuildStatus,
  PayloadBuildReason,
  type ReleaseProgress,
} from "./payload-build-status.js";
import {
  refusalOf,
  refusedWritesMessage,
  WritesRefusedError,
  type AttemptedWrite,
  type RefusedWrite,
} from "./refused-writes.js";
import type { PayloadMetrics } from "./payload-metrics.js";
import type { ReleasePrefetcher } from "./release-prefetcher.js";
import { fitStatusToObjectLimit } from "./status-size.js";
import type { StatusWriteLimiter } from "./status-write-limiter.js";

/** Assembles and pushes a release; resolves to its digest and `pullspec@digest`. */
export type ReleaseAssembler = (
  assembly: ReleaseAssembly,
  namespace: string,
) => Promise<{ readonly digest: string; readonly pullspec: string }>;

/** The effects act uses. */
export interface ActDeps {
  readonly client: KubeClient;
  readonly events: { record(regarding: EventRegarding, event: EventInput): Promise<void> };
  readonly metrics: PayloadMetrics;
  readonly clock: Clock;
  readonly log: Logger;
  readonly statusLimiter: StatusWriteLimiter;
  readonly assembleRelease: ReleaseAssembler;
  /** Reads a release's landed components ahead of its assembly (`decision.prefetchRelease`), in the background. */
  readonly prefetchRelease?: ReleasePrefetcher;
  /** Pushes a multi-arch component's image index (see `decision.combine`). */
  readonly pushComponentIndex?: ComponentIndexPusher;
  /** The kinds children may have (the backends' `childResources`). */
  readonly childResources: readonly ResourceDescriptor[];
  /** Records created children until the informer has them (see {@link CreateExpectations}). */
  readonly expectations?: CreateExpectations;
  /** Creates and deletes of one reconcile in flight at once. Default {@link DEFAULT_WRITE_CONCURRENCY}. */
  readonly writeConcurrency?: number;
}

/** How soon a reconcile whose write conflicted (409: a stale cache) runs again, should no watch event come first. */
const CONFLICT_RETRY_MS = 100;

/** Default bound on the concurrent creates and deletes of one reconcile. */
export const DEFAULT_WRITE_CONCURRENCY = 16;

/** Deterministic JSON (sorted keys) for comparing statuses. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(record[k])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Deep equality of two JSON-like values, members whose value is `undefined` counting as absent
 * (what comparing their {@link canonical} forms says, without building the strings).
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(left)) {
    if (left[key] === undefined) continue;
    count++;
    if (!Object.hasOwn(right, key) || !jsonEqual(left[key], right[key])) return false;
  }
  for (const key of Object.keys(right)) if (right[key] !== undefined) count--;
  return count === 0;
}

/** True when a user would notice the change at once: phase, a condition's status or reason, the release. */
export function isPromptStatusChange(
  before: PayloadBuildStatus | undefined,
  after: PayloadBuildStatus,
): boolean {
  if (before === undefined || before.phase !== after.phase) return true;
  if (before.observedGeneration !== after.observedGeneration) return true;
  if (canonical(before.release) !== canonical(after.release)) return true;
  const summary = (s: PayloadBuildStatus): string =>
    canonical((s.conditions ?? []).map((c) => [c.type, c.status, c.reason]));
  return summary(before) !== summary(after);
}

function resourceOf(obj: KubeObject, resources: readonly ResourceDescriptor[]): KubeResource {
  const found = resources.find(
    (r) => obj.kind === r.kind && (obj.apiVersion ?? "").split("/")[0] === (r.group === "" ? "v1" : r.group),
  );
  if (found === undefined) throw new Error(`no resource known for ${obj.apiVersion ?? ""} ${obj.kind ?? ""}`);
  return kubeResource(found);
}

/** The failed writes of one reconcile: refusals (reported in status) and other errors (retried). */
interface WriteFailures {
  readonly refused: RefusedWrite[];
  readonly errors: unknown[];
  /** Writes answered 409 (the object changed since the cache read it): redone on the next reconcile. */
  readonly conflicts: string[];
}

function recordFailure(failures: WriteFailures, error: unknown, write: AttemptedWrite): void {
  // Someone else (a build landing its tag) wrote the object since the cache read it: its watch event
  // brings the new version, and the next reconcile writes again; not a failure.
  if (isConflict(error)) {
    failures.conflicts.push(`${write.plural}/${write.object.metadata.name}`);
    return;
  }
  const refusal = refusalOf(error, write);
  if (refusal === undefined) failures.errors.push(error);
  else failures.refused.push(refusal);
}

async function writeImageStream(
  decision: PayloadBuildDecision,
  obs: PayloadBuildObservation,
  deps: ActDeps,
  failures: WriteFailures,
): Promise<void> {
  const change = decision.imageStream;
  const pb = obs.payloadBuild;
  const namespace = obs.key.namespace;
  if (change === undefined || pb === undefined || namespace === undefined) return;
  if (change.create) {
    const owner = {
      apiVersion: API_GROUP_VERSION,
      kind: PAYLOAD_BUILD.kind,
      name: pb.metadata.name,
      uid: pb.metadata.uid ?? "",
    };
    const object = {
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: {
        name: change.name,
        namespace,
        labels: { [PAYLOAD_BUILD_LABEL]: shortenName(pb.metadata.name) },
        ownerReferences: [owner],
      },
      spec: { lookupPolicy: { local: false }, tags: change.specTags },
    };
    try {
      await deps.client.create(IMAGE_STREAMS, object);
    } catch (err: unknown) {
      if (!isAlreadyExists(err))
        recordFailure(failures, err, { verb: "create", object, plural: IMAGE_STREAMS.plural });
    }
    return;
  }
  const stream = obs.imageStream;
  if (stream === undefined) return;
  try {
    await deps.client.replace(IMAGE_STREAMS, { ...stream, spec: { ...stream.spec, tags: change.specTags } });
  } catch (err: unknown) {
    recordFailure(failures, err, { verb: "update", object: stream, plural: IMAGE_STREAMS.plural });
  }
}

/**
 * Pushes the image index of each component in `decision.combine`, then points the component's tag
 * at it (imported with `importMode: PreserveOriginal`, which keeps the index rather than one of its
 * images) and records the per-architecture images it was made of in the tag's annotation, which is
 * how decide knows the index is current. The stream is read fresh: this reconcile may have written it.
 */
async function combineIndexes(
  decision: PayloadBuildDecision,
  obs: PayloadBuildObservation,
  deps: ActDeps,
  failures: WriteFailures,
): Promise<void> {
  const namespace = obs.key.namespace;
  const stream = obs.imageStream;
  const push = deps.pushComponentIndex;
  const wanted = decision.combine ?? [];
  if (wanted.length === 0 || push === undefined || namespace === undefined || stream === undefined) return;
  // The stream was just written: its tags are changed on the next reconcile, from the new version.
  if (decision.imageStream !== undefined) return;
  const pushed = (
    await Promise.all(
      wanted.map(async (combine) => {
        try {
          return [{ combine, ...(await push(combine, namespace)) }];
        } catch (err: unknown) {
          failures.errors.push(err);
          return [];
        }
      }),
    )
  ).flat();
  if (pushed.length === 0) return;
  const tags: SpecTag[] = [...(stream.spec?.tags ?? [])];
  for (const { combine, pullspec } of pushed) {
    const at = tags.findIndex((t) => t.name === combine.tag);
    // The index is this PayloadBuild's image: an earlier image's reused-from no longer applies.
    const { [REUSED_FROM_ANNOTATION]: _earlier, ...kept } =
      (at < 0 ? undefined : tags[at]?.annotations) ?? {};
    const tag: SpecTag = {
      name: combine.tag,
      annotations: {
        ...kept,
        ...combine.tagAnnotations,
        [ARCHITECTURE_IMAGES_ANNOTATION]: combine.annotation,
      },
      from: { kind: "DockerImage", name: pullspec },
      importPolicy: { importMode: "PreserveOriginal" },
      referencePolicy: { type: "Local" },
    };
    if (at < 0) tags.push(tag);
    else tags[at] = tag;
  }
  try {
    await deps.client.replace(IMAGE_STREAMS, { ...stream, spec: { ...stream.spec, tags } });
  } catch (err: unknown) {
    recordFailure(failures, err, { verb: "update", object: stream, plural: IMAGE_STREAMS.plural });
  }
}

/** Throws the one error of `errors`, or an AggregateError naming them all. */
function throwErrors(errors: readonly unknown[], what: string): void {
  if (errors.length === 0) return;
  if (errors.length === 1) throw errors[0];
  const messages = errors.map((e) => (e instanceof Error ? e.message : String(e)));
  throw new AggregateError(errors, `${errors.length} ${what} failed: ${messages.join("; ")}`);
}

function componentOf(obj: KubeObject): string | undefined {
  return obj.metadata.labels?.[COMPONENT_LABEL];
}

/**
 * Deletes, then creates, each batch concurrently (at most `writeConcurrency` at once; the objects
 * of one attempt in order, the BuildConfig before its Build). Every write is tried; failures are
 * collected in `failures`. Created objects are recorded as expectations.
 */
async function createAndDelete(
  decision: PayloadBuildDecision,
  obs: PayloadBuildObservation,
  deps: ActDeps,
  events: EventInput[],
  failures: WriteFailures,
): Promise<{ readonly created: number; readonly notCreated: ReadonlySet<string> }> {
  const limit = pLimit(Math.max(1, deps.writeConcurrency ?? DEFAULT_WRITE_CONCURRENCY));
  const exists = new Set<string>();
  await Promise.all(
    decision.delete.map((obj) =>
      limit(async () => {
        deps.expectations?.forgetChild(obs.key, obj);
        try {
          await deps.client.delete(
            resourceOf(obj, deps.childResources),
            { namespace: obj.metadata.namespace ?? "", name: obj.metadata.name },
            {
              propagationPolicy: "Background",
              ...(obj.metadata.uid === undefined ? {} : { preconditions: { uid: obj.metadata.uid } }),
            },
          );
          deps.log.info({ kind: obj.kind, name: obj.metadata.name }, "deleted outdated build object");
        } catch (err: unknown) {
          if (!isNotFound(err) && !isConflict(err)) {
            const plural = resourceOf(obj, deps.childResources).plural;
            const component = componentOf(obj);
            recordFailure(failures, err, {
              verb: "delete",
              object: obj,
              plural,
              ...(component === undefined ? {} : { component }),
            });
          }
        }
      }),
    ),
  );
  const started = await Promise.all(
    decision.start.map((attempt) =>
      limit(async () => {
        let startedNow = false;
        for (const obj of attempt.objects) {
          try {
            const created = await deps.client.create(resourceOf(obj, deps.childResources), obj);
            exists.add(attempt.component);
            deps.expectations?.expectCreated(obs.key, created, deps.clock.now());
            if (obj.metadata.labels?.[ATTEMPT_LABEL] !== undefined) {
              startedNow = true;
              deps.metrics.buildStarted(decision.backend ?? "", attempt.attempt);
              deps.log.info(
                { component: attempt.component, attempt: attempt.attempt, name: obj.metadata.name },
                "build started",
              );
            }
          } catch (err: unknown) {
            if (isAlreadyExists(err)) {
              exists.add(attempt.component);
              continue;
            }
            exists.delete(attempt.component);
            recordFailure(failures, err, {
              verb: "create",
              object: obj,
              plural: resourceOf(obj, deps.childResources).plural,
              component: attempt.component,
            });
            return startedNow; // not the Build without its BuildConfig
          }
        }
        return startedNow;
      }),
    ),
  );
  // Events in the decision's order, whatever order the creates finished in.
  decision.start.forEach((attempt, i) => {
    if (started[i] === true) events.push(attempt.event);
  });
  return {
    created: started.filter((s) => s).length,
    notCreated: new Set(decision.start.map((a) => a.component).filter((c) => !exists.has(c))),
  };
}

/** Runs the release assembly, returning the release's progress and an error to retry with, if it failed. */
async function assemble(
  decision: PayloadBuildDecision,
  obs: PayloadBuildObservation,
  deps: ActDeps,
  events: EventInput[],
): Promise<{ progress: ReleaseProgress; error?: unknown } | undefined> {
  const assembly = decision.assemble;
  if (assembly === undefined) return undefined;
  try {
    const startedAt = deps.clock.now();
    const pushed = await deps.assembleRelease(assembly, obs.key.namespace ?? "default");
    const pushedAt = formatTimestamp(new Date(deps.clock.now()));
    const created = Date.parse(obs.payloadBuild?.metadata.creationTimestamp ?? "");
    deps.metrics.releasePushed(
      Number.isNaN(created) ? Number.NaN : (deps.clock.now() - created) / 1000,
      (deps.clock.now() - startedAt) / 1000,
    );
    events.push({
      type: "Normal",
      reason: "ReleasePushed",
      action: "Assemble",
      note: `release ${assembly.name} pushed as ${pushed.pullspec} (digest ${pushed.digest})`,
    });
    deps.log.info(
      { release: assembly.name, digest: pushed.digest, pullspec: pushed.pullspec },
      "release pushed",
    );
    return {
      progress: {
        state: "pushed",
        release: { name: assembly.name, image: pushed.pullspec, digest: pushed.digest, pushedAt },
      },
    };
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    deps.metrics.releaseFailed();
    events.push({
      type: "Warning",
      reason: "ReleaseFailed",
      action: "Assemble",
      note: `release ${assembly.name}: ${message}`,
    });
    return { progress: { state: "failed", message: message.slice(0, 4000) }, error };
  }
}

/**
 * `obj` as the informer caches hold objects (without `metadata.managedFields`), frozen, so it is
 * memoized like them.
 */
function withoutManagedFields(obj: KubeObject): KubeObject {
  const { managedFields: _dropped, ...metadata } = obj.metadata;
  return Object.freeze({ ...obj, metadata });
}

/** Writes `status` unless unchanged; returns the delay after which a deferred write must be retried. */
async function writeStatus(
  status: PayloadBuildStatus,
  obs: PayloadBuildObservation,
  deps: ActDeps,
  force: boolean,
): Promise<number | null> {
  const pb = obs.payloadBuild;
  if (pb === undefined) return null;
  if (obs.status !== undefined && jsonEqual(obs.status, status)) {
    deps.metrics.statusWrite("unchanged");
    return null;
  }
  const now = deps.clock.now();
  const delay =
    force || isPromptStatusChange(obs.status, status) ? 0 : deps.statusLimiter.delayMs(obs.key, now);
  if (delay > 0) {
    deps.metrics.statusWrite("deferred");
    return delay;
  }
  let written: KubeObject;
  try {
    written = await deps.client.replaceStatus(
      kubeResource({
        group: "payload.okd.io",
        version: "v1alpha1",
        kind: PAYLOAD_BUILD.kind,
        plural: PAYLOAD_BUILD.plural,
        namespaced: true,
      }),
      { ...pb, status },
    );
  } catch (err: unknown) {
    // The PayloadBuild changed since it was read: its watch event brings a fresh reconcile.
    if (isConflict(err)) return CONFLICT_RETRY_MS;
    if (isNotFound(err)) return null;
    throw err;
  }
  deps.statusLimiter.wrote(obs.key, now, written.metadata.resourceVersion);
  deps.statusLimiter.rememberWritten(obs.key, pb.metadata.resourceVersion, withoutManagedFields(written));
  deps.metrics.statusWrite("written");
  return null;
}

/** The decision's status input with the entries of components whose attempt was not created put back. */
function withoutUnstarted(
  decision: PayloadBuildDecision,
  notCreated: ReadonlySet<string>,
): PayloadBuildDecision["statusInput"] {
  const input = decision.statusInput;
  if (input === undefined || notCreated.size === 0) return input;
  return {
    ...input,
    components: input.components.map((c) =>
      notCreated.has(c.name) ? (decision.unstartedEntries?.get(c.name) ?? c) : c,
    ),
  };
}

/**
 * Carries out `decision` (see the module documentation) and returns the reconcile's outcome.
 * Throws a `TerminalError` for an invalid spec (after recording it in the status), and the
 * assembly's error when the release could not be pushed (after recording it), so the error
 * policy retries with backoff.
 */
export async function actOnPayloadBuild(
  decision: PayloadBuildDecision,
  obs: PayloadBuildObservation,
  deps: ActDeps,
): Promise<Outcome> {
  if (decision.status === undefined || obs.payloadBuild === undefined) {
    if (obs.payloadBuild === undefined) {
      deps.statusLimiter.forget(obs.key);
      deps.expectations?.forget(obs.key);
    }
    return awaitChange();
  }
  if (decision.prefetchRelease !== undefined)
    void deps.prefetchRelease?.(decision.prefetchRelease, obs.key.namespace ?? "default");
  const failures: WriteFailures = { refused: [], errors: [], conflicts: [] };
  await writeImageStream(decision, obs, deps, failures);
  const events = [...decision.events];
  // Started attempts are written to the status at once (below), so starting builds waits for the
  // status interval like any other write: a busy payload writes its status at most once per
  // interval however many builds land, and starts the builds that became ready meanwhile together.
  const startDelay = decision.start.length === 0 ? 0 : deps.statusLimiter.delayMs(obs.key, deps.clock.now());
  const creates =
    startDelay > 0
      ? {
          ...(await createAndDelete({ ...decision, start: [] }, obs, deps, events, failures)),
          notCreated: new Set(decision.start.map((a) => a.component)),
        }
      : await createAndDelete(decision, obs, deps, events, failures);
  if (startDelay > 0) deps.metrics.startsDeferred(decision.start.length);
  await combineIndexes(decision, obs, deps, failures);
  const release = await assemble(decision, obs, deps, events);
  const refused = failures.refused;
  if (refused.length > 0) {
    deps.log.warn({ refused }, "the API server refused writes");
    events.push({
      type: "Warning",
      reason: PayloadBuildReason.WriteRefused,
      action: "Reconcile",
      note: refusedWritesMessage(refused),
    });
  }
  const statusInput =
    decision.statusInput === undefined ? undefined : withoutUnstarted(decision, creates.notCreated);
  const status =
    (release === undefined && refused.length === 0 && creates.notCreated.size === 0) ||
    statusInput === undefined
      ? decision.status
      : computePayloadBuildStatus({
          ...statusInput,
          ...(release === undefined ? {} : { release: release.progress }),
          refusedWrites: refused,
          now: new Date(deps.clock.now()),
        });
  // Never a status etcd would refuse: measured, and shortened with a condition saying so.
  const fitted = fitStatusToObjectLimit(obs.payloadBuild, status, new Date(deps.clock.now()));
  if (fitted.truncated)
    deps.log.warn(
      { bytes: fitted.bytes, omittedComponents: fitted.omitted },
      "the status is shortened to keep the PayloadBuild under the object size limit",
    );
  // A started attempt is recorded at once (never deferred): attempts are counted from the status.
  const deferred = await writeStatus(
    fitted.status,
    obs,
    deps,
    release !== undefined || decision.invalid !== undefined || refused.length > 0 || creates.created > 0,
  );
  // Failed attempts are counted once the status recording them is written (a deferred or
  // conflicting write leaves them new for the next reconcile).
  if (deferred === null)
    for (let i = 0; i < decision.newlyFailedBuilds; i++) deps.metrics.buildFailed(decision.backend ?? "");
  const regarding = {
    apiVersion: API_GROUP_VERSION,
    kind: PAYLOAD_BUILD.kind,
    name: obs.payloadBuild.metadata.name,
    namespace: obs.payloadBuild.metadata.namespace,
    uid: obs.payloadBuild.metadata.uid,
  };
  await Promise.all(events.map((e) => deps.events.record(regarding, e)));
  if (decision.invalid !== undefined) throw new TerminalError(decision.invalid);
  throwErrors(failures.errors, "writes");
  if (refused.length > 0) throw new WritesRefusedError(refused);
  if (release?.error !== undefined) throw release.error;
  if (failures.conflicts.length > 0)
    deps.log.debug({ conflicts: failures.conflicts }, "writes conflicted with newer versions; retrying soon");
  const delays = [
    decision.requeueAfterMs,
    deferred,
    startDelay > 0 ? startDelay : null,
    failures.conflicts.length > 0 ? CONFLICT_RETRY_MS : null,
  ].filter((d): d is number => d !== null);
  return delays.length === 0 ? awaitChange() : requeueAfter(Math.min(...delays));
}
