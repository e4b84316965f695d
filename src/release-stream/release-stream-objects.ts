/**
 * Names, labels, annotations and resources of what a ReleaseStream owns: the target ImageStream
 * (one tag per release, carrying release-controller's annotations so existing tooling reads it), a
 * pinned ImageStream per release (its inputs by digest), the verification Jobs, and for a
 * payloadBuild source the PayloadBuilds. Names are deterministic, so a restarted operator finds the
 * very same objects.
 */
import { z } from "zod";
import { API_GROUP, API_GROUP_VERSION, API_VERSION, RELEASE_STREAM } from "../api/group.js";
import { shortenName } from "../builds/child-objects.js";
import { objectMetaSchema, type OwnerReference } from "../kube/kube-object.js";
import { kubeResource, type KubeResource } from "../kube/resource.js";

/** `payload.okd.io/v1alpha1` ReleaseStream, read with the generic schema: validation is the reconciler's job. */
export const RELEASE_STREAMS: KubeResource = kubeResource({
  group: API_GROUP,
  version: API_VERSION,
  kind: RELEASE_STREAM.kind,
  plural: RELEASE_STREAM.plural,
  namespaced: true,
});

/** The fields of a batch/v1 Job the operator reads: its conditions, as on any cluster. */
export const jobSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: z.looseObject({}).nullish(),
  status: z
    .looseObject({
      conditions: z
        .array(
          z.looseObject({
            type: z.string(),
            status: z.string(),
            reason: z.string().nullish(),
            message: z.string().nullish(),
            lastTransitionTime: z.string().nullish(),
          }),
        )
        .nullish(),
      startTime: z.string().nullish(),
      completionTime: z.string().nullish(),
    })
    .nullish(),
});
/** A parsed Job; unknown fields are kept. */
export type Job = z.infer<typeof jobSchema>;

/** `batch/v1` Job (verification runs). */
export const JOBS: KubeResource<Job> = kubeResource(
  { group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true },
  jobSchema,
);

/** release-controller's annotations on release tags, pinned streams and jobs. */
export const ReleaseAnnotation = {
  name: "release.openshift.io/name",
  source: "release.openshift.io/source",
  creationTimestamp: "release.openshift.io/creationTimestamp",
  phase: "release.openshift.io/phase",
  hash: "release.openshift.io/hash",
  reason: "release.openshift.io/reason",
  message: "release.openshift.io/message",
  keep: "release.openshift.io/keep",
  hasReleases: "release.openshift.io/hasReleases",
  releaseTag: "release.openshift.io/releaseTag",
  target: "release.openshift.io/target",
  tag: "release.openshift.io/tag",
  fromTag: "release.openshift.io/from-tag",
  /** Ours, on a release tag of a payloadBuild source: the PayloadBuild that builds the release. */
  payloadBuild: "payload.okd.io/payload-build",
} as const;

/** Label: the owning ReleaseStream (hash-shortened to 63 characters). */
export const RELEASE_STREAM_LABEL = "payload.okd.io/release-stream";
/** Label of verification Jobs, as release-controller labels its ProwJobs. */
export const VERIFY_LABEL = "release.openshift.io/verify";
/** Annotation of a Job: the verification (`spec.verify[].name`). */
export const VERIFICATION_ANNOTATION = "payload.okd.io/verification";
/** Annotation of a Job: the verification round of its release. */
export const ROUND_ANNOTATION = "payload.okd.io/verification-round";
/** Annotation of a Job: its attempt (1 + retries). */
export const ATTEMPT_ANNOTATION = "payload.okd.io/attempt";
/**
 * Annotation a person puts on a ReleaseStream to move a Rejected release back to Ready and verify it
 * again: `<release>` or, to retry the same release once more, `<release>@<anything new>`.
 */
export const RETRY_ANNOTATION = "payload.okd.io/retry";
/**
 * Annotation a person (or a CI job) puts on a ReleaseStream with a `payloadBuild` source to start one
 * run now, besides the schedule (what `kubectl create job --from=cronjob/NAME` is to a CronJob): each
 * new value starts one run, recorded in `status.lastRunNow`; the schedule's own runs go on as before.
 */
export const RUN_NOW_ANNOTATION = "payload.okd.io/run-now";

/** The UTC creation stamp of a release name: `YYYY-MM-DD-HHMMSS`. */
export function releaseStamp(at: Date): string {
  const iso = at.toISOString(); // 2026-11-21T08:37:40.123Z
  return `${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** `<prefix>-YYYY-MM-DD-HHMMSS`, e.g. `4.17.0-0.okd-scos-2026-11-21-083740`. */
export function releaseNameOf(prefix: string, at: Date): string {
  return `${prefix}-${releaseStamp(at)}`;
}

/** The stamp part of a release name of `prefix` (the name minus `<prefix>-`). */
export function stampOf(prefix: string, release: string): string {
  return release.startsWith(`${prefix}-`) ? release.slice(prefix.length + 1) : release;
}

/** The target ImageStream of a stream: one tag per release. Named after the stream. */
export function targetImageStreamName(streamName: string): string {
  return streamName;
}

/** The pinned ImageStream of one release: `<stream>-<stamp>` (release-controller's mirror stream). */
export function pinnedImageStreamName(streamName: string, prefix: string, release: string): string {
  return shortenName(`${streamName}-${stampOf(prefix, release)}`.toLowerCase(), 253);
}

/** A verification Job: `<stream>-<stamp>-<verify>[-r<round>]-<attempt>`, at most 63 characters. */
export function verificationJobName(
  streamName: string,
  stamp: string,
  verification: string,
  round: number,
  attempt: number,
): string {
  const suffix = round > 1 ? `-r${round}-${attempt}` : `-${attempt}`;
  return `${shortenName(`${streamName}-${stamp}-${verification}`.toLowerCase(), 63 - suffix.length)}${suffix}`;
}

/** The PayloadBuild of one scheduled run: `<stream>-<stamp>`, at most 63 characters. */
export function payloadBuildNameOf(streamName: string, stamp: string): string {
  return shortenName(`${streamName}-${stamp}`.toLowerCase());
}

/** The controller owner reference of a stream's children. */
export function streamOwnerReference(stream: { name: string; uid: string }): OwnerReference {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: RELEASE_STREAM.kind,
    name: stream.name,
    uid: stream.uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The stream label value of a stream's children. */
export function streamLabelValue(streamName: string): string {
  return shortenName(streamName);
}
