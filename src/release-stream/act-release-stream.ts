/**
 * Act: carries out a {@link ReleaseStreamDecision}. Writes in a fixed order: pinned ImageStreams of a
 * cut release (first, so a reconcile cut short adopts the release instead of cutting another), the
 * release assembly, the target ImageStream's tags, verification Jobs, deletions, then the status
 * once through `/status`, then an Event per phase change. Creates treat AlreadyExists and deletes
 * NotFound as done. Writes the server refuses are named in the status (Degraded=WriteRefused); the
 * reconcile then fails so the error policy backs off.
 */
import type { Logger } from "pino";
import {
  API_GROUP_VERSION,
  RELEASE_STREAM,
  type ReleaseStreamStatus,
  type StreamRelease,
} from "../api/index.js";
import { IMAGE_STREAMS } from "../builds/build-resources.js";
import type { KubeClient, KubeObjectInput } from "../kube/kube-client.js";
import { isAlreadyExists, isConflict, isNotFound } from "../kube/kube-errors.js";
import type { KubeResource } from "../kube/resource.js";
import { jsonEqual, type ReleaseAssembler } from "../payload-build/act-payload-build.js";
import { PAYLOAD_BUILDS } from "../payload-build/payload-build-controller.js";
import {
  refusalOf,
  refusedWritesMessage,
  WritesRefusedError,
  type RefusedWrite,
} from "../payload-build/refused-writes.js";
import type { Clock } from "../runtime/clock.js";
import type { EventInput, EventRegarding } from "../runtime/event-recorder.js";
import { awaitChange, requeueAfter, TerminalError, type Outcome } from "../runtime/outcome.js";
import {
  MAX_ASSEMBLY_ATTEMPTS,
  streamSourceOf,
  type ReleaseStreamDecision,
} from "./decide-release-stream.js";
import type { ReleaseStreamObservation } from "./observe-release-stream.js";
import {
  JOBS,
  RELEASE_STREAMS,
  ReleaseAnnotation,
  RELEASE_STREAM_LABEL,
  streamLabelValue,
  streamOwnerReference,
  targetImageStreamName,
  VERIFICATION_ANNOTATION,
} from "./release-stream-objects.js";
import type { ReleaseStreamMetrics } from "./release-stream-metrics.js";
import { computeStreamStatus, invalidStreamStatus, timestampOf } from "./release-stream-status.js";
import type { ReleaseImageDeleter } from "./release-image-deleter.js";
import { pendingImageDeletes, type ImageDeleteOutcome, type ReleaseImageToDelete } from "./image-deletes.js";
import { targetSpecTags } from "./release-tags.js";

/** The effects act uses. */
export interface StreamActDeps {
  readonly client: KubeClient;
  readonly events: { record(regarding: EventRegarding, event: EventInput): Promise<void> };
  readonly metrics: ReleaseStreamMetrics;
  readonly clock: Clock;
  readonly log: Logger;
  readonly assembleRelease: ReleaseAssembler;
  /** Deletes removed releases' images (`spec.retention.deleteImages`); without it they are reported as not deleted. */
  readonly deleteReleaseImage?: ReleaseImageDeleter;
  /** Called with the resourceVersion read and the one written by a status write (stale-read guard). */
  readonly statusWritten?: (read: string | undefined, written: string | undefined) => void;
}

/** An annotation of an object about to be written. */
function annotationOf(obj: KubeObjectInput, key: string): string {
  const annotations: unknown = obj.metadata["annotations"];
  const value: unknown =
    typeof annotations === "object" && annotations !== null
      ? (annotations as Record<string, unknown>)[key]
      : undefined;
  return typeof value === "string" ? value : "";
}

interface Failures {
  readonly refused: RefusedWrite[];
  readonly errors: unknown[];
}

