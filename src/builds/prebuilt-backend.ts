/**
 * The `prebuilt` backend: no build. The component's `image` pullspec is tagged into the
 * ImageStream (`desiredTags`) and the component lands when the import does. Used for every
 * component with `image` set, whatever `spec.backend` says.
 */
import type { AttemptObservationInput, AttemptState, BuildBackend } from "./build-backend.js";
import { desiredImageStreamTags, imageStreamTagLanded } from "./image-stream-tags.js";

/** Creates the `prebuilt` backend. */
export function createPrebuiltBackend(): BuildBackend {
  return {
    name: "prebuilt",
    childResources: [],
    identity: { backend: "prebuilt" },
    desiredObjects: () => [],
    observeAttempt: observeImport,
    desiredTags: (component) =>
      component.spec.image === undefined
        ? []
        : desiredImageStreamTags([
            { tag: component.name, pullspec: component.spec.image, annotations: component.tagAnnotations },
          ]),
  };
}

/**
 * `Missing` until the ImageStream has a spec tag importing the component's pullspec; then
 * `Failed` when the import failed, `Succeeded` (landed) when the tag passes the landed test,
 * `Pending` otherwise. The attempt number plays no part.
 */
function observeImport(observed: AttemptObservationInput): AttemptState {
  const { component, imageStream } = observed;
  const stream = observed.payloadBuild.spec.imageStream;
  const objectName = `${stream}:${component.name}`;
  const pullspec = component.spec.image;
  if (pullspec === undefined) {
    return {
      phase: "Failed",
      objectName,
      reason: "NoImage",
      message: `component ${component.name} is prebuilt but spec.components[${component.specIndex}].image is not set`,
    };
  }
  const specTag = imageStream?.spec?.tags?.find((tag) => tag.name === component.name);
  if (specTag?.from?.kind !== "DockerImage" || specTag.from.name !== pullspec) return { phase: "Missing" };
  const landed = imageStreamTagLanded(imageStream, component.name);
  if (landed.landed) {
    return { phase: "Succeeded", objectName, digest: landed.digest, outputPullspec: landed.pullspec, landed };
  }
  if (landed.importFailed) {
    return {
      phase: "Failed",
      objectName,
      reason: "ImportFailed",
      message: `component ${component.name}: importing ${pullspec} failed: ${landed.reason}`,
    };
  }
  return { phase: "Pending", objectName, message: landed.reason };
}
