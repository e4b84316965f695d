/**
 * The `openshift` backend: per attempt, a `build.openshift.io/v1` Build with the Docker strategy
 * created directly under a deterministic name, pushing to `<imageStream>:<component>`.
 *
 * No BuildConfig is created. A BuildConfig the operator does not instantiate only gets in the way
 * on a real cluster: openshift-controller-manager prunes the failed and successful Builds labelled
 * with its name beyond `failedBuildsHistoryLimit`/`successfulBuildsHistoryLimit` (5 by default),
 * `oc start-build` names its build `<config>-<lastVersion+1>` (colliding with attempt 1, since
 * `lastVersion` stays 0) and pushes to the component's tag behind the operator's back, and its
 * spec goes stale as soon as an input changes. The Build's own spec is the record of what an
 * attempt built; a component is rebuilt by changing its inputs (or deleting its landed tag).
 */
import type { KubeObject } from "../kube/kube-object.js";
import { BUILDS } from "./build-resources.js";
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
  ARCHITECTURE_NODE_LABEL,
  INPUT_HASH_ANNOTATION,
  INPUT_HASH_IMAGE_LABEL,
  attemptObjectName,
  childLabels,
  payloadIdentity,
  payloadOwnerReference,
} from "./child-objects.js";
import { builtImageLanded, findAttemptObject, inputHashOf, parseObserved } from "./attempt-observation.js";
import { repositoryOf } from "./image-stream-tags.js";

/** The `spec` of an attempt's Build (source, Docker strategy, output, resources). */
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
  // A keyed build checks out the commit its key was computed from, and labels its image with the key.
  const gitRef = component.pinned?.commit ?? git?.ref;
  const keyLabels = sortedNameValues(component.pinned?.imageLabels ?? {});
  return {
    ...(settings.serviceAccount === undefined ? {} : { serviceAccount: settings.serviceAccount }),
    source: {
      type: git !== undefined ? "Git" : sourceImages.length > 0 ? "Image" : "None",
      ...(git === undefined
        ? {}
        : { git: { uri: git.uri, ...(gitRef === undefined ? {} : { ref: gitRef }) } }),
      ...(contextDir === undefined ? {} : { contextDir }),
      ...(git?.secret === undefined ? {} : { sourceSecret: { name: git.secret.name } }),
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
      imageLabels: [{ name: INPUT_HASH_IMAGE_LABEL, value: inputHash }, ...keyLabels],
    },
    ...(component.resources === undefined ? {} : { resources: component.resources }),
    ...(component.architecture === undefined
      ? {}
      : { nodeSelector: { [ARCHITECTURE_NODE_LABEL]: component.architecture } }),
  };
}

/** Creates the `openshift` backend. */
export function createOpenShiftBackend(settings: BuildBackendSettings = {}): BuildBackend {
  return {
    name: "openshift",
    childResources: [BUILDS],
    identity: { backend: "openshift" },
    desiredObjects: (request) => openShiftObjects(request, settings),
    observeAttempt: observeBuild,
    desiredTags: () => [],
  };
}

/** The Build of the attempt. */
function openShiftObjects(request: BuildRequest, settings: BuildBackendSettings): KubeObject[] {
  const { name: payloadName, namespace } = payloadIdentity(request.payloadBuild);
  const { component, attempt, inputHash } = request;
  const spec = openShiftBuildSpec(request, resolveBuildImages(request), settings);
  const build: KubeObject = {
    apiVersion: "build.openshift.io/v1",
    kind: BUILDS.kind,
    metadata: {
      name: attemptObjectName(payloadName, component.name, attempt),
      namespace,
      labels: {
        ...childLabels(payloadName, component.name, attempt, component.builds),
        // Runs at once (ParallelPolicy); without a BuildConfig no other build can queue it.
        "openshift.io/build.start-policy": "Parallel",
      },
      annotations: { [INPUT_HASH_ANNOTATION]: inputHash },
      ownerReferences: [payloadOwnerReference(request.payloadBuild)],
    },
    spec: {
      ...spec,
      triggeredBy: [
        { message: `PayloadBuild ${payloadName}: component ${component.name}, attempt ${attempt}` },
      ],
    },
  };
  return [build];
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
