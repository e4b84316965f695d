/**
 * The PayloadBuild kind: "build these components and assemble this release". The zod schemas
 * here are the single source of the TS types, runtime validation and the CRD's openAPIV3Schema.
 */
import { z } from "zod";
import {
  ObjectMetaSchema,
  ResourceRequirementsSchema,
  SecretReferenceSchema,
  componentName,
  listMapByName,
  objectName,
  timestamp,
} from "./common.js";
import { conditionList } from "./condition.js";
import { API_GROUP_VERSION, PAYLOAD_BUILD } from "./group.js";
import {
  boundedString,
  boundedStringMap,
  MAX_COMPONENTS,
  MAX_DEPENDS_ON,
  MAX_LIST_ITEMS,
  MAX_PATH_LENGTH,
  MAX_PREVIOUS_RELEASES,
  MAX_PULLSPEC_LENGTH,
  MAX_REF_LENGTH,
  MAX_RELEASE_NAME_LENGTH,
  MAX_URI_LENGTH,
} from "./limits.js";
import { parseWith, type ParseResult } from "./problems.js";

/** An image reference field: a component name (a dependency) or an external image pullspec. */
const imageOrComponent = (description: string) =>
  boundedString(MAX_PULLSPEC_LENGTH).describe(
    `${description} A component name makes this component depend on it; anything else must be an image pullspec such as quay.io/centos/centos:stream9.`,
  );

/** Files copied out of an input image into the source directory. */
export const InputPathSchema = z
  .strictObject({
    sourcePath: boundedString(MAX_PATH_LENGTH).describe(
      "Absolute path of a file or directory inside the input image.",
    ),
    destinationDir: boundedString(MAX_PATH_LENGTH).describe(
      "Directory where it is copied before the build starts, relative to the repository root (the source directory, before source.contextDir applies), as OpenShift's source.images[].paths[].destinationDir: with contextDir images/cli, a Dockerfile for the build goes to images/cli. Must not start with .. or /.",
    ),
  })
  .describe("A file or directory copied from the input image into the source directory.");
/** Files copied out of an input image into the build context. */
export type InputPath = z.output<typeof InputPathSchema>;

/** An image a build uses besides its base: stage replacements and files copied into the context. */
export const ComponentInputSchema = z
  .strictObject({
    from: imageOrComponent("The input image."),
    as: z
      .array(boundedString(MAX_PULLSPEC_LENGTH))
      .max(MAX_LIST_ITEMS)
      .optional()
      .describe(
        "Image names in the Dockerfile (FROM or COPY --from) that this input replaces, e.g. registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.21-openshift-4.15.",
      ),
    paths: z
      .array(InputPathSchema)
      .max(MAX_LIST_ITEMS)
      .optional()
      .describe("Files copied out of the input image into the build context."),
  })
  .describe(
    "An image this component's build uses: it replaces Dockerfile images (as) and/or provides files (paths).",
  );
/** An input image of a component build. */
export type ComponentInput = z.output<typeof ComponentInputSchema>;

/** Git source of a component. */
export const GitSourceSchema = z
  .strictObject({
    uri: boundedString(MAX_URI_LENGTH).describe(
      "Repository URL, e.g. https://github.com/openshift/cluster-dns-operator.",
    ),
    ref: boundedString(MAX_REF_LENGTH)
      .optional()
      .describe("Branch, tag or commit to build; the default branch when unset."),
    secret: SecretReferenceSchema.optional().describe(
      "Secret of type kubernetes.io/basic-auth (username and password; a token as password) for a private repository: the operator reads its refs over HTTPS with it (spec.rebuild set), and Builds clone with it (OpenShift sourceSecret, Shipwright cloneSecret).",
    ),
  })
  .describe("Git repository holding the component's source.");
/** Git source of a component. */
export type GitSource = z.output<typeof GitSourceSchema>;

/** Where a component's source comes from. */
export const ComponentSourceSchema = z
  .strictObject({
    git: GitSourceSchema.optional(),
    contextDir: boundedString(MAX_PATH_LENGTH)
      .optional()
      .describe("Sub-directory of the repository used as the build context; the repository root when unset."),
  })
  .describe(
    "Source of the build. A component without git is built from the files its inputs copy into the context.",
  );
/** Where a component's source comes from. */
export type ComponentSource = z.output<typeof ComponentSourceSchema>;

