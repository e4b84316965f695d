/**
 * The ReleaseStream kind: "keep cutting releases of this stream", like release-controller's release
 * configs. The controller is `src/release-stream/`.
 */
import { z } from "zod";
import { ObjectMetaSchema, SecretReferenceSchema, listMapByName, objectName, timestamp } from "./common.js";
import { conditionList } from "./condition.js";
import { API_GROUP_VERSION, RELEASE_STREAM } from "./group.js";
import { PayloadBuildSpecSchema, RELEASE_DESTINATION_PATTERN } from "./payload-build.js";
import { parseWith, type ParseResult } from "./problems.js";

/** Template of the PayloadBuild a stream creates for each release. */
export const PayloadBuildTemplateSchema = z
  .strictObject({
    metadata: z
      .strictObject({
        labels: z.record(z.string(), z.string()).optional().describe("Labels of the created PayloadBuild."),
        annotations: z
          .record(z.string(), z.string())
          .optional()
          .describe("Annotations of the created PayloadBuild."),
      })
      .optional()
      .describe("Labels and annotations of the created PayloadBuild."),
    spec: PayloadBuildSpecSchema.describe(
      "Spec of the created PayloadBuild; the stream sets release.name, release.to and release.pushSecret.",
    ),
  })
  .describe("Template of the PayloadBuild created for each release.");

/** What a stream cuts releases from. */
export const ReleaseStreamSourceSchema = z
  .strictObject({
    imageStream: objectName(
      "ImageStream (same namespace) to watch: a release is cut from its tags when they change.",
    ).optional(),
    payloadBuild: PayloadBuildTemplateSchema.optional(),
  })
  .meta({
    "x-kubernetes-validations": [
      {
        rule: "has(self.imageStream) != has(self.payloadBuild)",
        message: "set exactly one of imageStream or payloadBuild",
      },
    ],
  })
  .describe("What releases are cut from: exactly one of imageStream or payloadBuild.");
/** What a stream cuts releases from. */
export type ReleaseStreamSource = z.output<typeof ReleaseStreamSourceSchema>;
/** Template of the PayloadBuild a stream creates for each release. */
export type PayloadBuildTemplate = z.output<typeof PayloadBuildTemplateSchema>;

/** A verification Job run against each new release. */
export const VerifySpecSchema = z
  .strictObject({
    name: objectName("Name of the verification, unique in the stream."),
    optional: z
      .boolean()
      .default(false)
      .describe("A failed optional verification does not reject the release."),
    maxRetries: z
      .int()
      .min(0)
      .max(20)
      .default(0)
      .describe("Times a failed verification Job is retried (backoff 1 minute doubling up to 15 minutes)."),
    jobTemplate: z
      .looseObject({})
      .meta({ "x-kubernetes-preserve-unknown-fields": true })
      .describe(
        "A batch/v1 Job template ({metadata, spec}). Every container gets RELEASE_IMAGE_LATEST (this release's pullspec@digest) and, when the stream has an earlier accepted release, RELEASE_IMAGE_INITIAL (the newest one, for upgrade checks).",
      ),
  })
  .describe("A verification Job run against each new release; all non-optional ones passing accepts it.");
/** A verification of a stream's releases. */
export type VerifySpec = z.output<typeof VerifySpecSchema>;

/** How many releases to keep. */
export const RetentionSpecSchema = z
  .strictObject({
    keepAccepted: z
      .int()
      .min(1)
      .default(10)
      .describe("Newest accepted releases always kept; older accepted ones go after expireAfter."),
    keepFailed: z
      .int()
      .min(0)
      .default(5)
      .describe("Failed releases kept among those newer than the oldest accepted one (older ones go)."),
    keepRejected: z
      .int()
      .min(0)
      .default(5)
      .describe("Rejected releases kept among those newer than the oldest accepted one (older ones go)."),
    expireAfter: z
      .string()
      .regex(/^([0-9]+(\.[0-9]+)?(ns|us|ms|s|m|h))+$/, "must be a duration such as 168h or 30m")
      .optional()
      .describe(
        "Accepted releases beyond keepAccepted are removed once older than this (a duration such as 168h); unset: at once.",
      ),
    deleteImages: z
      .boolean()
      .default(false)
      .describe(
        "Also delete a removed release's image from the registry it was pushed to (the manifest by digest, with the push Secret's credentials when it is spec.to's registry). Off: images in the registry are left alone. A refused delete is reported in an Event and does not hold back the rest of retention.",
      ),
  })
  .describe("Which old releases are pruned.");
/** How many releases to keep. */
export type RetentionSpec = z.output<typeof RetentionSpecSchema>;

