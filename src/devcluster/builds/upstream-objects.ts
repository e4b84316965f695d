/**
 * The simulated build system's own reading of the three kinds it serves, written from the upstream
 * Go types rather than from the operator's schemas: OpenShift `build.openshift.io/v1` Build
 * (openshift/api `build/v1/types.go`), Shipwright `shipwright.io/v1beta1` BuildRun
 * (shipwright-io/build `pkg/apis/build/v1beta1/buildrun_types.go`, `build_types.go`) and OpenShift
 * `image.openshift.io/v1` ImageStream (openshift/api `image/v1/types.go`).
 *
 * Every field the simulator reads or writes is typed; unknown fields pass through, so a
 * read-modify-write keeps them. Go serializes nil slices of fields without `omitempty` (for example
 * `TagEventList.items`, `ImageSource.as`) as `null`, so lists and objects accept `null` as absent.
 */
import { z } from "zod";
import { objectMetaSchema } from "../../kube/kube-object.js";
import { kubeResource, type KubeResource } from "../../kube/resource.js";

const text = z.string().nullish();
const list = <T extends z.ZodType>(item: T) => z.array(item).nullish();

/** `core/v1 ObjectReference` as builds and spec tags use it: a kind, a name and maybe a namespace. */
export const objectReferenceSchema = z.looseObject({ kind: text, name: text, namespace: text });
/** A parsed object reference. */
export type ObjectReference = z.infer<typeof objectReferenceSchema>;

/** `core/v1 EnvVar` and OpenShift's `ImageLabel`: a name and a literal value (`valueFrom` is not read). */
const nameValueSchema = z.looseObject({ name: z.string(), value: text });
/** A parsed name/value pair. */
export type NameValue = z.infer<typeof nameValueSchema>;

const objectShape = {
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
};

// ---- build.openshift.io/v1 Build -------------------------------------------------------------

/** Every `BuildPhase` value; the last four are terminal. */
export const BUILD_PHASES = [
  "New",
  "Pending",
  "Running",
  "Complete",
  "Failed",
  "Error",
  "Cancelled",
] as const;
/** One `BuildPhase`. */
export type BuildPhase = (typeof BUILD_PHASES)[number];

/** `BuildSpec` (its inline `CommonSpec`): source, revision, Docker strategy and output. */
const buildSpecSchema = z.looseObject({
  serviceAccount: text,
  /** `CommonSpec.nodeSelector`: the build pod's node selector (`kubernetes.io/arch` picks the CPU). */
  nodeSelector: z.record(z.string(), z.string()).nullish(),
  source: z
    .looseObject({
      type: text,
      git: z.looseObject({ uri: text, ref: text }).nullish(),
      dockerfile: text,
      contextDir: text,
      images: list(
        z.looseObject({
          from: objectReferenceSchema.nullish(),
          as: list(z.string()),
          paths: list(z.looseObject({ sourcePath: text, destinationDir: text })),
        }),
      ),
    })
    .nullish(),
  revision: z.looseObject({ type: text, git: z.looseObject({ commit: text }).nullish() }).nullish(),
  strategy: z
    .looseObject({
      type: text,
      dockerStrategy: z
        .looseObject({
          from: objectReferenceSchema.nullish(),
          env: list(nameValueSchema),
          dockerfilePath: text,
          buildArgs: list(nameValueSchema),
          noCache: z.boolean().nullish(),
          forcePull: z.boolean().nullish(),
        })
        .nullish(),
    })
    .nullish(),
  output: z
    .looseObject({ to: objectReferenceSchema.nullish(), imageLabels: list(nameValueSchema) })
    .nullish(),
});

/**
 * `BuildStatus`. `duration` is a Go `time.Duration`: nanoseconds. `output.to.imageDigest` is the
 * digest the builder pushed; `outputDockerImageReference` is `spec.output.to` resolved to a pullspec.
 */
const buildStatusSchema = z.looseObject({
  phase: text,
  cancelled: z.boolean().nullish(),
  reason: text,
  message: text,
  startTimestamp: text,
  completionTimestamp: text,
  duration: z.number().nullish(),
  outputDockerImageReference: text,
  output: z.looseObject({ to: z.looseObject({ imageDigest: text }).nullish() }).nullish(),
  logSnippet: text,
});

/** `build.openshift.io/v1` Build. */
export const buildSchema = z.looseObject({
  ...objectShape,
  spec: buildSpecSchema.nullish(),
  status: buildStatusSchema.nullish(),
});
/** A parsed Build. */
export type BuildObject = z.infer<typeof buildSchema>;

// ---- shipwright.io/v1beta1 BuildRun ----------------------------------------------------------

/** `SingleValue`: a literal value (config map and secret values are not read). */
const singleValueSchema = z.looseObject({ value: text });

/**
 * `ParamValue`: a name and either one value (inline `SingleValue`: `value`, `configMapValue` or
 * `secretValue`) or `values`.
 */