/** One image of the payload: built from source, or taken as a prebuilt image. */
export const ComponentSpecSchema = z
  .strictObject({
    name: componentName(
      "Component name; also the ImageStream tag its image lands in and its name in the release.",
    ),
    image: boundedString(MAX_PULLSPEC_LENGTH)
      .optional()
      .describe(
        "A prebuilt image pullspec taken as it is (no build). Pin it by digest for reproducible releases. Excludes source, dockerfile, from, inputs, buildArgs and env.",
      ),
    source: ComponentSourceSchema.optional(),
    dockerfile: boundedString(MAX_PATH_LENGTH)
      .optional()
      .describe("Path of the Dockerfile, relative to the build context; Dockerfile when unset."),
    from: imageOrComponent("Base image of the Dockerfile's final stage (replaces its FROM).").optional(),
    inputs: z
      .array(ComponentInputSchema)
      .max(MAX_LIST_ITEMS)
      .optional()
      .describe(
        "Further images the build uses: Dockerfile stage replacements and files copied into the context.",
      ),
    dependsOn: z
      .array(componentName("Name of a component that must land first."))
      .max(MAX_DEPENDS_ON)
      .optional()
      .describe("Components that must land before this one starts, besides those named by from and inputs."),
    buildArgs: boundedStringMap(
      "Docker build arguments (ARG values), merged over spec.defaults.buildArgs.",
    ).optional(),
    env: boundedStringMap("Environment variables of the build, merged over spec.defaults.env.").optional(),
    resources: ResourceRequirementsSchema.optional().describe(
      "Compute resources of the build pod (requests and limits); replaces spec.defaults.resources as a whole.",
    ),
    skipDefaults: z
      .boolean()
      .default(false)
      .describe("Ignore spec.defaults entirely for this component (e.g. for the builder and base images)."),
    rebuild: z
      .enum(["Always"])
      .optional()
      .describe(
        "Always: build this component even when a build with its component key is recorded (with spec.rebuild IfChanged); its rebuild reason is Forced.",
      ),
    skipDefaultInputs: z
      .array(boundedString(MAX_PULLSPEC_LENGTH))
      .max(MAX_LIST_ITEMS)
      .optional()
      .describe(
        "Ignore these spec.defaults.inputs, named by their from (e.g. [cli] on the cli component's own dependencies). A default input whose from is the component itself is always ignored.",
      ),
  })
  .describe(
    "One image of the payload: built from source (source, dockerfile, from, inputs) or prebuilt (image).",
  );
/** One image of the payload, after defaulting. */
export type ComponentSpec = z.output<typeof ComponentSpecSchema>;

/** Settings applied to every component. */
export const ComponentDefaultsSchema = z
  .strictObject({
    inputs: z
      .array(ComponentInputSchema)
      .max(MAX_LIST_ITEMS)
      .optional()
      .describe(
        "Inputs added to every built component, e.g. replacing the upstream builder images with the builder component.",
      ),
    buildArgs: boundedStringMap(
      "Build arguments of every built component; a component's own value wins.",
    ).optional(),
    env: boundedStringMap(
      "Build environment of every built component; a component's own value wins.",
    ).optional(),
    resources: ResourceRequirementsSchema.optional().describe(
      "Compute resources of every built component's build pod, unless the component sets its own.",
    ),
  })
  .describe(
    "Defaults applied to every built component; a component opts out with skipDefaults or skipDefaultInputs.",
  );
/** Settings applied to every component. */
export type ComponentDefaults = z.output<typeof ComponentDefaultsSchema>;

/** Default name prefix of releases: `X.Y.Z-0.okd-scos-YYYY-MM-DD-HHMMSS` and other semver names. */
export const RELEASE_NAME_PATTERN =
  /^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;

/** Destination of a release: `docker://REGISTRY/REPO[:TAG]` or `oci:DIR[:TAG]`. */
export const RELEASE_DESTINATION_PATTERN = /^(docker:\/\/[^\s]+|oci:[^\s]+)$/;