/** ReleaseStream spec. */
export const ReleaseStreamSpecSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[0-9A-Za-z][0-9A-Za-z.-]*$/)
      .describe(
        "Release name prefix: releases are named <name>-YYYY-MM-DD-HHMMSS, e.g. 4.17.0-0.okd-scos-2026-11-21-120000.",
      ),
    source: ReleaseStreamSourceSchema,
    schedule: z
      .string()
      .regex(/^\s*\S+(\s+\S+){4}\s*$/, "must be a 5-field cron expression such as 0 3 * * *")
      .optional()
      .describe(
        "Cron schedule (5 fields, in timeZone) of a payloadBuild source: each run creates a PayloadBuild from the template.",
      ),
    timeZone: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_+\-/]+$/, "must be an IANA time zone such as Europe/Berlin or UTC")
      .optional()
      .describe("IANA time zone of schedule (default UTC), as a CronJob's timeZone."),
    baseTag: z
      .string()
      .min(1)
      .max(63)
      .default("cluster-version-operator")
      .describe("Input tag whose image is the release's base (the Cluster Version Operator)."),
    upgradeFromAccepted: z
      .int()
      .min(0)
      .max(20)
      .default(1)
      .describe(
        "How many of the newest accepted releases each new release lists as upgrade sources (release-metadata previous).",
      ),
    minIntervalSeconds: z
      .int()
      .min(0)
      .default(0)
      .describe(
        "Least time between two releases (from the newest one's creation); changes in between are batched into the next one.",
      ),
    maxUnready: z
      .int()
      .min(1)
      .default(1)
      .describe("No new release while this many are Pending or Ready (neither accepted nor terminal)."),
    to: z
      .string()
      .regex(RELEASE_DESTINATION_PATTERN, "must be docker://REGISTRY/REPOSITORY or oci:DIRECTORY")
      .describe("Repository releases are pushed to: docker://quay.io/example/okd-release or oci:DIR."),
    pushSecret: SecretReferenceSchema.optional().describe(
      "Secret of type kubernetes.io/dockerconfigjson with credentials for the destination.",
    ),
    verify: z
      .array(VerifySpecSchema)
      .meta(listMapByName)
      .optional()
      .describe("Verification Jobs run against each release."),
    retention: RetentionSpecSchema.prefault({}),
  })
  .describe("A stream of releases: when and from what to cut them, how to verify and how long to keep them.");
/** ReleaseStream spec, after defaulting. */
export type ReleaseStreamSpec = z.output<typeof ReleaseStreamSpecSchema>;

/** Release phases. */
export const RELEASE_PHASES = ["Pending", "Ready", "Accepted", "Rejected", "Failed"] as const;
/** A release's phase. */
export type ReleasePhase = (typeof RELEASE_PHASES)[number];

/** Verification states. */
export const VERIFICATION_STATES = ["Pending", "Running", "Succeeded", "Failed"] as const;
/** State of one verification of one release. */
export type VerificationState = (typeof VERIFICATION_STATES)[number];

/** Result of one verification of one release. */
export const VerificationStatusSchema = z
  .object({
    name: z.string().describe("Verification name (spec.verify[].name)."),
    state: z.enum(VERIFICATION_STATES).describe("Pending, Running, Succeeded or Failed."),
    optional: z.boolean().optional().describe("True when a failure does not reject the release."),
    attempts: z.int().min(0).optional().describe("Jobs started in this round."),
    job: z.string().optional().describe("Name of the current or last Job."),
    retryAt: timestamp("When the next attempt starts, while waiting to retry.").optional(),
    message: z.string().max(1024).optional().describe("Why the last Job failed."),
  })
  .describe("Result of one verification.");
/** Result of one verification of one release. */
export type VerificationStatus = z.output<typeof VerificationStatusSchema>;

/** One release of a stream. */
export const StreamReleaseSchema = z
  .object({
    name: z.string().describe("Release name."),
    phase: z
      .enum(RELEASE_PHASES)
      .describe(
        "Pending (being built), Ready (image pushed, verifying), Accepted, Rejected (a verification failed) or Failed (could not be built).",
      ),
    image: z.string().optional().describe("Release image pullspec@digest."),
    digest: z.string().optional().describe("Digest of the release image."),
    createdAt: timestamp("When the release was cut.").optional(),
    phaseChangedAt: timestamp("When the release entered its phase.").optional(),
    previous: z
      .array(z.string())
      .optional()
      .describe("Accepted releases this one may upgrade from (release-metadata previous)."),
    round: z
      .int()
      .min(1)
      .optional()
      .describe("Verification round: 1, plus one per retry of a Rejected release."),
    retryToken: z
      .string()
      .optional()
      .describe("The payload.okd.io/retry annotation value that last moved this release back to Ready."),
    assemblyAttempts: z.int().min(0).optional().describe("Failed attempts to assemble and push the release."),
    inputHash: z.string().optional().describe("Hash of the inputs the release was cut from."),
    reason: z.string().optional().describe("CamelCase reason of the phase."),
    message: z.string().max(1024).optional().describe("Details of the phase."),
    payloadBuild: z.string().optional().describe("Name of the PayloadBuild that builds this release."),
    payloadKey: z
      .string()
      .optional()
      .describe(
        "The payload key (every component key) of the PayloadBuild that built this release, when its template sets spec.rebuild: a scheduled run with the same key cuts no release.",
      ),
    verifications: z
      .array(VerificationStatusSchema)
      .meta(listMapByName)
      .optional()
      .describe("Results of spec.verify."),
  })
  .describe("One release of the stream.");
