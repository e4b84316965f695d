/**
 * The `openshift` backend: a BuildConfig per component (the template users see, `runPolicy:
 * Parallel`) and, per attempt, a `build.openshift.io/v1` Build with the Docker strategy created
 * directly under a deterministic name. The Build pushes to `<imageStream>:<component>`.
 */
import type { KubeObject } from "../kube/kube-object.js";
import { BUILD_CONFIGS, BUILDS } from "./build-resources.js";
import { buildSchema } from "./build-schemas.js";
import type {
  AttemptObservationInput,
  AttemptState,
  BuildBackend,
  BuildBackendSettings,
  BuildRequest,
} from "./build-backend.js";
import { resolveBuildImages, sortedNameValues, type BuildImages } from "./build-images.js";
import {
  INPUT_HASH_ANNOTATION,
  INPUT_HASH_IMAGE_LABEL,
  attemptObjectName,
  childLabels,
  componentObjectName,
  payloadIdentity,
  payloadOwnerReference,
} from "./child-objects.js";
import { builtImageLanded, findAttemptObject, inputHashOf, parseObserved } from "./attempt-observation.js";
import { repositoryOf } from "./image-stream-tags.js";

/** Label and annotation OpenShift uses to tie a Build to its BuildConfig. */
export const BUILD_CONFIG_NAME_LABEL = "openshift.io/build-config.name";

/** The `spec` shared by the BuildConfig and its Builds (source, Docker strategy, output, resources). */
export function openShiftBuildSpec(
  request: BuildRequest,
  images: BuildImages,
  settings: BuildBackendSettings,
): Record<string, unknown> {
  const { component, payloadBuild, inputHash } = request;
  const git = component.spec.source?.git;
  const contextDir = component.spec.source?.contextDir;
  const sourceImages = images.inputs.map((input) => ({
    from: { kind: "DockerImage", name: input.image },
    ...(input.as.length > 0 ? { as: [...input.as] } : {}),
    ...(input.paths.length > 0
      ? { paths: input.paths.map((p) => ({ sourcePath: p.sourcePath, destinationDir: p.destinationDir })) }
      : {}),
  }));
  const buildArgs = sortedNameValues(component.buildArgs);
  const env = sortedNameValues(component.env);
  return {
    ...(settings.serviceAccount === undefined ? {} : { serviceAccount: settings.serviceAccount }),
    source: {
      type: git !== undefined ? "Git" : sourceImages.length > 0 ? "Image" : "None",
      ...(git === undefined
        ? {}
        : { git: { uri: git.uri, ...(git.ref === undefined ? {} : { ref: git.ref }) } }),
      ...(contextDir === undefined ? {} : { contextDir }),
      ...(sourceImages.length > 0 ? { images: sourceImages } : {}),
    },
    strategy: {
      type: "Docker",
      dockerStrategy: {
        ...(images.from === undefined ? {} : { from: { kind: "DockerImage", name: images.from } }),
        ...(component.spec.dockerfile === undefined ? {} : { dockerfilePath: component.spec.dockerfile }),
        ...(buildArgs.length > 0 ? { buildArgs } : {}),
        ...(env.length > 0 ? { env } : {}),
      },
    },
    output: {
      to: { kind: "ImageStreamTag", name: `${payloadBuild.spec.imageStream}:${component.name}` },
      ...(settings.pushSecret === undefined ? {} : { pushSecret: { name: settings.pushSecret } }),
      imageLabels: [{ name: INPUT_HASH_IMAGE_LABEL, value: inputHash }],
    },
    ...(component.resources === undefined ? {} : { resources: component.resources }),
  };
}

/** Creates the `openshift` backend. */
export function createOpenShiftBackend(settings: BuildBackendSettings = {}): BuildBackend {
  return {
    name: "openshift",
    childResources: [BUILD_CONFIGS, BUILDS],
    identity: { backend: "openshift" },
    desiredObjects: (request) => openShiftObjects(request, settings),
    observeAttempt: observeBuild,
    desiredTags: () => [],
  };
}

