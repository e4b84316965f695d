/**
 * Narrow, lenient zod schemas of the build objects the simulated build system reads (OpenShift Builds,
 * Shipwright BuildRuns) and their REST descriptors. Unknown fields pass through. ImageStreams are read
 * with the operator's own schema and descriptor (`src/builds/image-stream-schema.ts`, `IMAGE_STREAMS`
 * of `src/builds/build-resources.ts`): the same document, so one schema serves both.
 */
import { z } from "zod";
import {
  BUILD_RUNS as OPERATOR_BUILD_RUNS,
  BUILDS as OPERATOR_BUILDS,
} from "../../builds/build-resources.js";
import { objectReferenceSchema } from "../../builds/image-stream-schema.js";
import { kubeObjectSchema } from "../../kube/kube-object.js";
import { kubeResource, type KubeResource } from "../../kube/resource.js";

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
                from: objectReferenceSchema.optional(),
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
              from: objectReferenceSchema.optional(),
              dockerfilePath: z.string().optional(),
              env: z.array(nameValueSchema).nullable().optional(),
              buildArgs: z.array(nameValueSchema).nullable().optional(),
            })
            .optional(),
        })
        .optional(),
      output: z
        .looseObject({
          to: objectReferenceSchema.optional(),
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

/** OpenShift Builds: the operator's REST descriptor, read with the wider schema above. */
export const BUILDS: KubeResource<BuildObject> = kubeResource(OPERATOR_BUILDS, buildSchema);

/** Shipwright BuildRuns: the operator's REST descriptor, read with the wider schema above. */
export const BUILD_RUNS: KubeResource<BuildRunObject> = kubeResource(OPERATOR_BUILD_RUNS, buildRunSchema);