function recordFailure(
  failures: Failures,
  error: unknown,
  verb: string,
  obj: KubeObjectInput,
  plural: string,
): void {
  const refusal = refusalOf(error, {
    verb,
    object: {
      apiVersion: typeof obj["apiVersion"] === "string" ? obj["apiVersion"] : "",
      kind: typeof obj["kind"] === "string" ? obj["kind"] : "",
      metadata: { name: obj.metadata.name ?? "" },
    },
    plural,
  });
  if (refusal === undefined) failures.errors.push(error);
  else failures.refused.push(refusal);
}

async function create(deps: StreamActDeps, resource: KubeResource, obj: KubeObjectInput, failures: Failures) {
  try {
    await deps.client.create(resource, obj);
    return true;
  } catch (err: unknown) {
    if (!isAlreadyExists(err)) recordFailure(failures, err, "create", obj, resource.plural);
    return false;
  }
}

/** Runs the assembly; returns the releases with its outcome and an error to report, if any. */
async function assemble(
  decision: ReleaseStreamDecision,
  namespace: string,
  deps: StreamActDeps,
): Promise<{ releases: StreamRelease[]; error?: string }> {
  const releases = [...decision.releases];
  const job = decision.assemble;
  if (job === undefined) return { releases };
  const index = releases.findIndex((r) => r.name === job.release);
  const release = releases[index];
  if (release === undefined) return { releases };
  const nowIso = timestampOf(deps.clock.now());
  try {
    const pushed = await deps.assembleRelease(job.assembly, namespace);
    deps.log.info({ release: job.release, pullspec: pushed.pullspec }, "stream release pushed");
    const { reason: _r, message: _m, assemblyAttempts: _a, ...rest } = release;
    releases[index] = {
      ...rest,
      phase: "Ready",
      phaseChangedAt: nowIso,
      image: pushed.pullspec,
      digest: pushed.digest,
    };
    return { releases };
  } catch (err: unknown) {
    const message = `release ${job.release}: ${err instanceof Error ? err.message : String(err)}`.slice(
      0,
      1024,
    );
    const attempts = (release.assemblyAttempts ?? 0) + 1;
    deps.log.warn({ release: job.release, attempts, err: message }, "stream release assembly failed");
    releases[index] =
      attempts >= MAX_ASSEMBLY_ATTEMPTS
        ? {
            ...release,
            phase: "Failed",
            phaseChangedAt: nowIso,
            assemblyAttempts: attempts,
            reason: "CreateReleaseFailed",
            message,
          }
        : { ...release, assemblyAttempts: attempts, message };
    return { releases, error: message };
  }
}

/** The Events of the moves between `before` and `after` (and of removals). */
export function phaseEvents(
  before: readonly StreamRelease[],
  after: readonly StreamRelease[],
  removed: readonly StreamRelease[],
): EventInput[] {
  const old = new Map(before.map((r) => [r.name, r] as const));
  const events: EventInput[] = [];
  for (const r of [...after].reverse()) {
    const prior = old.get(r.name);
    if (prior?.phase === r.phase && (prior.round ?? 1) === (r.round ?? 1)) continue;
    const warning = r.phase === "Failed" || r.phase === "Rejected";
    const what =
      prior === undefined && r.phase === "Pending"
        ? `release ${r.name} cut`
        : `release ${r.name} is ${r.phase}${prior === undefined ? "" : ` (was ${prior.phase})`}`;
    const detail =
      r.phase === "Ready" && r.image !== undefined
        ? `: ${r.image}`
        : r.message !== undefined && warning
          ? `: ${r.reason ?? ""} ${r.message}`
          : "";
    events.push({
      type: warning ? "Warning" : "Normal",
      reason: prior === undefined && r.phase === "Pending" ? "ReleaseCreated" : `Release${r.phase}`,
      action: r.phase === "Ready" ? "Assemble" : r.phase === "Pending" ? "Cut" : "Verify",
      note: `${what}${detail}`.slice(0, 1024),
    });
  }
  for (const r of removed)
    events.push({
      type: "Normal",
      reason: "ReleaseRemoved",
      action: "Prune",
      note: `release ${r.name} (${r.phase}) removed by retention`,
    });
  return events;
}

