/**
 * The images a component's build uses, with component references replaced by the exact
 * `pullspec@digest` of the dependency's landed image; external pullspecs stay as written.
 */
import type { InputPath } from "../api/index.js";
import { BuildBackendError, type BuildRequest } from "./build-backend.js";

/** An input image of a build, resolved to a pullspec. */
export interface BuildInputImage {
  /** The image to pull (dependency `pullspec@digest`, or the external pullspec as written). */
  readonly image: string;
  /** Dockerfile image names it replaces. */
  readonly as: readonly string[];
  /** Files copied out of it into the build context. */
  readonly paths: readonly InputPath[];
}

/** The base and input images of one build. */
export interface BuildImages {
  /** The base image replacing the final stage's FROM, when the component sets `from`. */
  readonly from: string | undefined;
  /** Own inputs first, then the applicable default inputs (as `resolveComponent` orders them). */
  readonly inputs: readonly BuildInputImage[];
}

/**
 * Resolves `from` and `inputs[].from` of `request.component`. A reference naming a component of
 * the payload becomes `request.dependencyImages[name]`; throws `BuildBackendError` naming the
 * component, the field and the dependency when that image is not given (it has not landed).
 */
export function resolveBuildImages(request: BuildRequest): BuildImages {
  const componentNames = new Set(request.payloadBuild.spec.components.map((c) => c.name));
  const { component } = request;
  const resolve = (reference: string, field: string): string => {
    if (!componentNames.has(reference)) return reference;
    const image = request.dependencyImages[reference];
    if (image === undefined || image === "") {
      throw new BuildBackendError(
        `component ${component.name}: ${field} names component ${reference}, whose landed image (pullspec@digest) was not given; build it only after ${reference} has landed`,
      );
    }
    return image;
  };
  const from = component.spec.from;
  return {
    from: from === undefined ? undefined : resolve(from, `spec.components[${component.specIndex}].from`),
    inputs: component.inputs.map((input) => {
      if ((input.as ?? []).length === 0 && (input.paths ?? []).length === 0) {
        // OpenShift refuses such an image source ("must specify 'paths' or 'as'"); validation catches it first.
        throw new BuildBackendError(
          `component ${component.name}: ${input.path} (${input.from}) has neither as nor paths, which no build accepts`,
        );
      }
      return {
        image: resolve(input.from, `${input.path}.from`),
        as: input.as ?? [],
        paths: input.paths ?? [],
      };
    }),
  };
}

/** `{name, value}` pairs of a string map, sorted by name (deterministic objects). */
export function sortedNameValues(map: Readonly<Record<string, string>>): { name: string; value: string }[] {
  return Object.keys(map)
    .sort()
    .map((name) => ({ name, value: map[name] ?? "" }));
}