/** The release image assembled once every component has landed. */
export const ReleaseSpecSchema = z
  .strictObject({
    name: z
      .string()
      .max(128)
      .regex(RELEASE_NAME_PATTERN, "must be a semantic version such as 4.17.0-0.okd-scos-2026-11-21-120000")
      .describe("Release name, a semantic version: 4.17.0-0.okd-scos-2026-11-21-120000."),
    to: z
      .string()
      .max(MAX_PULLSPEC_LENGTH)
      .regex(RELEASE_DESTINATION_PATTERN, "must be docker://REGISTRY/REPOSITORY[:TAG] or oci:DIRECTORY[:TAG]")
      .describe(
        "Where the release image is pushed: docker://quay.io/example/okd-release or oci:/var/lib/releases/okd; the tag defaults to the release name.",
      ),
    pushSecret: SecretReferenceSchema.optional().describe(
      "Secret of type kubernetes.io/dockerconfigjson with credentials for the destination.",
    ),
    baseComponent: componentName(
      "Component whose image is the release image's base (the Cluster Version Operator).",
    ).default("cluster-version-operator"),
    previous: z
      .array(boundedString(MAX_RELEASE_NAME_LENGTH))
      .max(MAX_PREVIOUS_RELEASES)
      .optional()
      .describe("Release names this release can upgrade from (release-metadata previous)."),
    metadata: boundedStringMap(
      "Extra release-metadata metadata, e.g. url: https://github.com/okd-project/okd/releases.",
    ).optional(),
    include: z
      .array(componentName("Component name."))
      .max(MAX_COMPONENTS)
      .optional()
      .describe(
        "Components put into the release's image-references; every component when unset. The base component is always included.",
      ),
    unlessPayloadKey: z
      .string()
      .max(80)
      .optional()
      .describe(
        "With spec.rebuild: when every component is reused and status.payloadKey equals this, no release is assembled and the PayloadBuild ends Ready with reason Unchanged (a ReleaseStream's scheduled run sets it to its last release's payload key).",
      ),
    fromRelease: boundedString(MAX_PULLSPEC_LENGTH)
      .optional()
      .describe(
        "Amend an existing release (a pullspec): its images are taken as prebuilt components unless spec.components lists them.",
      ),
  })
  .describe("The release image assembled once every component has landed.");
/** The release image to assemble. */
export type ReleaseSpec = z.output<typeof ReleaseSpecSchema>;

/** Failure policies. */
export const FAILURE_POLICIES = ["ContinueIndependent", "FailFast"] as const;
/** Build backends. */
export const BUILD_BACKENDS = ["openshift", "shipwright", "prebuilt"] as const;
/** Build backend name. */
export type BuildBackend = (typeof BUILD_BACKENDS)[number];

/** `spec.rebuild` policies. */
export const REBUILD_POLICIES = ["IfChanged", "Always"] as const;

/** CPU architectures OKD ships, as Kubernetes names them (`kubernetes.io/arch`, OCI `platform.architecture`). */
export const ARCHITECTURES = ["amd64", "arm64", "ppc64le", "s390x"] as const;
/** A CPU architecture of the payload. */
export type Architecture = (typeof ARCHITECTURES)[number];

/** PayloadBuild spec. */
export const PayloadBuildSpecSchema = z
  .strictObject({
    imageStream: objectName("ImageStream, in the same namespace, whose tags receive the component images."),
    components: z
      .array(ComponentSpecSchema)
      .min(1)
      .max(
        MAX_COMPONENTS,
        `must have at most ${MAX_COMPONENTS} components (the status of more would pass the API server's object size limit); split the payload into several PayloadBuilds`,
      )
      .meta(listMapByName)
      .describe(
        "The payload's images. Names must be unique; dependencies come from from, inputs and dependsOn.",
      ),
    defaults: ComponentDefaultsSchema.optional(),
    concurrency: z
      .int()
      .min(1)
      .max(1000)
      .default(8)
      .describe("Most component builds running at the same time."),
    retry: z
      .strictObject({
        maxAttempts: z
          .int()
          .min(1)
          .max(100)
          .default(2)
          .describe("Builds tried per component before it fails."),
      })
      .prefault({})
      .describe("Retries of failed component builds."),
    failurePolicy: z
      .enum(FAILURE_POLICIES)
      .default("ContinueIndependent")
      .describe(
        "ContinueIndependent: components not depending on a failed one keep building. FailFast: stop starting builds after the first failure.",
      ),
    backend: z
      .enum(BUILD_BACKENDS)
      .default("openshift")
      .describe(
        "How components are built: openshift (Builds), shipwright (BuildRuns) or prebuilt (no builds; every component needs image).",
      ),
    architectures: z
      .array(z.enum(ARCHITECTURES))
      .min(1)
      .max(ARCHITECTURES.length)
      .meta({ "x-kubernetes-list-type": "set" })
      .optional()
      .describe(
        "CPU architectures to build for (kubernetes.io/arch names). Unset: the build cluster's default, which is amd64 for OKD. When set, each build runs with the nodeSelector kubernetes.io/arch of its architecture; with more than one, each built component is built once per architecture (<component>-<arch>) and its tag points at an image index of them, and the release is multi-arch when the base component is.",
      ),
    rebuild: z
      .enum(REBUILD_POLICIES)
      .optional()
      .describe(
        "IfChanged: compute every component's key (git URL and the commit its ref resolves to, Dockerfile, args, env, backend, architectures, external images by digest, the keys of the components it builds from) before building, reuse by digest each component whose key has a recorded successful build (state Reused) and build the others, with their reason (NewCommit, InputChanged: <input>, SpecChanged, NoPreviousBuild). Always: the same, but every component is built (reason Forced). Unset: no keys; every component is built, nothing is recorded.",
      ),
    release: ReleaseSpecSchema.optional(),
  })
  .describe("What to build and which release to assemble.");
