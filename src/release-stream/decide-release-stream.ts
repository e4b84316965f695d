/**
 * Decide: the pure heart of the ReleaseStream reconciler, release-controller's sync loop as a
 * function. From one observation and the time it says: which release to cut (name, pinned inputs),
 * which Pending release to assemble (only the newest; older Pending ones fail as Aborted), which
 * verification Jobs to start, which Ready releases become Accepted or Rejected, what retention
 * removes, and when to look again. Releases are read from the stored status, and adopted from the
 * target ImageStream's tags and the pinned ImageStreams when the status lacks them (a reconcile cut
 * short between its writes), so a restarted operator never cuts a release twice.
 */
import type { ImageDeleteStatus, ReleaseStream, ReleaseStreamStatus, StreamRelease } from "../api/index.js";
import {
  findCondition,
  parseReleaseStream,
  PayloadBuildStatusSchema,
  RELEASE_PHASES,
  type ReleasePhase,
} from "../api/index.js";
import { latestRun, nextRun, parseCronSchedule } from "./cron-schedule.js";
import type { ImageStream, SpecTag } from "../builds/image-stream-schema.js";
import type { KubeObjectInput } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { ReleaseAssembly } from "../payload-build/decide-release.js";
import { releaseInputsOf, type InputImage } from "./input-images.js";
import type { ReleaseStreamObservation } from "./observe-release-stream.js";
import {
  payloadBuildNameOf,
  pinnedImageStreamName,
  ReleaseAnnotation,
  releaseNameOf,
  releaseStamp,
  RELEASE_STREAM_LABEL,
  RETRY_ANNOTATION,
  RUN_NOW_ANNOTATION,
  stampOf,
  streamLabelValue,
  streamOwnerReference,
  type Job,
} from "./release-stream-objects.js";
import { planImageDeletes, type ReleaseImageToDelete } from "./image-deletes.js";
import { nextExpiryMs, releasesToRemove } from "./retention.js";
import { ReleaseStreamReason, timestampOf, type CutState } from "./release-stream-status.js";
import { defaultVerifyRetryDelayMs, verifyRelease, type VerifyContext } from "./verify-release.js";

/** Failed assemblies of one release before it is Failed. */
export const MAX_ASSEMBLY_ATTEMPTS = 3;

/** What decide needs besides the observation. */
export interface DecideStreamContext {
  readonly now: Date;
  /** Delay before verification retry n (n >= 1). Default 1 minute doubling up to 15 minutes. */
  readonly verifyRetryDelayMs?: (failures: number) => number;
}

/** An object to delete. */
export interface StreamChildToDelete {
  readonly kind: "ImageStream" | "Job" | "PayloadBuild";
  readonly object: KubeObject;
}

/** The assembly of the newest Pending release. */
export interface StreamAssembly {
  readonly release: string;
  readonly assembly: ReleaseAssembly;
}

/** A scheduled (or run-now) run that cut no release: its PayloadBuild found nothing changed. */
export interface UnchangedRun {
  /** The name the release would have had. */
  readonly release: string;
  readonly payloadBuild: string;
  /** Why, naming the payload key and the release that has it. */
  readonly message: string;
}

/** Everything one reconcile does. */
export interface ReleaseStreamDecision {
  readonly stream?: ReleaseStream;
  /** Set when the spec is invalid (the status says so; the reconcile ends with a TerminalError). */
  readonly invalid?: string;
  readonly invalidStatus?: ReleaseStreamStatus;
  /** The releases after this reconcile's moves (before the assembly's result), newest first. */
  readonly releases: readonly StreamRelease[];
  /** Releases retention removes (their tags, pinned streams, Jobs and PayloadBuilds go). */
  readonly removed: readonly StreamRelease[];
  /** Names of releases a person marked keep (tag annotation). */
  readonly keep: ReadonlySet<string>;
  readonly pinnedStreamsToCreate: readonly KubeObjectInput[];
  /** PayloadBuilds of scheduled runs (payloadBuild source). */
  readonly payloadBuildsToCreate: readonly KubeObjectInput[];
  /** The schedule's newest run acted on. */
  readonly lastScheduleTime?: string;
  /** The run-now annotation value acted on ({@link RUN_NOW_ANNOTATION}). */
  readonly lastRunNow?: string;
  /** Runs dropped in this reconcile because nothing changed (each is reported in an Event). */
  readonly unchangedRuns: readonly UnchangedRun[];
  readonly assemble?: StreamAssembly;
  readonly jobsToCreate: readonly KubeObjectInput[];
  readonly deletes: readonly StreamChildToDelete[];
  /**
   * Images to delete from their registry now (`spec.retention.deleteImages`): those of releases removed
   * in this reconcile and recorded refused deletes whose retry time has come.
   */
  readonly imagesToDelete: readonly ReleaseImageToDelete[];
  /** Recorded refused deletes not yet due again (kept in `status.imageDeletes`). */
  readonly imageDeletesWaiting: readonly ImageDeleteStatus[];
  readonly cut: CutState;
  readonly inputProblem?: CutState;
  readonly requeueAfterMs: number | null;
}

