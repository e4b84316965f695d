/**
 * The `shipwright` backend: one `shipwright.io/v1beta1` BuildRun per attempt with an embedded
 * build spec, pushing to `<ImageStream status.dockerImageRepository>:<component>`. Shipwright does
 * not tag ImageStreams, so the landed image is the BuildRun's output `repo@digest`, written as a
 * spec tag (`desiredTags`) and confirmed by the landed test.
 */
import type { KubeObject } from "../kube/kube-object.js";
import { builtImageLanded, findAttemptObject, inputHashOf, parseObserved } from "./attempt-observation.js";
import {
  BuildBackendError,
  OKD_PAYLOAD_STRATEGY,
  OKD_PAYLOAD_STRATEGY_FILE,
  type AttemptObservationInput,
  type AttemptState,
  type BuildBackend,
  type BuildBackendSettings,
  type BuildRequest,
} from "./build-backend.js";
import { resolveBuildImages, sortedNameValues } from "./build-images.js";
import { BUILD_RUNS } from "./build-resources.js";
import { buildRunSchema } from "./build-schemas.js";
import {
  ARCHITECTURE_NODE_LABEL,
  INPUT_HASH_ANNOTATION,
  INPUT_HASH_IMAGE_LABEL,
  attemptObjectName,
  childLabels,
  payloadIdentity,
  payloadOwnerReference,
} from "./child-objects.js";
import { desiredImageStreamTags, repositoryOf } from "./image-stream-tags.js";

/** The build strategy used when the settings name none. */
export const DEFAULT_SHIPWRIGHT_STRATEGY = OKD_PAYLOAD_STRATEGY;

/** The strategy step a component's `resources` apply to, unless the settings name another. */
export const DEFAULT_SHIPWRIGHT_BUILD_STEP = "build-and-push";

/**
 * Strategy parameters the BuildRun sets, each only for components that use it, with OpenShift's
 * Docker-strategy meaning (our strategy, `deploy/shipwright/okd-payload-buildah.yaml`, declares and
 * implements them all). `dockerfile` and `build-args` (`KEY=VALUE` values) are also the stock
 * buildah strategies'. `from` replaces the image of the Dockerfile's last FROM
 * (`dockerStrategy.from`); `inputs` lists the input images; `input-as` (`<Dockerfile image>=<pullspec>`
 * values) replaces FROM and COPY --from images (`source.images[].as`); `input-paths`
 * (`<pullspec>|<sourcePath>|<destinationDir>` values) copies files out of an input before the build,
 * `destinationDir` relative to the repository root (`source.images[].paths`); `env` (`KEY=VALUE`
 * values) becomes an ENV after every FROM (`dockerStrategy.env`), so RUN steps and the image see
 * it on both backends.
 */
export const SHIPWRIGHT_PARAMS = {
  dockerfile: "dockerfile",
  buildArgs: "build-args",
  from: "from",
  inputs: "inputs",
  inputAs: "input-as",
  inputPaths: "input-paths",
  env: "env",
} as const;

/** Shipwright's reasons for a BuildRun whose strategy does not fit what the operator sends. */
const STRATEGY_MISMATCH_REASONS = new Set([
  "UndefinedParameter",
  "ClusterBuildStrategyNotFound",
  "BuildStrategyNotFound",
]);

/** Creates the `shipwright` backend. */
export function createShipwrightBackend(settings: BuildBackendSettings = {}): BuildBackend {
  const strategy = settings.shipwrightStrategy ?? DEFAULT_SHIPWRIGHT_STRATEGY;
  return {
    name: "shipwright",
    childResources: [BUILD_RUNS],
    identity: { backend: "shipwright", strategy: { kind: strategy.kind, name: strategy.name } },
    desiredObjects: (request) => [buildRunFor(request, settings)],
    observeAttempt: observeBuildRun,
    desiredTags: (component, state) =>
      state.phase === "Succeeded" && state.outputPullspec !== undefined
        ? desiredImageStreamTags([
            {
              tag: component.name,
              pullspec: state.outputPullspec,
              annotations: component.tagAnnotations,
              withoutAnnotations: component.tagAnnotationsRemoved,
            },
          ])
        : [],
  };
}