async function writeTargetStream(
  decision: ReleaseStreamDecision,
  obs: ReleaseStreamObservation,
  releases: readonly StreamRelease[],
  deps: StreamActDeps,
  failures: Failures,
): Promise<number | null> {
  const stream = decision.stream;
  if (stream === undefined) return null;
  // An unchanged night's release goes like a removed one: its tag would bring it back.
  const removed = new Set([
    ...decision.removed.map((r) => r.name),
    ...decision.unchangedRuns.map((r) => r.release),
  ]);
  const source = streamSourceOf(stream);
  const tags = targetSpecTags(obs.targetStream, releases, removed, stream.spec.name, source);
  const target = obs.targetStream;
  const streamName = stream.metadata.name ?? "";
  if (target === undefined) {
    if (releases.length === 0) return null;
    const object: KubeObjectInput = {
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: {
        name: targetImageStreamName(streamName),
        namespace: stream.metadata.namespace,
        labels: { [RELEASE_STREAM_LABEL]: streamLabelValue(streamName) },
        annotations: { [ReleaseAnnotation.hasReleases]: "true" },
        ownerReferences: [streamOwnerReference({ name: streamName, uid: stream.metadata.uid ?? "" })],
      },
      spec: { lookupPolicy: { local: false }, tags },
    };
    await create(deps, IMAGE_STREAMS, object, failures);
    return null;
  }
  if (jsonEqual(target.spec?.tags ?? [], tags)) return null;
  try {
    await deps.client.replace(IMAGE_STREAMS, { ...target, spec: { ...target.spec, tags } });
  } catch (err: unknown) {
    if (isConflict(err)) return 200; // changed since read: the next reconcile merges again
    recordFailure(failures, err, "update", target, IMAGE_STREAMS.plural);
  }
  return null;
}