const EMPTY: ReleaseStreamDecision = {
  releases: [],
  removed: [],
  keep: new Set(),
  pinnedStreamsToCreate: [],
  payloadBuildsToCreate: [],
  unchangedRuns: [],
  jobsToCreate: [],
  deletes: [],
  imagesToDelete: [],
  imageDeletesWaiting: [],
  cut: { reason: ReleaseStreamReason.Idle, message: "" },
  requeueAfterMs: null,
};

function isPhase(value: string | undefined): value is ReleasePhase {
  return (RELEASE_PHASES as readonly string[]).includes(value ?? "");
}

/** `<namespace>/<input>`: release-controller's `release.openshift.io/source`. */
export function streamSourceOf(stream: ReleaseStream): string {
  const input = stream.spec.source.imageStream ?? stream.spec.source.payloadBuild?.spec.imageStream ?? "";
  return `${stream.metadata.namespace ?? ""}/${input}`;
}

function byNewest(a: StreamRelease, b: StreamRelease): number {
  const ta = a.createdAt ?? "";
  const tb = b.createdAt ?? "";
  if (ta !== tb) return ta < tb ? 1 : -1;
  return a.name < b.name ? 1 : a.name > b.name ? -1 : 0;
}

/**
 * The stream's releases, newest first: the stored status, plus releases only the target tags or the
 * pinned ImageStreams know of (adopted with the phase their annotation records).
 */
export function collectReleases(
  stored: readonly StreamRelease[],
  target: ImageStream | undefined,
  pinned: readonly ImageStream[],
  prefix: string,
  source: string,
): StreamRelease[] {
  const byName = new Map(stored.map((r) => [r.name, r] as const));
  for (const tag of target?.spec?.tags ?? []) {
    const known = byName.get(tag.name);
    const tagged = tag.annotations?.[ReleaseAnnotation.phase];
    // The status write of the reconcile that pushed the release was lost: the tag knows it is Ready.
    if (
      known?.phase === "Pending" &&
      tagged === "Ready" &&
      tag.from?.kind === "DockerImage" &&
      tag.from.name !== undefined
    ) {
      const image = tag.from.name;
      byName.set(tag.name, { ...known, phase: "Ready", image, digest: image.slice(image.indexOf("@") + 1) });
      continue;
    }
    const a = tag.annotations ?? {};
    if (
      byName.has(tag.name) ||
      a[ReleaseAnnotation.name] !== prefix ||
      a[ReleaseAnnotation.source] !== source
    )
      continue;
    const phase = a[ReleaseAnnotation.phase];
    const image = tag.from?.kind === "DockerImage" ? tag.from.name : undefined;
    byName.set(tag.name, {
      name: tag.name,
      phase: isPhase(phase) ? phase : "Pending",
      ...(a[ReleaseAnnotation.creationTimestamp] === undefined
        ? {}
        : { createdAt: a[ReleaseAnnotation.creationTimestamp] }),
      ...(a[ReleaseAnnotation.hash] === undefined ? {} : { inputHash: a[ReleaseAnnotation.hash] }),
      ...(a[ReleaseAnnotation.payloadBuild] === undefined
        ? {}
        : { payloadBuild: a[ReleaseAnnotation.payloadBuild] }),
      ...(image === undefined ? {} : { image, digest: image.slice(image.indexOf("@") + 1) }),
      ...(a[ReleaseAnnotation.reason] === undefined ? {} : { reason: a[ReleaseAnnotation.reason] }),
      ...(a[ReleaseAnnotation.message] === undefined ? {} : { message: a[ReleaseAnnotation.message] }),
      round: 1,
    });
  }
  for (const s of pinned) {
    const a = s.metadata.annotations ?? {};
    const name = a[ReleaseAnnotation.releaseTag];
    if (name === undefined || byName.has(name) || a[ReleaseAnnotation.name] !== prefix) continue;
    byName.set(name, {
      name,
      phase: "Pending",
      ...(a[ReleaseAnnotation.creationTimestamp] === undefined
        ? {}
        : { createdAt: a[ReleaseAnnotation.creationTimestamp] }),
      ...(a[ReleaseAnnotation.hash] === undefined ? {} : { inputHash: a[ReleaseAnnotation.hash] }),
      round: 1,
    });
  }
  return [...byName.values()].sort(byNewest);
}