/** The strategy parameters of a request (see {@link SHIPWRIGHT_PARAMS}). */
function paramValues(request: BuildRequest): Record<string, unknown>[] {
  const images = resolveBuildImages(request);
  const { component } = request;
  const params: Record<string, unknown>[] = [];
  if (component.spec.dockerfile !== undefined) {
    params.push({ name: SHIPWRIGHT_PARAMS.dockerfile, value: component.spec.dockerfile });
  }
  const buildArgs = sortedNameValues(component.buildArgs);
  if (buildArgs.length > 0) {
    params.push({
      name: SHIPWRIGHT_PARAMS.buildArgs,
      values: buildArgs.map(({ name, value }) => ({ value: `${name}=${value}` })),
    });
  }
  if (images.from !== undefined) params.push({ name: SHIPWRIGHT_PARAMS.from, value: images.from });
  const values = (list: readonly string[]) => list.map((value) => ({ value }));
  if (images.inputs.length > 0) {
    params.push({ name: SHIPWRIGHT_PARAMS.inputs, values: values(images.inputs.map((i) => i.image)) });
  }
  const replacements = images.inputs.flatMap((i) => i.as.map((name) => `${name}=${i.image}`));
  if (replacements.length > 0) params.push({ name: SHIPWRIGHT_PARAMS.inputAs, values: values(replacements) });
  const paths = images.inputs.flatMap((i) =>
    i.paths.map((p) => `${i.image}|${p.sourcePath}|${p.destinationDir}`),
  );
  if (paths.length > 0) params.push({ name: SHIPWRIGHT_PARAMS.inputPaths, values: values(paths) });
  const env = sortedNameValues(component.env).map(({ name, value }) => `${name}=${value}`);
  if (env.length > 0) params.push({ name: SHIPWRIGHT_PARAMS.env, values: values(env) });
  return params;
}

function buildRunFor(request: BuildRequest, settings: BuildBackendSettings): KubeObject {
  const { name: payloadName, namespace } = payloadIdentity(request.payloadBuild);
  const { component, attempt, inputHash } = request;
  const repository = request.imageStreamRepository;
  if (repository === undefined || repository === "") {
    throw new BuildBackendError(
      `component ${component.name}: the shipwright backend pushes to the ImageStream's registry repository, but ImageStream ${request.payloadBuild.spec.imageStream} has no status.dockerImageRepository yet`,
    );
  }
  const strategy = settings.shipwrightStrategy ?? DEFAULT_SHIPWRIGHT_STRATEGY;
  const git = component.spec.source?.git;
  const contextDir = component.spec.source?.contextDir;
  const stepResources =
    component.resources === undefined
      ? undefined
      : [
          {
            name: settings.shipwrightBuildStep ?? DEFAULT_SHIPWRIGHT_BUILD_STEP,
            resources: component.resources,
          },
        ];
  // A keyed build checks out the commit its key was computed from, and labels its image with the key.
  const gitRevision = component.pinned?.commit ?? git?.ref;
  const source =
    git === undefined
      ? undefined
      : {
          type: "Git",
          git: {
            url: git.uri,
            ...(gitRevision === undefined ? {} : { revision: gitRevision }),
            ...(git.secret === undefined ? {} : { cloneSecret: git.secret.name }),
          },
          ...(contextDir === undefined ? {} : { contextDir }),
        };
  return {
    apiVersion: "shipwright.io/v1beta1",
    kind: BUILD_RUNS.kind,
    metadata: {
      name: attemptObjectName(payloadName, component.name, attempt),
      namespace,
      labels: childLabels(payloadName, component.name, attempt, component.builds),
      annotations: { [INPUT_HASH_ANNOTATION]: inputHash },
      ownerReferences: [payloadOwnerReference(request.payloadBuild)],
    },
    spec: {
      build: {
        spec: {
          ...(source === undefined ? {} : { source }),
          strategy: {
            kind: strategy.kind,
            name: strategy.name,
            ...(stepResources === undefined ? {} : { stepResources }),
          },
          paramValues: paramValues(request),
          output: {
            image: `${repository}:${component.name}`,
            ...(settings.pushSecret === undefined ? {} : { pushSecret: settings.pushSecret }),
            labels: { [INPUT_HASH_IMAGE_LABEL]: inputHash, ...component.pinned?.imageLabels },
          },
          ...(settings.shipwrightTimeout === undefined ? {} : { timeout: settings.shipwrightTimeout }),
        },
      },
      ...(component.architecture === undefined
        ? {}
        : { nodeSelector: { [ARCHITECTURE_NODE_LABEL]: component.architecture } }),
      ...(settings.shipwrightServiceAccount === undefined
        ? {}
        : { serviceAccount: settings.shipwrightServiceAccount }),
    },
  };
}

