/**
 * Verification of one Ready release: which Jobs of `spec.verify` run, which are retried (backoff
 * 1 minute doubling up to 15 minutes), and the verdict: every required verification succeeded ->
 * Accepted; a required one failed after its retries -> Rejected; optional ones never reject. A
 * Job's outcome is read from its `Complete`/`Failed` conditions, as on any cluster. Pure.
 */
import type { StreamRelease, VerificationStatus, VerifySpec } from "../api/index.js";
import { formatTimestamp } from "../api/condition.js";
import type { KubeObjectInput } from "../kube/kube-client.js";
import type { OwnerReference } from "../kube/kube-object.js";
import {
  ATTEMPT_ANNOTATION,
  ReleaseAnnotation,
  RELEASE_STREAM_LABEL,
  ROUND_ANNOTATION,
  VERIFICATION_ANNOTATION,
  VERIFY_LABEL,
  verificationJobName,
  type Job,
} from "./release-stream-objects.js";

/** The default delay before retry n (n >= 1): 1 minute doubling, at most 15 minutes. */
export function defaultVerifyRetryDelayMs(failures: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, failures - 1), 15 * 60_000);
}

/** How a Job ended, from its conditions. */
export type JobOutcome =
  | { readonly state: "running" }
  | { readonly state: "succeeded"; readonly atMs: number }
  | { readonly state: "failed"; readonly atMs: number; readonly message: string };

function timeMs(value: string | null | undefined, fallback: number): number {
  const ms = Date.parse(value ?? "");
  return Number.isNaN(ms) ? fallback : ms;
}

/** The outcome of `job`: `Complete=True` succeeded, `Failed=True` failed, otherwise running. */
export function jobOutcome(job: Job, nowMs: number): JobOutcome {
  const conditions = job.status?.conditions ?? [];
  const complete = conditions.find((c) => c.type === "Complete" && c.status === "True");
  if (complete !== undefined)
    return {
      state: "succeeded",
      atMs: timeMs(job.status?.completionTime ?? complete.lastTransitionTime, nowMs),
    };
  const failed = conditions.find((c) => c.type === "Failed" && c.status === "True");
  if (failed !== undefined)
    return {
      state: "failed",
      atMs: timeMs(failed.lastTransitionTime, nowMs),
      message: [failed.reason, failed.message]
        .filter((s) => s !== undefined && s !== null && s !== "")
        .join(": "),
    };
  return { state: "running" };
}

/** What the verification of a release needs besides its Jobs. */
export interface VerifyContext {
  readonly namespace: string;
  readonly streamName: string;
  /** `release.openshift.io/source` of the stream. */
  readonly source: string;
  /** The stream's release name prefix (`spec.name`). */
  readonly prefix: string;
  readonly owner: OwnerReference;
  readonly streamLabel: string;
  readonly verify: readonly VerifySpec[];
  /** The newest accepted release older than this one (RELEASE_IMAGE_INITIAL). */
  readonly initial?: { readonly name: string; readonly image: string };
  readonly nowMs: number;
  readonly retryDelayMs: (failures: number) => number;
}

/** The verification of one release. */
export interface ReleaseVerification {
  readonly verifications: VerificationStatus[];
  /** `accepted`: every required verification succeeded; `rejected`: one failed for good. */
  readonly verdict: "accepted" | "rejected" | "verifying";
  /** Set when rejected: which verification failed and why. */
  readonly rejectMessage?: string;
  readonly jobsToCreate: KubeObjectInput[];
  /** Earliest time a retry is due (epoch ms). */
  readonly retryAtMs?: number;
}

type EnvVar = Record<string, unknown> & { name?: unknown };

function withReleaseEnv(containers: unknown, env: readonly EnvVar[]): unknown {
  if (!Array.isArray(containers)) return containers;
  const names = new Set(env.map((e) => e.name));
  return containers.map((c: unknown) => {
    if (typeof c !== "object" || c === null) return c;
    const container = c as Record<string, unknown>;
    const existing = Array.isArray(container["env"]) ? (container["env"] as EnvVar[]) : [];
    return { ...container, env: [...existing.filter((e) => !names.has(e.name)), ...env] };
  });
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** The Job of one attempt: the template, our names, labels, annotations, owner and release environment. */
export function verificationJob(
  release: StreamRelease,
  spec: VerifySpec,
  round: number,
  attempt: number,
  ctx: VerifyContext,
): KubeObjectInput {
  const template = record(spec.jobTemplate);
  const metadata = record(template["metadata"]);
  const jobSpec = record(template["spec"]);
  const podTemplate = record(jobSpec["template"]);
  const podSpec = record(podTemplate["spec"]);
  const env: EnvVar[] = [
    { name: "RELEASE_IMAGE_LATEST", value: release.image ?? "" },
    ...(ctx.initial === undefined ? [] : [{ name: "RELEASE_IMAGE_INITIAL", value: ctx.initial.image }]),
  ];
  const stamp = release.name.startsWith(`${ctx.prefix}-`)
    ? release.name.slice(ctx.prefix.length + 1)
    : release.name;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: verificationJobName(ctx.streamName, stamp, spec.name, round, attempt),
      namespace: ctx.namespace,
      labels: {
        ...record(metadata["labels"]),
        [RELEASE_STREAM_LABEL]: ctx.streamLabel,
        [VERIFY_LABEL]: "true",
      },
      annotations: {
        ...record(metadata["annotations"]),
        [ReleaseAnnotation.source]: ctx.source,
        [ReleaseAnnotation.tag]: release.name,
        ...(ctx.initial === undefined ? {} : { [ReleaseAnnotation.fromTag]: ctx.initial.name }),
        [VERIFICATION_ANNOTATION]: spec.name,
        [ROUND_ANNOTATION]: String(round),
        [ATTEMPT_ANNOTATION]: String(attempt),
      },
      ownerReferences: [ctx.owner],
    },
    spec: {
      ...jobSpec,
      template: {
        ...podTemplate,
        spec: {
          ...podSpec,
          containers: withReleaseEnv(podSpec["containers"], env),
          ...(podSpec["initContainers"] === undefined
            ? {}
            : { initContainers: withReleaseEnv(podSpec["initContainers"], env) }),
        },
      },
    },
  };
}