const paramValueSchema = z.looseObject({
  name: z.string(),
  value: text,
  configMapValue: z.looseObject({}).nullish(),
  secretValue: z.looseObject({}).nullish(),
  values: list(singleValueSchema),
});
/** A parsed parameter value. */
export type ParamValue = z.infer<typeof paramValueSchema>;

/** `Image`: where a build pushes, with the labels and annotations to set on the image. */
const shipwrightImageSchema = z.looseObject({
  image: text,
  insecure: z.boolean().nullish(),
  pushSecret: text,
  labels: z.record(z.string(), z.string()).nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
});

/** Shipwright `BuildSpec`: source, strategy, parameters, environment and output. */
export const shipwrightBuildSpecSchema = z.looseObject({
  source: z
    .looseObject({
      type: text,
      git: z.looseObject({ url: text, revision: text, cloneSecret: text }).nullish(),
      contextDir: text,
    })
    .nullish(),
  strategy: z
    .looseObject({
      name: text,
      kind: text,
      stepResources: list(z.looseObject({ name: z.string(), resources: z.looseObject({}).nullish() })),
    })
    .nullish(),
  paramValues: list(paramValueSchema),
  output: shipwrightImageSchema.nullish(),
  env: list(nameValueSchema),
  timeout: text,
  /** `BuildSpec.nodeSelector` (Shipwright v0.13+). */
  nodeSelector: z.record(z.string(), z.string()).nullish(),
});
/** A parsed Shipwright build spec. */
export type ShipwrightBuildSpec = z.infer<typeof shipwrightBuildSpecSchema>;

/** The `Succeeded` condition and its kin (`Condition`). */
const buildRunConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: text,
  reason: text,
  message: text,
});

/**
 * `BuildRunSpec`: a referenced (`build.name`) or embedded (`build.spec`) build; the BuildRun's own
 * `paramValues`, `env` and `output` take precedence over the build's; `state: BuildRunCanceled`
 * asks for cancellation.
 */
const buildRunSpecSchema = z.looseObject({
  build: z.looseObject({ name: text, spec: shipwrightBuildSpecSchema.nullish() }).nullish(),
  serviceAccount: text,
  /** `BuildRunSpec.nodeSelector` (Shipwright v0.13+); it overrides the build's. */
  nodeSelector: z.record(z.string(), z.string()).nullish(),
  timeout: text,
  paramValues: list(paramValueSchema),
  output: shipwrightImageSchema.nullish(),
  state: text,
  env: list(nameValueSchema),
});

/** `BuildRunStatus`: conditions, times, the output digest, the build spec used and failure details. */
const buildRunStatusSchema = z.looseObject({
  conditions: list(buildRunConditionSchema),
  taskRunName: text,
  startTime: text,
  completionTime: text,
  output: z.looseObject({ digest: text, size: z.number().nullish() }).nullish(),
  buildSpec: z.looseObject({}).nullish(),
  failureDetails: z
    .looseObject({
      reason: text,
      message: text,
      location: z.looseObject({ pod: text, container: text }).nullish(),
    })
    .nullish(),
});

/** `shipwright.io/v1beta1` BuildRun. */
export const buildRunSchema = z.looseObject({
  ...objectShape,
  spec: buildRunSpecSchema.nullish(),
  status: buildRunStatusSchema.nullish(),
});
/** A parsed BuildRun. */
export type BuildRunObject = z.infer<typeof buildRunSchema>;

// ---- image.openshift.io/v1 ImageStream -------------------------------------------------------

/**
 * `TagReference`: one spec tag. `generation` is the stream generation at which the tag's intent last
 * changed (the API server stamps it); an import records it on the status item it makes.
 */
const tagReferenceSchema = z.looseObject({
  name: z.string(),
  annotations: z.record(z.string(), z.string()).nullish(),
  from: objectReferenceSchema.nullish(),
  reference: z.boolean().nullish(),
  generation: z.number().int().nullish(),
  importPolicy: z
    .looseObject({ insecure: z.boolean().nullish(), scheduled: z.boolean().nullish() })
    .nullish(),
  referencePolicy: z.looseObject({ type: text }).nullish(),
});
/** A parsed spec tag. */
export type TagReference = z.infer<typeof tagReferenceSchema>;

/** `TagEvent`: one image a tag pointed at; a status tag's `items` are newest first. */
const tagEventSchema = z.looseObject({
  created: text,
  dockerImageReference: text,
  image: text,
  generation: z.number().int().nullish(),
});
/** A parsed tag event. */
export type TagEvent = z.infer<typeof tagEventSchema>;

/** `TagEventCondition`: only `ImportSuccess` exists; `False` records a failed import at `generation`. */
const tagEventConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  lastTransitionTime: text,
  reason: text,
  message: text,
  generation: z.number().int().nullish(),
});
/** A parsed tag event condition. */
export type TagEventCondition = z.infer<typeof tagEventConditionSchema>;