/** PayloadBuild spec, after defaulting. */
export type PayloadBuildSpec = z.output<typeof PayloadBuildSpecSchema>;
/** PayloadBuild spec as written by users (defaults not applied). */
export type PayloadBuildSpecInput = z.input<typeof PayloadBuildSpecSchema>;

/** Component states. */
export const COMPONENT_STATES = ["Waiting", "Building", "Landed", "Reused", "Failed", "Blocked"] as const;
/** A component's state: Waiting | Building | Landed | Reused | Failed | Blocked. */
export type ComponentState = (typeof COMPONENT_STATES)[number];

/** Longest `status.components[].message` the schema accepts. */
export const COMPONENT_MESSAGE_MAX_LENGTH = 1024;

/** Compact per-component status; kept small so 2,000 components fit well under 1 MiB. */
export const ComponentStatusSchema = z
  .object({
    name: componentName("Component name."),
    state: z
      .enum(COMPONENT_STATES)
      .describe(
        "Waiting (dependencies not landed), Building, Landed (image in the ImageStream), Reused (a build with the same component key was recorded; its image is taken by digest, see reusedFrom), Failed (attempts exhausted), Blocked (a dependency failed).",
      ),
    key: z
      .string()
      .max(80)
      .optional()
      .describe("Component key (spec.rebuild set): sha256 over everything that determines the image."),
    commit: z
      .string()
      .max(80)
      .optional()
      .describe("The commit the component's git ref resolved to (spec.rebuild set)."),
    rebuildReason: z
      .string()
      .max(512)
      .optional()
      .describe(
        "Why the component is built (spec.rebuild set): NewCommit, InputChanged: <component or image>, SpecChanged, NoPreviousBuild or Forced.",
      ),
    reusedFrom: z
      .string()
      .max(512)
      .optional()
      .describe("For a Reused component: the PayloadBuild (namespace/name) that built the image."),
    attempts: z.int().min(0).optional().describe("Builds started for this component."),
    build: z.string().optional().describe("Name of the current or last Build (or BuildRun)."),
    image: z.string().optional().describe("Landed image as pullspec@digest."),
    inputHash: z
      .string()
      .optional()
      .describe(
        "Hash of every build input (source revision, input images, args); a change triggers a rebuild.",
      ),
    startedAt: timestamp("When the current or last build started.").optional(),
    completedAt: timestamp("When the component landed or failed.").optional(),
    message: z
      .string()
      .max(COMPONENT_MESSAGE_MAX_LENGTH)
      .optional()
      .describe("Why the component failed or is blocked."),
  })
  .describe("Progress of one component.");
/** Progress of one component. */
export type ComponentStatus = z.output<typeof ComponentStatusSchema>;

const count = (description: string) => z.int().min(0).describe(description);

/** Number of components in each state. */
export const ComponentCountsSchema = z
  .object({
    total: count("Components in the payload."),
    waiting: count("Components waiting for dependencies or a free slot."),
    building: count("Components building now."),
    landed: count("Components whose image has landed."),
    failed: count("Components that failed."),
    blocked: count("Components blocked by a failed dependency."),
  })
  .describe("Number of components in each state.");
/** Number of components in each state. */
export type ComponentCounts = z.output<typeof ComponentCountsSchema>;

