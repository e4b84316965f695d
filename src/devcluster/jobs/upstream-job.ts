/**
 * The simulated job runner's own reading of `batch/v1` Job, written from the upstream Go type
 * (k8s.io/api `batch/v1/types.go`: `Job`, `JobSpec`, `JobStatus`, `JobCondition`), never the
 * operator's schema. Unknown fields pass through, so a read-modify-write keeps them.
 */
import { z } from "zod";
import { objectMetaSchema } from "../../kube/kube-object.js";
import { kubeResource, type KubeResource } from "../../kube/resource.js";

const text = z.string().nullish();

/** `JobCondition`. */
export const jobConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  lastProbeTime: text,
  lastTransitionTime: text,
  reason: text,
  message: text,
});
/** A parsed Job condition. */
export type JobCondition = z.infer<typeof jobConditionSchema>;

/** `batch/v1` Job: the spec fields the runner honours and the status it writes. */
export const jobObjectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: z
    .looseObject({
      suspend: z.boolean().nullish(),
      backoffLimit: z.number().int().nullish(),
      completions: z.number().int().nullish(),
      template: z
        .looseObject({
          spec: z
            .looseObject({
              containers: z
                .array(
                  z.looseObject({ name: z.string(), image: text, command: z.array(z.string()).nullish() }),
                )
                .nullish(),
            })
            .nullish(),
        })
        .nullish(),
    })
    .nullish(),
  status: z
    .looseObject({
      conditions: z.array(jobConditionSchema).nullish(),
      startTime: text,
      completionTime: text,
      active: z.number().int().nullish(),
      succeeded: z.number().int().nullish(),
      failed: z.number().int().nullish(),
      ready: z.number().int().nullish(),
    })
    .nullish(),
});
/** A parsed Job. */
export type JobObject = z.infer<typeof jobObjectSchema>;

/** `batch/v1` jobs. */
export const JOB_OBJECTS: KubeResource<JobObject> = kubeResource(
  { group: "batch", version: "v1", kind: "Job", plural: "jobs", namespaced: true },
  jobObjectSchema,
);