/** `NamedTagEventList`: a status tag. */
const namedTagEventListSchema = z.looseObject({
  tag: z.string(),
  items: list(tagEventSchema),
  conditions: list(tagEventConditionSchema),
});
/** A parsed status tag. */
export type NamedTagEventList = z.infer<typeof namedTagEventListSchema>;

/** `image.openshift.io/v1` ImageStream. */
export const imageStreamSchema = z.looseObject({
  ...objectShape,
  spec: z
    .looseObject({
      lookupPolicy: z.looseObject({ local: z.boolean().nullish() }).nullish(),
      dockerImageRepository: text,
      tags: list(tagReferenceSchema),
    })
    .nullish(),
  status: z
    .looseObject({
      dockerImageRepository: text,
      publicDockerImageRepository: text,
      tags: list(namedTagEventListSchema),
    })
    .nullish(),
});
/** A parsed ImageStream. */
export type ImageStreamObject = z.infer<typeof imageStreamSchema>;
/** An ImageStream's status. */
export type ImageStreamStatus = NonNullable<ImageStreamObject["status"]>;

// ---- REST descriptors ------------------------------------------------------------------------

/** OpenShift Builds (`/apis/build.openshift.io/v1/namespaces/NS/builds`). */
export const BUILDS: KubeResource<BuildObject> = kubeResource(
  { group: "build.openshift.io", version: "v1", kind: "Build", plural: "builds", namespaced: true },
  buildSchema,
);

/** Shipwright BuildRuns (`/apis/shipwright.io/v1beta1/namespaces/NS/buildruns`). */
export const BUILD_RUNS: KubeResource<BuildRunObject> = kubeResource(
  { group: "shipwright.io", version: "v1beta1", kind: "BuildRun", plural: "buildruns", namespaced: true },
  buildRunSchema,
);

/** OpenShift ImageStreams (`/apis/image.openshift.io/v1/namespaces/NS/imagestreams`). */
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

// ---- build.openshift.io/v1 BuildConfig (only what history pruning reads) ---------------------

/**
 * `BuildConfig`: the simulator reads only the build history limits. openshift-apiserver sets both
 * to 5 when a BuildConfig is created through the `build.openshift.io` group and they are unset
 * (`DefaultSuccessfulBuildsHistoryLimit`, `DefaultFailedBuildsHistoryLimit`).
 */
export const buildConfigSchema = z.looseObject({
  ...objectShape,
  spec: z
    .looseObject({
      successfulBuildsHistoryLimit: z.number().int().nullish(),
      failedBuildsHistoryLimit: z.number().int().nullish(),
    })
    .nullish(),
});
/** A parsed BuildConfig. */
export type BuildConfigObject = z.infer<typeof buildConfigSchema>;

/** OpenShift BuildConfigs (`/apis/build.openshift.io/v1/namespaces/NS/buildconfigs`). */
export const BUILD_CONFIGS: KubeResource<BuildConfigObject> = kubeResource(
  {
    group: "build.openshift.io",
    version: "v1",
    kind: "BuildConfig",
    plural: "buildconfigs",
    namespaced: true,
  },
  buildConfigSchema,
);

// ---- shipwright.io/v1beta1 BuildStrategy / ClusterBuildStrategy --------------------------------

/** `Parameter`: a strategy parameter; `type` is `string` (default) or `array`. */
const strategyParameterSchema = z.looseObject({
  name: z.string(),
  type: text,
  default: text,
  defaults: list(z.string()),
});
/** A parsed strategy parameter. */
export type StrategyParameter = z.infer<typeof strategyParameterSchema>;

/** `BuildStrategy` and `ClusterBuildStrategy` (same spec): the declared parameters and the steps. */
export const buildStrategySchema = z.looseObject({
  ...objectShape,
  spec: z
    .looseObject({
      parameters: list(strategyParameterSchema),
      steps: list(z.looseObject({ name: z.string() })),
    })
    .nullish(),
});
/** A parsed build strategy. */
export type BuildStrategyObject = z.infer<typeof buildStrategySchema>;

/** Shipwright ClusterBuildStrategies (`/apis/shipwright.io/v1beta1/clusterbuildstrategies`). */
export const CLUSTER_BUILD_STRATEGIES: KubeResource<BuildStrategyObject> = kubeResource(
  {
    group: "shipwright.io",
    version: "v1beta1",
    kind: "ClusterBuildStrategy",
    plural: "clusterbuildstrategies",
    namespaced: false,
  },
  buildStrategySchema,
);

/** Shipwright BuildStrategies (`/apis/shipwright.io/v1beta1/namespaces/NS/buildstrategies`). */
export const BUILD_STRATEGIES: KubeResource<BuildStrategyObject> = kubeResource(
  {
    group: "shipwright.io",
    version: "v1beta1",
    kind: "BuildStrategy",
    plural: "buildstrategies",
    namespaced: true,
  },
  buildStrategySchema,
);
