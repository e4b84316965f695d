/**
 * Narrow, lenient zod schemas of the objects the simulated build system reads (OpenShift Builds,
 * Shipwright BuildRuns, ImageStreams) and their REST descriptors. Unknown fields pass through.
 */
import { z } from "zod";
import { kubeObjectSchema } from "../../kube/kube-object.js";
import { kubeResource, type KubeResource } from "../../kube/resource.js";

/** `corev1.ObjectReference` as builds use it (`DockerImage` pullspec or `ImageStreamTag` `is:tag`). */
export const imageObjectReferenceSchema = z.looseObject({
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
});
/** A parsed image object reference. */
export type ImageObjectReference = z.infer<typeof imageObjectReferenceSchema>;

const nameValueSchema = z.looseObject({ name: z.string(), value: z.string().optional() });

/** `build.openshift.io/v1` Build: the fields the build controller reads and writes. */
export const buildSchema = kubeObjectSchema.extend({
  spec: z
    .looseObject({
      source: z
        .looseObject({
          git: z.looseObject({ uri: z.string().optional(), ref: z.string().optional() }).optional(),
          contextDir: z.string().optional(),
          dockerfile: z.string().optional(),
          images: z
            .array(
              z.looseObject({
                from: imageObjectReferenceSchema.optional(),
                as: z.array(z.string()).nullable().optional(),
                paths: z
                  .array(
                    z.looseObject({
                      sourcePath: z.string().optional(),
                      destinationDir: z.string().optional(),
                    }),
                  )
                  .nullable()
                  .optional(),
              }),
            )
            .nullable()
            .optional(),
        })
        .optional(),
      revision: z
        .looseObject({ git: z.looseObject({ commit: z.string().optional() }).optional() })
        .optional(),
      strategy: z
        .looseObject({
          dockerStrategy: z
            .looseObject({
              from: imageObjectReferenceSchema.optional(),
              dockerfilePath: z.string().optional(),
              env: z.array(nameValueSchema).nullable().optional(),
              buildArgs: z.array(nameValueSchema).nullable().optional(),
            })
            .optional(),
        })
        .optional(),
      output: z
        .looseObject({
          to: imageObjectReferenceSchema.optional(),
          imageLabels: z.array(nameValueSchema).nullable().optional(),
        })
        .optional(),
    })
    .optional(),
  status: z
    .looseObject({
      phase: z.string().optional(),
      cancelled: z.boolean().optional(),
      startTimestamp: z.string().optional(),
      completionTimestamp: z.string().optional(),
    })
    .optional(),
});
/** A parsed Build. */
export type BuildObject = z.infer<typeof buildSchema>;

const paramValueSchema = z.looseObject({
  name: z.string(),
  value: z.string().optional(),
  values: z.array(z.looseObject({ value: z.string().optional() })).optional(),
});

/** `shipwright.io/v1beta1` BuildRun with an embedded build spec: the fields read and written here. */
export const buildRunSchema = kubeObjectSchema.extend({
  spec: z
    .looseObject({
      build: z
        .looseObject({
          name: z.string().optional(),
          spec: z
            .looseObject({
              source: z
                .looseObject({
                  git: z
                    .looseObject({ url: z.string().optional(), revision: z.string().optional() })
                    .optional(),
                  contextDir: z.string().optional(),
                })
                .optional(),
              strategy: z
                .looseObject({ name: z.string().optional(), kind: z.string().optional() })
                .optional(),
              paramValues: z.array(paramValueSchema).optional(),
              env: z.array(nameValueSchema).optional(),
              output: z
                .looseObject({
                  image: z.string().optional(),
                  labels: z.record(z.string(), z.string()).optional(),
                })
                .optional(),
            })
            .optional(),
        })
        .optional(),
      paramValues: z.array(paramValueSchema).optional(),
      env: z.array(nameValueSchema).optional(),
      state: z.string().optional(),
    })
    .optional(),
  status: z
    .looseObject({
      conditions: z
        .array(
          z.looseObject({
            type: z.string(),
            status: z.string(),
            reason: z.string().optional(),
            message: z.string().optional(),
          }),
        )
        .optional(),
      startTime: z.string().optional(),
      completionTime: z.string().optional(),
    })
    .optional(),
});
/** A parsed BuildRun. */
export type BuildRunObject = z.infer<typeof buildRunSchema>;

/** One `TagEvent` of an ImageStream status tag. */
export const tagEventSchema = z.looseObject({
  created: z.string().optional(),
  dockerImageReference: z.string().optional(),
  image: z.string().optional(),
  generation: z.number().int().nullable().optional(),
});
/** A parsed tag event. */
export type TagEvent = z.infer<typeof tagEventSchema>;

/** One `TagEventCondition`. */
export const tagEventConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: z.string().optional(),
  reason: z.string().optional(),
  message: z.string().optional(),
  generation: z.number().int().nullable().optional(),
});
/** A parsed tag event condition. */
export type TagEventCondition = z.infer<typeof tagEventConditionSchema>;

/** One `NamedTagEventList` of `status.tags`. */
export const namedTagEventListSchema = z.looseObject({
  tag: z.string(),
  items: z.array(tagEventSchema).nullable().optional(),
  conditions: z.array(tagEventConditionSchema).nullable().optional(),
});
/** A parsed status tag. */
export type NamedTagEventList = z.infer<typeof namedTagEventListSchema>;

/** One spec tag (`TagReference`). */
export const tagReferenceSchema = z.looseObject({
  name: z.string(),
  from: imageObjectReferenceSchema.nullable().optional(),
  generation: z.number().int().nullable().optional(),
  referencePolicy: z.looseObject({ type: z.string().optional() }).nullable().optional(),
});
/** A parsed spec tag. */
export type TagReference = z.infer<typeof tagReferenceSchema>;

/** `image.openshift.io/v1` ImageStream. */
export const imageStreamSchema = kubeObjectSchema.extend({
  spec: z.looseObject({ tags: z.array(tagReferenceSchema).nullable().optional() }).optional(),
  status: z
    .looseObject({
      dockerImageRepository: z.string().optional(),
      publicDockerImageRepository: z.string().optional(),
      tags: z.array(namedTagEventListSchema).nullable().optional(),
    })
    .optional(),
});
/** A parsed ImageStream. */
export type ImageStreamObject = z.infer<typeof imageStreamSchema>;

/** OpenShift Builds. */
export const BUILDS: KubeResource<BuildObject> = kubeResource(
  { group: "build.openshift.io", version: "v1", kind: "Build", plural: "builds", namespaced: true },
  buildSchema,
);

/** Shipwright BuildRuns. */
export const BUILD_RUNS: KubeResource<BuildRunObject> = kubeResource(
  { group: "shipwright.io", version: "v1beta1", kind: "BuildRun", plural: "buildruns", namespaced: true },
  buildRunSchema,
);

/** ImageStreams. */
export const IMAGE_STREAMS: KubeResource<ImageStreamObject> = kubeResource(
  {
    group: "image.openshift.io",
    version: "v1",
    kind: "ImageStream",
    plural: "imagestreams",
    namespaced: true,
  },
  imageStreamSchema,
);
