/**
 * Multi-arch payloads in the decide step: every built component becomes one build unit per
 * architecture (`<component>-<architecture>`, its own attempts, ImageStream tag and status entry),
 * units depend on the same architecture's unit of each dependency (a prebuilt dependency is shared),
 * and each component's per-architecture images are then combined into one image index whose
 * digest its own tag points at, which is what release assembly reads (the CVO's index makes the
 * release multi-arch, as `oc adm release new --keep-manifest-list` builds it). Pure.
 *
 * A payload with at most one architecture is left exactly as it is.
 */
import type { Architecture, PayloadBuildSpec } from "../api/index.js";
import type { ImageStream, SpecTag } from "../builds/image-stream-schema.js";
import { graphFromAdjacency, type ComponentGraph } from "./component-graph.js";
import type { ComponentEvaluation } from "./evaluate-components.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** Spec tag annotation recording which per-architecture images a component's index was made of. */
export const ARCHITECTURE_IMAGES_ANNOTATION = "payload.okd.io/architecture-images";

/** A component built once per architecture, and its units. */
export interface CombinedComponent {
  readonly component: ResolvedComponent;
  /** Unit names by architecture, in `spec.architectures` order. */
  readonly units: readonly { readonly architecture: Architecture; readonly unit: string }[];
}

/** What the decide step schedules: the build units, their graph, and the components to combine. */
export interface BuildUnits {
  readonly components: readonly ResolvedComponent[];
  readonly graph: ComponentGraph;
  readonly combined: readonly CombinedComponent[];
}

/** Name of the unit building `component` for `architecture`. */
export function unitName(component: string, architecture: string): string {
  return `${component}-${architecture}`;
}

/** The build units of a spec (see the module documentation). */
export function expandArchitectures(
  spec: PayloadBuildSpec,
  components: readonly ResolvedComponent[],
  graph: ComponentGraph,
): BuildUnits {
  const architectures = spec.architectures ?? [];
  if (architectures.length <= 1) return { components, graph, combined: [] };
  const units: ResolvedComponent[] = [];
  const combined: CombinedComponent[] = [];
  for (const component of components) {
    if (component.prebuilt) {
      units.push(component);
      continue;
    }
    const perArchitecture = architectures.map((architecture) => ({
      architecture,
      unit: unitName(component.name, architecture),
    }));
    for (const { architecture, unit } of perArchitecture) {
      units.push({ ...component, name: unit, builds: component.name, architecture });
    }
    combined.push({ component, units: perArchitecture });
  }
  const names = units.map((u) => u.name);
  const indexOf = new Map(names.map((name, i) => [name, i]));
  const byName = new Map(components.map((c) => [c.name, c]));
  const dependencies = units.map((unit) => {
    const node = graph.indexOf.get(unit.builds ?? unit.name);
    return (node === undefined ? [] : (graph.dependencies[node] ?? [])).flatMap((d) => {
      const dependency = graph.names[d] ?? "";
      const name =
        byName.get(dependency)?.prebuilt === true || unit.architecture === undefined
          ? dependency
          : unitName(dependency, unit.architecture);
      const index = indexOf.get(name);
      return index === undefined ? [] : [index];
    });
  });
  return { components: units, graph: graphFromAdjacency(names, indexOf, dependencies), combined };
}

/** One per-architecture image of a component, as its unit landed it. */
export interface ArchitectureImage {
  readonly architecture: Architecture;
  /** `repository@sha256:...` */
  readonly pullspec: string;
}

/** A component whose per-architecture images must be combined into an image index (the act step pushes it). */
export interface IndexToCombine {
  readonly component: string;
  /** The ImageStream tag that then points at the index. */
  readonly tag: string;
  readonly images: readonly ArchitectureImage[];
  /** Value of {@link ARCHITECTURE_IMAGES_ANNOTATION} on that tag once it does. */
  readonly annotation: string;
  /** The component's own tag annotations (its key, with `spec.rebuild`), written with the index. */
  readonly tagAnnotations?: Readonly<Record<string, string>> | undefined;
}

/** The evaluation of a combined component, and the index to push when it is due. */
export interface CombinedEvaluation {
  readonly evaluation: ComponentEvaluation;
  readonly combine?: IndexToCombine;
}