/** Carries out `decision` and returns the reconcile's outcome (see the module documentation). */
export async function actOnReleaseStream(
  decision: ReleaseStreamDecision,
  obs: ReleaseStreamObservation,
  deps: StreamActDeps,
): Promise<Outcome> {
  const raw = obs.stream;
  if (raw === undefined) {
    deps.metrics.streamReleases(`${obs.key.namespace ?? ""}/${obs.key.name}`, []);
    return awaitChange();
  }
  const regarding = {
    apiVersion: API_GROUP_VERSION,
    kind: RELEASE_STREAM.kind,
    name: raw.metadata.name,
    ...(raw.metadata.namespace === undefined ? {} : { namespace: raw.metadata.namespace }),
    ...(raw.metadata.uid === undefined ? {} : { uid: raw.metadata.uid }),
  };
  const now = new Date(deps.clock.now());
  if (decision.invalid !== undefined) {
    const status = invalidStreamStatus(obs.status, raw.metadata.generation, decision.invalid, now);
    await writeStatus(status, obs, deps);
    const before = obs.status?.conditions?.find((c) => c.type === "Ready");
    if (before?.reason !== "InvalidSpec" || before.message !== decision.invalid)
      await deps.events.record(regarding, {
        type: "Warning",
        reason: "InvalidSpec",
        action: "Validate",
        note: decision.invalid,
      });
    throw new TerminalError(decision.invalid);
  }
  if (decision.stream === undefined) return awaitChange(); // being deleted
  const namespace = obs.key.namespace ?? "";
  const failures: Failures = { refused: [], errors: [] };
  for (const pinned of decision.pinnedStreamsToCreate) await create(deps, IMAGE_STREAMS, pinned, failures);
  const pinnedFailed = failures.refused.length + failures.errors.length > 0;
  for (const pb of decision.payloadBuildsToCreate) await create(deps, PAYLOAD_BUILDS, pb, failures);
  // Without its pinned inputs a cut release must not go on (it would be cut again from the tags).
  const assembled = pinnedFailed
    ? {
        releases: decision.releases.filter(
          (r) =>
            !decision.pinnedStreamsToCreate.some(
              (p) => annotationOf(p, ReleaseAnnotation.releaseTag) === r.name,
            ),
        ),
      }
    : await assemble(decision, namespace, deps);
  const releases = assembled.releases;
  const failedBefore = failures.refused.length + failures.errors.length;
  const retryTarget = await writeTargetStream(decision, obs, releases, deps, failures);
  // An unchanged night's PayloadBuild goes once its release's tag is gone: while the tag stays, the
  // next reconcile adopts the release from it, finds the PayloadBuild Unchanged and drops it again.
  const targetWritten =
    retryTarget === null && failures.refused.length + failures.errors.length === failedBefore;
  const unchangedBuilds = new Set(decision.unchangedRuns.map((r) => r.payloadBuild));
  const started: EventInput[] = [];
  for (const job of decision.jobsToCreate) {
    if (await create(deps, JOBS, job, failures))
      started.push({
        type: "Normal",
        reason: "VerificationStarted",
        action: "Verify",
        note: `Job ${job.metadata.name ?? ""} verifies release ${annotationOf(job, ReleaseAnnotation.tag)} (${annotationOf(job, VERIFICATION_ANNOTATION)})`,
      });
  }
  for (const d of decision.deletes) {
    if (!targetWritten && d.kind === "PayloadBuild" && unchangedBuilds.has(d.object.metadata.name)) continue;
    const resource = d.kind === "Job" ? JOBS : d.kind === "ImageStream" ? IMAGE_STREAMS : PAYLOAD_BUILDS;
    try {
      await deps.client.delete(
        resource as KubeResource,
        { namespace, name: d.object.metadata.name },
        {
          propagationPolicy: "Background",
          ...(d.object.metadata.uid === undefined ? {} : { preconditions: { uid: d.object.metadata.uid } }),
        },
      );
    } catch (err: unknown) {
      if (!isNotFound(err) && !isConflict(err))
        recordFailure(failures, err, "delete", d.object, resource.plural);
    }
  }
  const imageDeletes = await deleteReleaseImages(decision, namespace, deps);
  const status = computeStreamStatus({
    generation: raw.metadata.generation,
    previous: obs.status,
    releases,
    cut: decision.cut,
    ...(decision.inputProblem === undefined ? {} : { inputProblem: decision.inputProblem }),
    ...(assembled.error === undefined ? {} : { assemblyError: assembled.error }),
    refusedWrites: failures.refused,
    imageDeletes: pendingImageDeletes(decision.imageDeletesWaiting, imageDeletes.attempted, now),
    ...(decision.lastScheduleTime === undefined ? {} : { lastScheduleTime: decision.lastScheduleTime }),
    ...(decision.lastRunNow === undefined ? {} : { lastRunNow: decision.lastRunNow }),
    now,
  });
  const retryStatus = await writeStatus(status, obs, deps);
  deps.metrics.streamReleases(`${namespace}/${obs.key.name}`, releases);
  const before = obs.status?.releases ?? [];
  for (const r of releases) {
    const prior = before.find((b) => b.name === r.name);
    if (r.phase === "Accepted" && prior?.phase !== "Accepted")
      deps.metrics.accepted((deps.clock.now() - Date.parse(r.createdAt ?? "")) / 1000);
  }
  const events = [
    ...phaseEvents(before, releases, decision.removed),
    ...decision.unchangedRuns.map((run): EventInput => ({
      type: "Normal",
      reason: "Unchanged",
      action: "Cut",
      note: run.message.slice(0, 1024),
    })),
    ...started,
    ...imageDeletes.events,
  ];
  if (failures.refused.length > 0) {
    deps.log.warn({ refused: failures.refused }, "the API server refused writes");
    events.push({
      type: "Warning",
      reason: "WriteRefused",
      action: "Reconcile",
      note: refusedWritesMessage(failures.refused),
    });
  }
  await Promise.all(events.map((e) => deps.events.record(regarding, e)));
  if (failures.errors.length > 0) throw failures.errors[0];
  if (failures.refused.length > 0) throw new WritesRefusedError(failures.refused);
  const pendingAfterError = releases.some((r) => r.phase === "Pending");
  if (assembled.error !== undefined && pendingAfterError) throw new Error(assembled.error);
  // A release that just became Ready starts its verification in the next reconcile.
  const readyNow =
    decision.assemble !== undefined &&
    releases.some((r) => r.name === decision.assemble?.release && r.phase === "Ready");
  const delays = [decision.requeueAfterMs, retryTarget, retryStatus, readyNow ? 0 : null].filter(
    (d): d is number => d !== null,
  );
  return delays.length === 0 ? awaitChange() : requeueAfter(Math.min(...delays));
}