/** Summary of the build plan. */
export const PlanStatusSchema = z
  .object({
    levels: z.int().min(0).describe("Number of dependency levels."),
    criticalPath: z.array(z.string()).describe("Longest chain of dependent components, first to last."),
    criticalPathSeconds: z.int().min(0).optional().describe("Estimated duration of the critical path."),
    lowerBoundSeconds: z
      .int()
      .min(0)
      .optional()
      .describe("Lower bound of the time to build everything at spec.concurrency."),
  })
  .describe("Summary of the build plan.");
/** Summary of the build plan. */
export type PlanStatus = z.output<typeof PlanStatusSchema>;

/** The assembled release. */
export const ReleaseStatusSchema = z
  .object({
    name: z.string().describe("Release name."),
    image: z.string().optional().describe("Release image pullspec@digest."),
    digest: z.string().optional().describe("Release image manifest digest."),
    pushedAt: timestamp("When the release image was pushed.").optional(),
  })
  .describe("The assembled release.");
/** The assembled release. */
export type ReleaseStatus = z.output<typeof ReleaseStatusSchema>;

/** PayloadBuild phases (the printer column summary). */
export const PAYLOAD_BUILD_PHASES = [
  "Pending",
  "Building",
  "Assembling",
  "Succeeded",
  "Failed",
  "Invalid",
] as const;
/** PayloadBuild phase. */
export type PayloadBuildPhase = (typeof PAYLOAD_BUILD_PHASES)[number];

/** PayloadBuild status. Written only by the operator, through the status subresource. */
export const PayloadBuildStatusSchema = z
  .object({
    observedGeneration: z.int().min(0).optional().describe("The .metadata.generation this status describes."),
    conditions: conditionList().optional(),
    phase: z
      .enum(PAYLOAD_BUILD_PHASES)
      .optional()
      .describe(
        "Summary: Pending, Building, Assembling, Succeeded, Failed or Invalid (the spec is invalid).",
      ),
    startedAt: timestamp("When the first component build started.").optional(),
    completedAt: timestamp("When the build succeeded or failed.").optional(),
    components: z
      .array(ComponentStatusSchema)
      .meta(listMapByName)
      .optional()
      .describe("Progress of each component."),
    counts: ComponentCountsSchema.optional(),
    plan: PlanStatusSchema.optional(),
    release: ReleaseStatusSchema.optional(),
    resolvedImages: z
      .array(
        z.object({
          image: z.string().describe("The external image as the spec names it."),
          digest: z.string().describe("The manifest digest it resolved to when the keys were computed."),
        }),
      )
      .optional()
      .describe("External images resolved to digests once for this generation (spec.rebuild set)."),
    payloadKey: z
      .string()
      .optional()
      .describe("sha256 over every component key (spec.rebuild set): equal payload keys, equal inputs."),
  })
  .describe("Observed state of the PayloadBuild.");
/** PayloadBuild status. */
export type PayloadBuildStatus = z.output<typeof PayloadBuildStatusSchema>;

/** A whole PayloadBuild object. */
export const PayloadBuildSchema = z
  .object({
    apiVersion: z.literal(API_GROUP_VERSION),
    kind: z.literal(PAYLOAD_BUILD.kind),
    metadata: ObjectMetaSchema,
    spec: PayloadBuildSpecSchema,
    status: PayloadBuildStatusSchema.optional(),
  })
  .describe(
    "PayloadBuild builds the components of an OKD release payload in dependency order and assembles the release image.",
  );
/** A PayloadBuild, after defaulting. */
export type PayloadBuild = z.output<typeof PayloadBuildSchema>;
/** A PayloadBuild as written by users (defaults not applied). */
export type PayloadBuildInput = z.input<typeof PayloadBuildSchema>;

/**
 * Parses an untrusted object as a PayloadBuild, applying the schema defaults. Returns the typed
 * value, or every schema problem with its field path (`spec.components[3].name`). Graph-level
 * checks (references, cycles) are `validatePayloadBuild`'s job in `src/payload-build`.
 */
export function parsePayloadBuild(input: unknown): ParseResult<PayloadBuild> {
  return parseWith(PayloadBuildSchema, input);
}

/**
 * Shortens a status message to at most `max` characters (ending in `…` when cut), so that status
 * writes never fail the schema's maxLength and 2,000 components stay well under 1 MiB.
 */
export function truncateStatusMessage(message: string, max = COMPONENT_MESSAGE_MAX_LENGTH): string {
  return message.length <= max ? message : `${message.slice(0, max - 1)}…`;
}