function annotationInt(job: Job, key: string): number {
  const n = Number(job.metadata.annotations?.[key]);
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/** The Jobs of `release`, verification `name`, round `round`, by attempt. */
export function jobsOf(jobs: readonly Job[], release: string, name: string, round: number): Map<number, Job> {
  const byAttempt = new Map<number, Job>();
  for (const job of jobs) {
    const a = job.metadata.annotations ?? {};
    if (a[ReleaseAnnotation.tag] !== release || a[VERIFICATION_ANNOTATION] !== name) continue;
    if (annotationInt(job, ROUND_ANNOTATION) !== round) continue;
    const attempt = annotationInt(job, ATTEMPT_ANNOTATION);
    if (attempt > 0) byAttempt.set(attempt, job);
  }
  return byAttempt;
}

/**
 * Verifies `release` (Ready, round `release.round`): starts the first Job of each verification,
 * reads their outcomes, retries failed ones after their backoff, and gives the verdict. A
 * verification the stored status already records as finished stays finished (its Job may be gone).
 * With `startJobs` false (a release that is no longer Ready) only outcomes are read.
 */
export function verifyRelease(
  release: StreamRelease,
  jobs: readonly Job[],
  ctx: VerifyContext,
  startJobs = true,
): ReleaseVerification {
  const round = release.round ?? 1;
  const stored = new Map((release.verifications ?? []).map((v) => [v.name, v]));
  const verifications: VerificationStatus[] = [];
  const jobsToCreate: KubeObjectInput[] = [];
  const retryAts: number[] = [];
  const failedRequired: string[] = [];
  let allRequiredSucceeded = true;
  for (const spec of ctx.verify) {
    const before = stored.get(spec.name);
    const base = { name: spec.name, ...(spec.optional ? { optional: true } : {}) };
    if (before !== undefined && (before.state === "Succeeded" || before.state === "Failed")) {
      verifications.push(before);
      if (before.state === "Failed" && !spec.optional)
        failedRequired.push(`${spec.name}: ${before.message ?? "failed"}`);
      if (before.state !== "Succeeded" && !spec.optional) allRequiredSucceeded = false;
      continue;
    }
    const byAttempt = jobsOf(jobs, release.name, spec.name, round);
    const attempts = Math.max(0, ...byAttempt.keys());
    const latest = byAttempt.get(attempts);
    let status: VerificationStatus;
    if (latest === undefined) {
      if (startJobs) {
        const job = verificationJob(release, spec, round, 1, ctx);
        jobsToCreate.push(job);
        status = { ...base, state: "Running", attempts: 1, job: job.metadata.name ?? "" };
      } else status = { ...base, state: "Pending", attempts: 0 };
    } else {
      const outcome = jobOutcome(latest, ctx.nowMs);
      const job = latest.metadata.name;
      if (outcome.state === "running") status = { ...base, state: "Running", attempts, job };
      else if (outcome.state === "succeeded") status = { ...base, state: "Succeeded", attempts, job };
      else if (attempts <= spec.maxRetries && startJobs) {
        const retryAtMs = outcome.atMs + ctx.retryDelayMs(attempts);
        if (ctx.nowMs >= retryAtMs) {
          const next = verificationJob(release, spec, round, attempts + 1, ctx);
          jobsToCreate.push(next);
          status = { ...base, state: "Running", attempts: attempts + 1, job: next.metadata.name ?? "" };
        } else {
          retryAts.push(retryAtMs);
          status = {
            ...base,
            state: "Running",
            attempts,
            job,
            retryAt: formatTimestamp(new Date(retryAtMs)),
            ...(outcome.message === "" ? {} : { message: outcome.message.slice(0, 1000) }),
          };
        }
      } else {
        const message = `Job ${job} failed${attempts > 1 ? ` (attempt ${attempts})` : ""}${outcome.message === "" ? "" : `: ${outcome.message}`}`;
        status = { ...base, state: "Failed", attempts, job, message: message.slice(0, 1000) };
        if (!spec.optional) failedRequired.push(`${spec.name}: ${message}`);
      }
    }
    if (status.state !== "Succeeded" && !spec.optional) allRequiredSucceeded = false;
    verifications.push(status);
  }
  const verdict = failedRequired.length > 0 ? "rejected" : allRequiredSucceeded ? "accepted" : "verifying";
  return {
    verifications,
    verdict,
    ...(failedRequired.length > 0 ? { rejectMessage: `verification ${failedRequired.join("; ")}` } : {}),
    jobsToCreate: verdict === "rejected" ? [] : jobsToCreate,
    ...(retryAts.length > 0 && verdict === "verifying" ? { retryAtMs: Math.min(...retryAts) } : {}),
  };
}