/** The inputs pinned for `release`: the spec tags of its pinned ImageStream. */
export function pinnedInputsOf(pinned: ImageStream | undefined): InputImage[] | undefined {
  if (pinned === undefined) return undefined;
  return (pinned.spec?.tags ?? []).flatMap((t: SpecTag) =>
    t.from?.kind === "DockerImage" && t.from.name !== undefined
      ? [{ tag: t.name, pullspec: t.from.name, image: t.from.name.slice(t.from.name.indexOf("@") + 1) }]
      : [],
  );
}

/** The pinned ImageStream of a release (spec tags by digest, PreserveOriginal, never re-imported). */
export function pinnedImageStream(
  stream: ReleaseStream,
  release: StreamRelease,
  images: readonly InputImage[],
): KubeObjectInput {
  const name = stream.metadata.name ?? "";
  return {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: {
      name: pinnedImageStreamName(name, stream.spec.name, release.name),
      namespace: stream.metadata.namespace,
      labels: { [RELEASE_STREAM_LABEL]: streamLabelValue(name) },
      annotations: {
        [ReleaseAnnotation.name]: stream.spec.name,
        [ReleaseAnnotation.source]: streamSourceOf(stream),
        [ReleaseAnnotation.releaseTag]: release.name,
        [ReleaseAnnotation.hash]: release.inputHash ?? "",
        [ReleaseAnnotation.creationTimestamp]: release.createdAt ?? "",
        [ReleaseAnnotation.target]: `${stream.metadata.namespace ?? ""}/${name}`,
      },
      ownerReferences: [streamOwnerReference({ name, uid: stream.metadata.uid ?? "" })],
    },
    spec: {
      lookupPolicy: { local: false },
      tags: images.map((i) => ({
        name: i.tag,
        from: { kind: "DockerImage", name: i.pullspec },
        importPolicy: { scheduled: false, importMode: "PreserveOriginal" },
        referencePolicy: { type: "Source" },
      })),
    },
  };
}

function moved(
  r: StreamRelease,
  phase: ReleasePhase,
  nowIso: string,
  why?: { reason: string; message: string },
) {
  const { reason: _r, message: _m, ...rest } = r;
  return {
    ...rest,
    phase,
    phaseChangedAt: nowIso,
    ...(why === undefined ? {} : { reason: why.reason, message: why.message.slice(0, 1024) }),
  };
}

function jobsOfRelease(jobs: readonly Job[], release: string): Job[] {
  return jobs.filter((j) => j.metadata.annotations?.[ReleaseAnnotation.tag] === release);
}