/** The BuildConfig of the component and the Build of the attempt (in that order). */
function openShiftObjects(request: BuildRequest, settings: BuildBackendSettings): KubeObject[] {
  const { name: payloadName, namespace } = payloadIdentity(request.payloadBuild);
  const { component, attempt, inputHash } = request;
  const spec = openShiftBuildSpec(request, resolveBuildImages(request), settings);
  const buildConfigName = componentObjectName(payloadName, component.name);
  const owner = payloadOwnerReference(request.payloadBuild);
  const buildConfig: KubeObject = {
    apiVersion: "build.openshift.io/v1",
    kind: BUILD_CONFIGS.kind,
    metadata: {
      name: buildConfigName,
      namespace,
      labels: childLabels(payloadName, component.name),
      annotations: { [INPUT_HASH_ANNOTATION]: inputHash },
      ownerReferences: [owner],
    },
    spec: { ...spec, runPolicy: "Parallel", triggers: [] },
  };
  const build: KubeObject = {
    apiVersion: "build.openshift.io/v1",
    kind: BUILDS.kind,
    metadata: {
      name: attemptObjectName(payloadName, component.name, attempt),
      namespace,
      labels: {
        ...childLabels(payloadName, component.name, attempt),
        [BUILD_CONFIG_NAME_LABEL]: buildConfigName,
        "openshift.io/build.start-policy": "Parallel",
      },
      annotations: {
        [INPUT_HASH_ANNOTATION]: inputHash,
        [BUILD_CONFIG_NAME_LABEL]: buildConfigName,
        "openshift.io/build.number": String(attempt),
      },
      ownerReferences: [owner],
    },
    spec: {
      ...spec,
      triggeredBy: [
        { message: `PayloadBuild ${payloadName}: component ${component.name}, attempt ${attempt}` },
      ],
    },
  };
  return [buildConfig, build];
}

/** Reads an attempt from its Build's `status.phase` and confirms the image in the ImageStream. */
function observeBuild(observed: AttemptObservationInput): AttemptState {
  const component = observed.component.name;
  const name = attemptObjectName(observed.payloadBuild.metadata.name ?? "", component, observed.attempt);
  const object = findAttemptObject(observed.objects, BUILDS.kind, name, component);
  if (object === undefined) return { phase: "Missing" };
  const base = { objectName: name, inputHash: inputHashOf(object) };
  const parsed = parseObserved(buildSchema, object);
  if (!parsed.success) {
    return { ...base, phase: "Pending", message: `Build ${name} is unreadable: ${parsed.error.message}` };
  }
  const status = parsed.data.status ?? {};
  const timing = { ...base, startedAt: status.startTimestamp };
  const phase = status.phase ?? "New";
  switch (phase) {
    case "New":
    case "Pending":
      return { ...timing, phase: "Pending", message: status.message };
    case "Running":
      return { ...timing, phase: "Running", message: status.message };
    case "Complete": {
      const digest = status.output?.to?.imageDigest;
      if (digest === undefined || digest === "") {
        return {
          ...timing,
          phase: "Running",
          message: `Build ${name} is complete; waiting for its output digest`,
        };
      }
      const reference = status.outputDockerImageReference;
      return {
        ...timing,
        phase: "Succeeded",
        digest,
        outputPullspec: reference === undefined ? undefined : `${repositoryOf(reference)}@${digest}`,
        completedAt: status.completionTimestamp,
        landed: builtImageLanded(observed.imageStream, component, digest, `Build ${name}`),
      };
    }
    case "Failed":
    case "Error":
    case "Cancelled":
      return {
        ...timing,
        phase: "Failed",
        reason: status.reason ?? (phase === "Cancelled" ? "BuildCancelled" : `Build${phase}`),
        message: status.message ?? `Build ${name} of component ${component} ended in phase ${phase}`,
        logSnippet: status.logSnippet,
        completedAt: status.completionTimestamp,
      };
    default:
      return { ...timing, phase: "Running", message: `Build ${name} is in unknown phase ${phase}` };
  }
}