/**
 * Deletes the due release images from their registry, one Event each: ReleaseImageDeleted, or a
 * ReleaseImageDeleteRefused Warning with the registry's answer (405: deletes disabled on the registry;
 * 401/403: the push Secret may not delete). A refusal holds back nothing else; it is returned so the
 * status records it (`status.imageDeletes`, Degraded) and the delete is retried with backoff.
 */
async function deleteReleaseImages(
  decision: ReleaseStreamDecision,
  namespace: string,
  deps: StreamActDeps,
): Promise<{
  events: EventInput[];
  attempted: { item: ReleaseImageToDelete; outcome: ImageDeleteOutcome }[];
}> {
  const spec = decision.stream?.spec;
  const events: EventInput[] = [];
  const attempted: { item: ReleaseImageToDelete; outcome: ImageDeleteOutcome }[] = [];
  if (spec === undefined) return { events, attempted };
  for (const item of decision.imagesToDelete) {
    const { release, image } = item;
    try {
      if (deps.deleteReleaseImage === undefined)
        throw new Error("this operator has no registry access configured");
      const outcome = await deps.deleteReleaseImage({
        image,
        to: spec.to,
        namespace,
        ...(spec.pushSecret === undefined ? {} : { pushSecret: spec.pushSecret.name }),
      });
      attempted.push({ item, outcome: {} });
      events.push({
        type: "Normal",
        reason: "ReleaseImageDeleted",
        action: "Prune",
        note: `release ${release}: image ${image} ${outcome === "deleted" ? "deleted from its registry" : "was already gone from its registry"} (spec.retention.deleteImages)`,
      });
    } catch (err: unknown) {
      const message = `${err instanceof Error ? err.message : String(err)}${hintFor(err instanceof Error ? err.message : String(err))}`;
      attempted.push({ item, outcome: { refused: message } });
      deps.log.warn({ release, image, err: message }, "deleting a removed release's image was refused");
      events.push({
        type: "Warning",
        reason: "ReleaseImageDeleteRefused",
        action: "Prune",
        note: `release ${release} removed, but its image ${image} stays in the registry (attempt ${item.attempts + 1}, retried with backoff; status.imageDeletes): ${message}`,
      });
    }
  }
  return { events, attempted };
}

/** What to do about a refused delete, from the status in the registry's answer. */
function hintFor(message: string): string {
  if (/\(HTTP 405\)/.test(message))
    return "; the registry has manifest deletes disabled (docker-registry: storage.delete.enabled: true)";
  if (/\(HTTP 40[13]\)|authentication (failed|required)/.test(message))
    return "; give spec.pushSecret credentials that may delete in that repository";
  return "";
}

async function writeStatus(
  status: ReleaseStreamStatus,
  obs: ReleaseStreamObservation,
  deps: StreamActDeps,
): Promise<number | null> {
  const raw = obs.stream;
  if (raw === undefined) return null;
  if (obs.status !== undefined && jsonEqual(obs.status, status)) return null;
  try {
    const written = await deps.client.replaceStatus(RELEASE_STREAMS, { ...raw, status });
    deps.statusWritten?.(raw.metadata.resourceVersion, written.metadata.resourceVersion);
  } catch (err: unknown) {
    if (isConflict(err)) return 100;
    if (isNotFound(err)) return null;
    throw err;
  }
  return null;
}