/** One release of a stream. */
export type StreamRelease = z.output<typeof StreamReleaseSchema>;

/** A removed release's image the registry refused to delete, retried with backoff. */
export const ImageDeleteStatusSchema = z
  .object({
    release: z.string().describe("The removed release."),
    image: z.string().describe("Its image, registry/repository@sha256:..."),
    attempts: z.int().min(1).describe("Refused attempts so far."),
    lastAttemptAt: timestamp("When the last attempt was refused.").optional(),
    retryAt: timestamp("When the next attempt is made.").optional(),
    message: z.string().max(1024).optional().describe("The registry's last answer and what to do about it."),
  })
  .describe("An image of a removed release still to be deleted from its registry.");
/** A removed release's image the registry refused to delete. */
export type ImageDeleteStatus = z.output<typeof ImageDeleteStatusSchema>;

/** ReleaseStream status. */
export const ReleaseStreamStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional().describe("The .metadata.generation this status describes."),
    conditions: conditionList().optional(),
    releases: z
      .array(StreamReleaseSchema)
      .meta(listMapByName)
      .optional()
      .describe("Releases of the stream, newest first."),
    latest: z.string().optional().describe("Name of the newest release."),
    latestAccepted: z.string().optional().describe("Name of the newest accepted release."),
    lastScheduleTime: timestamp("The schedule's last run (payloadBuild source).").optional(),
    lastRunNow: z
      .string()
      .max(253)
      .optional()
      .describe(
        "The payload.okd.io/run-now annotation value last acted on (payloadBuild source): a new value starts one run at once.",
      ),
    imageDeletes: z
      .array(ImageDeleteStatusSchema)
      .max(50)
      .optional()
      .describe(
        "Images of removed releases the registry refused to delete (spec.retention.deleteImages), retried with backoff until deleted or deleteImages is turned off.",
      ),
  })
  .describe("Observed state of the ReleaseStream.");
/** ReleaseStream status. */
export type ReleaseStreamStatus = z.output<typeof ReleaseStreamStatusSchema>;

/** A whole ReleaseStream object. */
export const ReleaseStreamSchema = z
  .object({
    apiVersion: z.literal(API_GROUP_VERSION),
    kind: z.literal(RELEASE_STREAM.kind),
    metadata: ObjectMetaSchema,
    spec: ReleaseStreamSpecSchema,
    status: ReleaseStreamStatusSchema.optional(),
  })
  .superRefine((stream, ctx) => {
    const { imageStream, payloadBuild } = stream.spec.source;
    if ((imageStream === undefined) === (payloadBuild === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["spec", "source"],
        message: "set exactly one of imageStream or payloadBuild",
      });
    }
    // The stream tags its releases in the ImageStream named after it: its input must be another one.
    const input = imageStream ?? payloadBuild?.spec.imageStream;
    const name = stream.metadata.name;
    if (input !== undefined && name !== undefined && input === name) {
      ctx.addIssue({
        code: "custom",
        path: [
          "spec",
          "source",
          ...(imageStream === undefined ? ["payloadBuild", "spec"] : []),
          "imageStream",
        ],
        message: `must not be ${name}, the ReleaseStream's own name: its release tags go in the ImageStream of that name, so its input must be another one`,
      });
    }
  })
  .describe(
    "ReleaseStream cuts, verifies and prunes releases of one stream, like release-controller's release configs.",
  );
/** A ReleaseStream, after defaulting. */
export type ReleaseStream = z.output<typeof ReleaseStreamSchema>;
/** A ReleaseStream as written by users. */
export type ReleaseStreamInput = z.input<typeof ReleaseStreamSchema>;

/** Parses an untrusted object as a ReleaseStream, returning the value or every problem with its field path. */
export function parseReleaseStream(input: unknown): ParseResult<ReleaseStream> {
  return parseWith(ReleaseStreamSchema, input);
}