/**
 * The output image a BuildRun pushed to: its own `spec.output.image` (which takes precedence over
 * the build's, as Shipwright's reconciler applies it), else its embedded spec's `output.image`, else
 * its status' build spec.
 */
function outputImageOf(object: KubeObject): string | undefined {
  const read = (root: unknown, path: readonly string[]): unknown =>
    path.reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      root,
    );
  for (const path of [
    ["spec", "output", "image"],
    ["spec", "build", "spec", "output", "image"],
    ["status", "buildSpec", "output", "image"],
  ]) {
    const image = read(object, path);
    if (typeof image === "string" && image !== "") return image;
  }
  return undefined;
}

/** Reads an attempt from its BuildRun's `Succeeded` condition, output digest and failure details. */
function observeBuildRun(observed: AttemptObservationInput): AttemptState {
  const component = observed.component.name;
  const name = attemptObjectName(observed.payloadBuild.metadata.name ?? "", component, observed.attempt);
  const object = findAttemptObject(observed.objects, BUILD_RUNS.kind, name, component);
  if (object === undefined) return { phase: "Missing" };
  const base = { objectName: name, inputHash: inputHashOf(object) };
  const parsed = parseObserved(buildRunSchema, object);
  if (!parsed.success) {
    return { ...base, phase: "Pending", message: `BuildRun ${name} is unreadable: ${parsed.error.message}` };
  }
  const status = parsed.data.status ?? {};
  const timing = { ...base, startedAt: status.startTime };
  const succeeded = status.conditions?.find((c) => c.type === "Succeeded");
  if (succeeded === undefined || succeeded.status === "Unknown") {
    const running =
      succeeded?.reason === "Running" || (status.startTime !== undefined && succeeded?.reason !== "Pending");
    return { ...timing, phase: running ? "Running" : "Pending", message: succeeded?.message };
  }
  if (succeeded.status === "True") {
    const digest = status.output?.digest;
    if (digest === undefined || digest === "") {
      return {
        ...timing,
        phase: "Running",
        message: `BuildRun ${name} succeeded; waiting for its output digest`,
      };
    }
    const outputImage = outputImageOf(object) ?? observed.imageStream?.status?.dockerImageRepository;
    return {
      ...timing,
      phase: "Succeeded",
      digest,
      outputPullspec: outputImage === undefined ? undefined : `${repositoryOf(outputImage)}@${digest}`,
      completedAt: status.completionTime,
      landed: builtImageLanded(observed.imageStream, component, digest, `BuildRun ${name}`),
    };
  }
  const details = status.failureDetails;
  const location =
    details?.location?.pod === undefined
      ? ""
      : ` (see the logs of pod ${details.location.pod}${details.location.container === undefined ? "" : `, container ${details.location.container}`})`;
  const reason = details?.reason ?? succeeded.reason ?? "BuildRunFailed";
  const strategy = strategyOf(object);
  const hint =
    STRATEGY_MISMATCH_REASONS.has(reason) || STRATEGY_MISMATCH_REASONS.has(succeeded.reason ?? "")
      ? `; the shipwright backend needs a strategy declaring the parameters ${Object.values(SHIPWRIGHT_PARAMS).join(", ")} with OpenShift's Docker-strategy meaning${strategy === undefined ? "" : ` (this run used ${strategy})`}: install ${OKD_PAYLOAD_STRATEGY_FILE} (${OKD_PAYLOAD_STRATEGY.kind} ${OKD_PAYLOAD_STRATEGY.name}) and run the operator with --shipwright-strategy ${OKD_PAYLOAD_STRATEGY.kind}/${OKD_PAYLOAD_STRATEGY.name} (the default)`
      : "";
  return {
    ...timing,
    phase: "Failed",
    reason,
    message: `${details?.message ?? succeeded.message ?? `BuildRun ${name} of component ${component} failed`}${location}${hint}`,
    completedAt: status.completionTime,
  };
}

/** `<kind>/<name>` of the strategy a BuildRun's embedded build spec names. */
function strategyOf(object: KubeObject): string | undefined {
  const spec = (object as { spec?: { build?: { spec?: { strategy?: { kind?: unknown; name?: unknown } } } } })
    .spec?.build?.spec?.strategy;
  return typeof spec?.name === "string"
    ? `${typeof spec.kind === "string" ? spec.kind : "ClusterBuildStrategy"}/${spec.name}`
    : undefined;
}
