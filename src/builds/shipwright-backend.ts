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
  INPUT_HASH_ANNOTATION,
  INPUT_HASH_IMAGE_LABEL,
  attemptObjectName,
  childLabels,
  payloadIdentity,
  payloadOwnerReference,
} from "./child-objects.js";
import { desiredImageStreamTags, repositoryOf } from "./image-stream-tags.js";

/** The build strategy used when the settings name none. */
export const DEFAULT_SHIPWRIGHT_STRATEGY = { kind: "ClusterBuildStrategy", name: "buildah" } as const;

/**
 * Strategy parameters the BuildRun sets, each only for components that use it. `dockerfile` and
 * `build-args` (`KEY=VALUE` values) are the stock buildah strategy's. The others must be declared
 * by the strategy: `from` (replaces the FROM of the Dockerfile's final stage, like OpenShift's
 * `dockerStrategy.from`), `inputs` (the input image pullspecs, like OpenShift's `source.images`),
 * `input-as` (`<Dockerfile image name>=<pullspec>` values: images replaced by an input) and
 * `input-paths` (one JSON value `{"image","sourcePath","destinationDir"}` per file copied out of an
 * input into the build context).
 */
export const SHIPWRIGHT_PARAMS = {
  dockerfile: "dockerfile",
  buildArgs: "build-args",
  from: "from",
  inputs: "inputs",
  inputAs: "input-as",
  inputPaths: "input-paths",
} as const;

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
        ? desiredImageStreamTags([{ tag: component.name, pullspec: state.outputPullspec }])
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
    i.paths.map((p) =>
      JSON.stringify({ image: i.image, sourcePath: p.sourcePath, destinationDir: p.destinationDir }),
    ),
  );
  if (paths.length > 0) params.push({ name: SHIPWRIGHT_PARAMS.inputPaths, values: values(paths) });
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
  const env = sortedNameValues(component.env);
  const source =
    git === undefined
      ? undefined
      : {
          type: "Git",
          git: { url: git.uri, ...(git.ref === undefined ? {} : { revision: git.ref }) },
          ...(contextDir === undefined ? {} : { contextDir }),
        };
  return {
    apiVersion: "shipwright.io/v1beta1",
    kind: BUILD_RUNS.kind,
    metadata: {
      name: attemptObjectName(payloadName, component.name, attempt),
      namespace,
      labels: childLabels(payloadName, component.name, attempt),
      annotations: { [INPUT_HASH_ANNOTATION]: inputHash },
      ownerReferences: [payloadOwnerReference(request.payloadBuild)],
    },
    spec: {
      build: {
        spec: {
          ...(source === undefined ? {} : { source }),
          strategy: { kind: strategy.kind, name: strategy.name },
          paramValues: paramValues(request),
          ...(env.length > 0 ? { env } : {}),
          output: {
            image: `${repository}:${component.name}`,
            ...(settings.pushSecret === undefined ? {} : { pushSecret: settings.pushSecret }),
            labels: { [INPUT_HASH_IMAGE_LABEL]: inputHash },
          },
          ...(settings.shipwrightTimeout === undefined ? {} : { timeout: settings.shipwrightTimeout }),
        },
      },
      ...(settings.serviceAccount === undefined ? {} : { serviceAccount: settings.serviceAccount }),
    },
  };
}

/** The output image a BuildRun pushed to: its embedded spec's `output.image`, else its status' build spec. */
function outputImageOf(object: KubeObject): string | undefined {
  const read = (root: unknown, path: readonly string[]): unknown =>
    path.reduce<unknown>(
      (value, key) =>
        typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined,
      root,
    );
  for (const path of [
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
  return {
    ...timing,
    phase: "Failed",
    reason: details?.reason ?? succeeded.reason ?? "BuildRunFailed",
    message: `${details?.message ?? succeeded.message ?? `BuildRun ${name} of component ${component} failed`}${location}`,
    completedAt: status.completionTime,
  };
}