/** The annotation value for `images`: `architecture=pullspec` pairs, in order, comma-separated. */
export function architectureImagesAnnotation(images: readonly ArchitectureImage[]): string {
  return images.map((i) => `${i.architecture}=${i.pullspec}`).join(",");
}

function landedTag(
  imageStream: ImageStream | undefined,
  tag: string,
  annotation: string,
): { readonly image: string; readonly completedAt?: string } | undefined {
  const spec: SpecTag | undefined = imageStream?.spec?.tags?.find((t) => t.name === tag);
  if (spec?.annotations?.[ARCHITECTURE_IMAGES_ANNOTATION] !== annotation) return undefined;
  const item = imageStream?.status?.tags?.find((t) => t.tag === tag)?.items?.[0];
  if (item?.image === undefined || item.dockerImageReference === undefined) return undefined;
  if (spec.generation != null && (item.generation ?? 0) < spec.generation) return undefined;
  const at = item.dockerImageReference.indexOf("@");
  const repository =
    at < 0 ? item.dockerImageReference.replace(/:[^/:]*$/, "") : item.dockerImageReference.slice(0, at);
  return {
    image: `${repository}@${item.image}`,
    ...(item.created === undefined ? {} : { completedAt: item.created }),
  };
}

/**
 * A combined component's state from its units': failed or blocked when one is (naming its
 * architecture), landed once its tag holds the index of exactly the units' landed images, waiting
 * to be combined once every unit has landed, else building or waiting with each architecture's state.
 */
export function evaluateCombined(
  combined: CombinedComponent,
  units: ReadonlyMap<string, ComponentEvaluation>,
  imageStream: ImageStream | undefined,
): CombinedEvaluation {
  const { component } = combined;
  const states = combined.units.map(({ architecture, unit }) => ({ architecture, e: units.get(unit) }));
  const base = {
    component,
    dependencyImages: {},
    attempts: 0,
    nextAttempt: 1,
    staleLive: [],
    live: 0,
    desiredTags: [],
  };
  const broken = states.find(({ e }) => e?.verdict === "failed" || e?.verdict === "blocked");
  if (broken?.e !== undefined) {
    return {
      evaluation: {
        ...base,
        verdict: broken.e.verdict,
        failedRoot: broken.e.failedRoot ?? component.name,
        message: `linux/${broken.architecture}: ${broken.e.message ?? broken.e.verdict}`,
      },
    };
  }
  const images: ArchitectureImage[] = states.flatMap(({ architecture, e }) =>
    e?.verdict === "landed" && e.image !== undefined ? [{ architecture, pullspec: e.image }] : [],
  );
  if (images.length < states.length) {
    const waiting = states.every(({ e }) => e === undefined || e.verdict === "waiting");
    return {
      evaluation: {
        ...base,
        verdict: waiting ? "waiting" : "building",
        message: states.map(({ architecture, e }) => `${architecture} ${stateWord(e)}`).join(", "),
      },
    };
  }
  const annotation = architectureImagesAnnotation(images);
  const landed = landedTag(imageStream, component.name, annotation);
  if (landed !== undefined) {
    return {
      evaluation: {
        ...base,
        verdict: "landed",
        image: landed.image,
        ...(landed.completedAt === undefined ? {} : { completedAt: landed.completedAt }),
      },
    };
  }
  const tag = imageStream?.spec?.tags?.find((t) => t.name === component.name);
  if (tag?.annotations?.[ARCHITECTURE_IMAGES_ANNOTATION] === annotation) {
    // Pushed and tagged already: only the import is left.
    return {
      evaluation: {
        ...base,
        verdict: "building",
        message: `importing its image index (${tag.from?.name ?? ""}) into the ImageStream`,
      },
    };
  }
  return {
    evaluation: {
      ...base,
      verdict: "building",
      message: `combining the ${states.map((s) => s.architecture).join(", ")} images into an image index`,
    },
    combine: {
      component: component.name,
      tag: component.name,
      images,
      annotation,
      ...(component.tagAnnotations === undefined ? {} : { tagAnnotations: component.tagAnnotations }),
    },
  };
}

function stateWord(e: ComponentEvaluation | undefined): string {
  if (e === undefined) return "waiting";
  return e.verdict === "ready" || e.verdict === "backoff" || e.verdict === "draining"
    ? "building"
    : e.verdict;
}
