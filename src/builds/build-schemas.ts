/**
 * Lenient zod schemas of the build objects the backends read back: OpenShift `Build` and
 * `BuildConfig` (`build.openshift.io/v1`) and Shipwright `BuildRun` (`shipwright.io/v1beta1`).
 * Only the fields we read are typed; the rest passes through.
 */
import { z } from "zod";
import { objectMetaSchema } from "../kube/kube-object.js";

/** OpenShift Build phases; the last four are terminal. */
export const BUILD_PHASES = [
  "New",
  "Pending",
  "Running",
  "Complete",
  "Failed",
  "Error",
  "Cancelled",
] as const;

/** `build.openshift.io/v1` Build, as read from the API server. */
export const buildSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: z.looseObject({}).nullish(),
  status: z
    .looseObject({
      phase: z.string().optional(),
      cancelled: z.boolean().optional(),
      reason: z.string().optional(),
      message: z.string().optional(),
      logSnippet: z.string().optional(),
      startTimestamp: z.string().optional(),
      completionTimestamp: z.string().optional(),
      outputDockerImageReference: z.string().optional(),
      output: z
        .looseObject({ to: z.looseObject({ imageDigest: z.string().optional() }).nullish() })
        .nullish(),
    })
    .nullish(),
});
/** A parsed Build. */
export type Build = z.infer<typeof buildSchema>;

/** `build.openshift.io/v1` BuildConfig (only metadata is read back). */
export const buildConfigSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: z.looseObject({}).nullish(),
  status: z.looseObject({ lastVersion: z.number().int().optional() }).nullish(),
});
/** A parsed BuildConfig. */
export type BuildConfig = z.infer<typeof buildConfigSchema>;

/** A Knative-style condition of a BuildRun (`Succeeded`: True / False / Unknown). */
export const buildRunConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});

/** `shipwright.io/v1beta1` BuildRun, as read from the API server. */
export const buildRunSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: z.looseObject({}).nullish(),
  status: z
    .looseObject({
      conditions: z.array(buildRunConditionSchema).nullish(),
      startTime: z.string().optional(),
      completionTime: z.string().optional(),
      taskRunName: z.string().optional(),
      output: z.looseObject({ digest: z.string().optional(), size: z.number().optional() }).nullish(),
      failureDetails: z
        .looseObject({
          reason: z.string().optional(),
          message: z.string().optional(),
          location: z.looseObject({ pod: z.string().optional(), container: z.string().optional() }).nullish(),
        })
        .nullish(),
    })
    .nullish(),
});
/** A parsed BuildRun. */
export type BuildRun = z.infer<typeof buildRunSchema>;