/** See the module documentation. */
export function decideReleaseStream(
  obs: ReleaseStreamObservation,
  ctx: DecideStreamContext,
): ReleaseStreamDecision {
  const raw = obs.stream;
  if (raw === undefined || raw.metadata.deletionTimestamp !== undefined) return EMPTY; // children go by GC
  const parsed = parseReleaseStream(raw);
  if (!parsed.ok) {
    const message = `invalid spec: ${parsed.problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`.slice(
      0,
      4000,
    );
    return { ...EMPTY, invalid: message };
  }
  const stream = parsed.value;
  const { spec } = stream;
  const now = ctx.now;
  const nowMs = now.getTime();
  const nowIso = timestampOf(nowMs);
  const namespace = stream.metadata.namespace ?? "";
  const streamName = stream.metadata.name ?? "";
  const prefix = spec.name;
  const source = streamSourceOf(stream);
  const owner = streamOwnerReference({ name: streamName, uid: stream.metadata.uid ?? "" });
  const requeues: number[] = [];

  let releases = collectReleases(
    obs.status?.releases ?? [],
    obs.targetStream,
    obs.pinnedStreams,
    prefix,
    source,
  );
  const keep = new Set(
    (obs.targetStream?.spec?.tags ?? [])
      .filter((t) => t.annotations?.[ReleaseAnnotation.keep] !== undefined)
      .map((t) => t.name),
  );

  // A person moves a Rejected release back to Ready: a new verification round.
  const retry = stream.metadata.annotations?.[RETRY_ANNOTATION];
  if (retry !== undefined && retry !== "") {
    const target = retry.split("@")[0];
    releases = releases.map((r) =>
      r.name === target && r.phase === "Rejected" && r.retryToken !== retry
        ? { ...moved(r, "Ready", nowIso), round: (r.round ?? 1) + 1, retryToken: retry, verifications: [] }
        : r,
    );
  }

  // Only the newest Pending release is processed; older ones fail as Aborted.
  const newestPending = releases.find((r) => r.phase === "Pending");
  releases = releases.map((r) =>
    r.phase === "Pending" && r !== newestPending
      ? moved(r, "Failed", nowIso, {
          reason: "Aborted",
          message: `a newer release (${newestPending?.name ?? ""}) is pending; only the newest is processed`,
        })
      : r,
  );

  // Verification of Ready releases (and outcomes of jobs still running after a verdict).
  const jobsToCreate: KubeObjectInput[] = [];
  const retryDelayMs = ctx.verifyRetryDelayMs ?? defaultVerifyRetryDelayMs;
  releases = releases.map((r, i) => {
    const open = (r.verifications ?? []).some((v) => v.state === "Running" || v.state === "Pending");
    if (r.phase !== "Ready" && !(open && (r.phase === "Accepted" || r.phase === "Rejected"))) return r;
    const initial = releases.slice(i + 1).find((o) => o.phase === "Accepted" && o.image !== undefined);
    const vctx: VerifyContext = {
      namespace,
      streamName,
      source,
      prefix,
      owner,
      streamLabel: streamLabelValue(streamName),
      verify: spec.verify ?? [],
      ...(initial?.image === undefined ? {} : { initial: { name: initial.name, image: initial.image } }),
      nowMs,
      retryDelayMs,
    };
    const result = verifyRelease(r, jobsOfRelease(obs.jobs, r.name), vctx, r.phase === "Ready");
    if (r.phase !== "Ready") return { ...r, verifications: result.verifications };
    jobsToCreate.push(...result.jobsToCreate);
    if (result.retryAtMs !== undefined) requeues.push(result.retryAtMs - nowMs);
    const withResults = { ...r, verifications: result.verifications };
    if (result.verdict === "accepted") return moved(withResults, "Accepted", nowIso);
    if (result.verdict === "rejected")
      return moved(withResults, "Rejected", nowIso, {
        reason: "VerificationFailed",
        message: result.rejectMessage ?? "a required verification failed",
      });
    return withResults;
  });

  // Cut a new release when the input changed (imageStream source).
  const pinnedStreamsToCreate: KubeObjectInput[] = [];
  let cut: CutState = { reason: ReleaseStreamReason.Idle, message: "every input is released" };
  let inputProblem: CutState | undefined;
  let cutImages: readonly InputImage[] | undefined;
  const inputName = spec.source.imageStream;
  if (inputName !== undefined) {
    const inputs = releaseInputsOf(obs.inputStream);
    if (obs.inputStream === undefined) {
      inputProblem = {
        reason: ReleaseStreamReason.InputNotFound,
        message: `ImageStream ${namespace}/${inputName} (spec.source.imageStream) not found`,
      };
      cut = inputProblem;
    } else if (inputs === undefined) {
      cut = {
        reason: ReleaseStreamReason.WaitingForInput,
        message: `no tag of ImageStream ${inputName} has landed yet`,
      };
    } else if (releases.some((r) => r.inputHash === inputs.hash)) {
      cut = { reason: ReleaseStreamReason.Idle, message: `the inputs of ${inputName} are released` };
    } else if (releases.some((r) => r.phase === "Pending")) {
      cut = { reason: ReleaseStreamReason.Assembling, message: "a release is pending" };
    } else {
      const unready = releases.filter((r) => r.phase === "Pending" || r.phase === "Ready").length;
      const newest = releases[0];
      const readyAt = Date.parse(newest?.createdAt ?? "") + spec.minIntervalSeconds * 1000;
      if (unready >= spec.maxUnready) {
        cut = {
          reason: ReleaseStreamReason.MaxUnready,
          message: `${unready} release(s) not yet accepted or rejected (maxUnready ${spec.maxUnready}); the new inputs wait`,
        };
      } else if (!Number.isNaN(readyAt) && readyAt > nowMs) {
        requeues.push(readyAt - nowMs);
        cut = {
          reason: ReleaseStreamReason.WaitingForInterval,
          message: `the next release is cut at ${timestampOf(readyAt)} (minIntervalSeconds ${spec.minIntervalSeconds})`,
        };
      } else {
        const name = releaseNameOf(prefix, now);
        if (releases.some((r) => r.name === name)) {
          requeues.push(1000);
        } else {
          const accepted = releases.filter((r) => r.phase === "Accepted").slice(0, spec.upgradeFromAccepted);
          const release: StreamRelease = {
            name,
            phase: "Pending",
            createdAt: nowIso,
            phaseChangedAt: nowIso,
            inputHash: inputs.hash,
            round: 1,
            ...(accepted.length === 0 ? {} : { previous: accepted.map((r) => r.name) }),
          };
          releases = [release, ...releases];
          pinnedStreamsToCreate.push(pinnedImageStream(stream, release, inputs.images));
          cutImages = inputs.images;
          cut = { reason: ReleaseStreamReason.Assembling, message: `release ${name} cut` };
        }
      }
    }
  }

  // Scheduled runs of a payloadBuild source, and runs asked for with the run-now annotation: each
  // creates a PayloadBuild from the template.
  const payloadBuildsToCreate: KubeObjectInput[] = [];
  let lastScheduleTime = obs.status?.lastScheduleTime;
  let lastRunNow = obs.status?.lastRunNow;
  const template = spec.source.payloadBuild;
  if (template !== undefined) {
    const runNow = stream.metadata.annotations?.[RUN_NOW_ANNOTATION];
    const runNowDue = runNow !== undefined && runNow !== "" && runNow !== lastRunNow;
    let run: { readonly what: string } | undefined;
    if (spec.schedule === undefined) {
      cut = { reason: "NoSchedule", message: "a payloadBuild source runs on spec.schedule; set one" };
    } else {
      let schedule;
      try {
        schedule = parseCronSchedule(spec.schedule, spec.timeZone ?? "UTC");
      } catch (err: unknown) {
        return {
          ...EMPTY,
          invalid: `invalid spec: spec.schedule: ${err instanceof Error ? err.message : String(err)}`,
        };
      }
      const after = Date.parse(lastScheduleTime ?? stream.metadata.creationTimestamp ?? "");
      const scheduled = latestRun(schedule, Number.isNaN(after) ? nowMs : after, nowMs);
      const next = nextRun(schedule, nowMs);
      requeues.push(next === undefined ? 3_600_000 : Math.min(next - nowMs, 3_600_000));
      if (scheduled === undefined) {
        cut = {
          reason: "WaitingForSchedule",
          message:
            next === undefined ? "no run of spec.schedule within 8 days" : `next run at ${timestampOf(next)}`,
        };
      } else {
        lastScheduleTime = timestampOf(scheduled);
        run = { what: `the run of ${timestampOf(scheduled)}` };
      }
    }
    if (runNowDue) {
      lastRunNow = runNow;
      run = { what: `the run asked for by ${RUN_NOW_ANNOTATION}=${runNow}` };
    }
    if (run !== undefined) {
      const unready = releases.filter((r) => r.phase === "Pending" || r.phase === "Ready").length;
      if (releases.some((r) => r.phase === "Pending") || unready >= spec.maxUnready) {
        cut = {
          reason: ReleaseStreamReason.MaxUnready,
          message: `${run.what} was skipped: ${unready} release(s) not yet accepted or rejected (maxUnready ${spec.maxUnready})`,
        };
      } else {
        const name = releaseNameOf(prefix, now);
        const pbName = payloadBuildNameOf(streamName, releaseStamp(now));
        // With component keys, a night whose payload key equals the last release's cuts none.
        const lastKey =
          template.spec.rebuild === undefined
            ? undefined
            : releases.find(
                (r) => (r.phase === "Ready" || r.phase === "Accepted") && r.payloadKey !== undefined,
              )?.payloadKey;
        const accepted = releases.filter((r) => r.phase === "Accepted").slice(0, spec.upgradeFromAccepted);
        const previous = accepted.map((r) => r.name);
        releases = [
          {
            name,
            phase: "Pending",
            createdAt: nowIso,
            phaseChangedAt: nowIso,
            payloadBuild: pbName,
            round: 1,
            ...(previous.length === 0 ? {} : { previous }),
          },
          ...releases,
        ];
        payloadBuildsToCreate.push({
          apiVersion: "payload.okd.io/v1alpha1",
          kind: "PayloadBuild",
          metadata: {
            name: pbName,
            namespace,
            labels: {
              ...(template.metadata?.labels ?? {}),
              [RELEASE_STREAM_LABEL]: streamLabelValue(streamName),
            },
            annotations: {
              ...(template.metadata?.annotations ?? {}),
              [ReleaseAnnotation.releaseTag]: name,
            },
            ownerReferences: [owner],
          },
          spec: {
            ...template.spec,
            release: {
              ...(template.spec.release ?? {}),
              name,
              to: spec.to,
              ...(spec.pushSecret === undefined ? {} : { pushSecret: spec.pushSecret }),
              ...(previous.length === 0 ? {} : { previous }),
              ...(lastKey === undefined ? {} : { unlessPayloadKey: lastKey }),
            },
          },
        });
        cut = {
          reason: ReleaseStreamReason.Assembling,
          message: `${run.what}: PayloadBuild ${pbName} builds ${name}`,
        };
      }
    }
  }
  // A scheduled release follows its PayloadBuild: pushed -> Ready, failed -> Failed; an unchanged
  // night (every component reused, payload key equal to the last release's) is no release at all.
  const unchanged = new Set<string>();
  const unchangedRuns: UnchangedRun[] = [];
  for (const r of releases) {
    if (r.phase !== "Pending" || r.payloadBuild === undefined) continue;
    const pb = obs.payloadBuilds.find((p) => p.metadata.name === r.payloadBuild);
    const parsedStatus = PayloadBuildStatusSchema.safeParse(pb?.["status"] ?? {});
    if (!parsedStatus.success || findCondition(parsedStatus.data.conditions, "Ready")?.reason !== "Unchanged")
      continue;
    unchanged.add(r.name);
    const last = releases.find(
      (o) => o.payloadKey !== undefined && o.payloadKey === parsedStatus.data.payloadKey,
    );
    const message = `scheduled run ${r.payloadBuild}: every component reused and the payload key ${parsedStatus.data.payloadKey ?? ""} equals the last release's${last === undefined ? "" : ` (${last.name})`}; no release cut`;
    unchangedRuns.push({ release: r.name, payloadBuild: r.payloadBuild, message });
    cut = { reason: "Unchanged", message };
  }
  const unchangedReleases = releases.filter((r) => unchanged.has(r.name));
  releases = releases.filter((r) => !unchanged.has(r.name));
  releases = releases.map((r) => {
    if (r.phase !== "Pending" || r.payloadBuild === undefined) return r;
    const pb = obs.payloadBuilds.find((p) => p.metadata.name === r.payloadBuild);
    const parsedStatus = PayloadBuildStatusSchema.safeParse(pb?.["status"] ?? {});
    if (!parsedStatus.success) return r;
    const pbStatus = parsedStatus.data;
    if (
      pbStatus.release?.digest !== undefined &&
      pbStatus.release.image !== undefined &&
      pbStatus.release.name === r.name
    )
      return {
        ...moved(r, "Ready", nowIso),
        image: pbStatus.release.image,
        digest: pbStatus.release.digest,
        ...(pbStatus.payloadKey === undefined ? {} : { payloadKey: pbStatus.payloadKey }),
      };
    if (pbStatus.phase === "Failed" || pbStatus.phase === "Invalid")
      return moved(r, "Failed", nowIso, {
        reason: "PayloadBuildFailed",
        message: `PayloadBuild ${r.payloadBuild}: ${findCondition(pbStatus.conditions, "Ready")?.message ?? pbStatus.phase}`,
      });
    return r;
  });

  // Assemble the newest Pending release.
  let assemble: StreamAssembly | undefined;
  const pending = releases.find((r) => r.phase === "Pending");
  if (pending !== undefined && inputName !== undefined && pending.payloadBuild === undefined) {
    const pinnedName = pinnedImageStreamName(streamName, prefix, pending.name);
    const images =
      cutImages !== undefined && pending.name === releases[0]?.name
        ? cutImages
        : pinnedInputsOf(obs.pinnedStreams.find((s) => s.metadata.name === pinnedName));
    if (images === undefined) {
      requeues.push(1000); // the pinned stream is not in the informer's view yet
    } else {
      const tags = images.map((i) => i.tag);
      assemble = {
        release: pending.name,
        assembly: {
          name: pending.name,
          to: spec.to,
          baseTag: spec.baseTag,
          images: images.map((i) => ({ tag: i.tag, pullspec: i.pullspec })),
          include: tags,
          ...(pending.previous === undefined ? {} : { previous: pending.previous }),
          ...(spec.pushSecret === undefined ? {} : { pushSecret: spec.pushSecret.name }),
        },
      };
    }
  }

  // Retention.
  const removeNames = releasesToRemove(releases, spec.retention, keep, nowMs);
  const removed = releases.filter((r) => removeNames.has(r.name));
  releases = releases.filter((r) => !removeNames.has(r.name));
  const expiry = nextExpiryMs(releases, spec.retention, keep, nowMs);
  if (expiry !== undefined) requeues.push(expiry - nowMs);
  const deletes: StreamChildToDelete[] = [];
  for (const r of unchangedReleases)
    for (const pb of obs.payloadBuilds)
      if (pb.metadata.name === r.payloadBuild) deletes.push({ kind: "PayloadBuild", object: pb });
  for (const r of removed) {
    const pinnedName = pinnedImageStreamName(streamName, prefix, r.name);
    for (const s of obs.pinnedStreams)
      if (s.metadata.name === pinnedName || s.metadata.annotations?.[ReleaseAnnotation.releaseTag] === r.name)
        deletes.push({ kind: "ImageStream", object: s });
    for (const j of jobsOfRelease(obs.jobs, r.name)) deletes.push({ kind: "Job", object: j });
    for (const pb of obs.payloadBuilds)
      if (pb.metadata.name === r.payloadBuild) deletes.push({ kind: "PayloadBuild", object: pb });
  }
  // Only pinned by digest: deleting by tag could remove whatever the tag names now.
  const imageDeletes = planImageDeletes(
    obs.status?.imageDeletes,
    removed.flatMap((r) =>
      r.image !== undefined && /@sha256:[0-9a-f]{64}$/.test(r.image)
        ? [{ release: r.name, image: r.image }]
        : [],
    ),
    spec.retention.deleteImages === true,
    nowMs,
  );
  if (imageDeletes.nextDueInMs !== undefined) requeues.push(imageDeletes.nextDueInMs);
  // Jobs and pinned streams of releases no longer known (removed by an earlier reconcile).
  const known = new Set([...releases, ...removed].map((r) => r.name));
  for (const j of obs.jobs) {
    const tag = j.metadata.annotations?.[ReleaseAnnotation.tag];
    if (tag !== undefined && !known.has(tag)) deletes.push({ kind: "Job", object: j });
  }
  for (const s of obs.pinnedStreams) {
    const tag = s.metadata.annotations?.[ReleaseAnnotation.releaseTag];
    if (tag !== undefined && !known.has(tag) && stampOf(prefix, tag) !== tag)
      deletes.push({ kind: "ImageStream", object: s });
  }

  const positive = requeues.filter((d) => Number.isFinite(d)).map((d) => Math.max(0, d));
  return {
    stream,
    releases,
    removed,
    keep,
    pinnedStreamsToCreate,
    payloadBuildsToCreate,
    unchangedRuns,
    ...(lastScheduleTime === undefined ? {} : { lastScheduleTime }),
    ...(lastRunNow === undefined ? {} : { lastRunNow }),
    ...(assemble === undefined ? {} : { assemble }),
    jobsToCreate,
    deletes,
    imagesToDelete: imageDeletes.due,
    imageDeletesWaiting: imageDeletes.waiting,
    cut,
    ...(inputProblem === undefined ? {} : { inputProblem }),
    requeueAfterMs: positive.length === 0 ? null : Math.min(...positive),
  };
}
