/**
 * Graph-level validation of a PayloadBuild: everything the schema cannot check. Returns every
 * problem at once, each with its field path and a message saying what to change, plus the graph
 * of the valid parts (unknown references and self edges left out).
 */
import {
  COMPONENT_NAME_MAX_LENGTH,
  PayloadBuildSpecSchema,
  parsePayloadBuild,
  type ComponentSpec,
  type ParseResult,
  type PayloadBuild,
  type PayloadBuildSpec,
  type Problem,
} from "../api/index.js";
import { unitName } from "./architecture-units.js";
import { checkBuiltComponent, checkDefaultEnv, checkImageStreamName, checkInput } from "./build-api-rules.js";
import { graphFromAdjacency, type ComponentGraph } from "./component-graph.js";
import { cycleThrough, cyclicComponents, formatCycle } from "./cycles.js";
import { looksLikeComponentName, pullspecProblem } from "./image-reference.js";
import { defaultInputApplies } from "./resolve-component.js";
import { createSuggester } from "./suggest-name.js";

/** Result of {@link validatePayloadSpec}. */
export interface PayloadValidation {
  readonly problems: readonly Problem[];
  /** The dependency graph (first occurrence of each name; bad references left out). */
  readonly graph: ComponentGraph;
  /** True when the graph has no cycle (planning functions need that). */
  readonly acyclic: boolean;
}

/** Fields that have no effect on a prebuilt component. */
const BUILD_ONLY_FIELDS = ["source", "dockerfile", "from", "inputs", "buildArgs", "env"] as const;

/** Validates a parsed spec. Paths are prefixed with `spec.`. O(n + m) apart from bounded suggestions. */
export function validatePayloadSpec(spec: PayloadBuildSpec): PayloadValidation {
  const problems: Problem[] = [];
  const report = (path: string, message: string): void => {
    problems.push({ path, message });
  };

  // Names: the first occurrence wins; later ones are duplicates.
  const firstIndex = new Map<string, number>();
  const nodes: number[] = [];
  spec.components.forEach((component, i) => {
    const first = firstIndex.get(component.name);
    if (first !== undefined) {
      report(
        `spec.components[${i}].name`,
        `duplicate component name "${component.name}" (also spec.components[${first}]); names must be unique because each is an ImageStream tag`,
      );
      return;
    }
    firstIndex.set(component.name, i);
    nodes.push(i);
  });
  const names = nodes.map((i) => spec.components[i]?.name ?? "");
  const indexOf = new Map(names.map((name, node) => [name, node]));
  const suggest = createSuggester(names);

  /** Checks a reference that may be a component or an image; returns the node it depends on, if any. */
  const checkReference = (
    reference: string,
    path: string,
    owner: ComponentSpec | undefined,
  ): number | undefined => {
    if (owner !== undefined && reference === owner.name) {
      report(
        path,
        `component "${owner.name}" cannot depend on itself; use an external pullspec or another component`,
      );
      return undefined;
    }
    const node = indexOf.get(reference);
    if (node !== undefined) return node;
    if (looksLikeComponentName(reference)) {
      report(
        path,
        `"${reference}" is not a component of this payload.${suggest(reference)} To use an external image, write its full pullspec (e.g. quay.io/example/${reference}:latest).`,
      );
      return undefined;
    }
    const why = pullspecProblem(reference);
    if (why !== undefined)
      report(path, `not a component name and not a valid image pullspec: ${why}${lookAlikeHint(reference)}`);
    return undefined;
  };

  // Default inputs are checked once, where they are written.
  const defaultInputs = spec.defaults?.inputs ?? [];
  const defaultFroms = new Set(defaultInputs.map((input) => input.from));
  defaultInputs.forEach((input, j) => {
    checkReference(input.from, `spec.defaults.inputs[${j}].from`, undefined);
    checkInput(input, `spec.defaults.inputs[${j}]`, "spec.defaults", report);
  });
  checkDefaultEnv(spec, report);
  checkImageStreamName(spec, report);

  const dependencies: number[][] = nodes.map(() => []);
  spec.components.forEach((component, i) => {
    const base = `spec.components[${i}]`;
    const node = firstIndex.get(component.name) === i ? indexOf.get(component.name) : undefined;
    const deps: number[] = [];
    const add = (dep: number | undefined): void => {
      if (dep !== undefined) deps.push(dep);
    };
    if (component.image !== undefined) {
      const why = pullspecProblem(component.image);
      if (why !== undefined) report(`${base}.image`, `invalid image pullspec: ${why}`);
      for (const field of BUILD_ONLY_FIELDS) {
        if (component[field] !== undefined) {
          report(
            `${base}.${field}`,
            `component "${component.name}" is prebuilt (image is set), so ${field} would be ignored; remove image to build it from source, or remove ${field}`,
          );
        }
      }
    } else if (spec.backend === "prebuilt") {
      report(
        `${base}.image`,
        `backend is prebuilt, so component "${component.name}" needs image (a pullspec)`,
      );
    }
    if (component.from !== undefined) add(checkReference(component.from, `${base}.from`, component));
    (component.inputs ?? []).forEach((input, j) => {
      add(checkReference(input.from, `${base}.inputs[${j}].from`, component));
      checkInput(input, `${base}.inputs[${j}]`, `component ${component.name}`, report);
    });
    if (spec.backend !== "prebuilt") checkBuiltComponent(spec, i, report);
    (component.dependsOn ?? []).forEach((dependency, j) => {
      const path = `${base}.dependsOn[${j}]`;
      if (dependency === component.name) {
        report(path, `component "${component.name}" cannot depend on itself`);
      } else if (!indexOf.has(dependency)) {
        report(
          path,
          `unknown component "${dependency}"; dependsOn names components of this payload only.${suggest(dependency)}`,
        );
      } else add(indexOf.get(dependency));
    });
    (component.skipDefaultInputs ?? []).forEach((from, j) => {
      if (!defaultFroms.has(from)) {
        report(
          `${base}.skipDefaultInputs[${j}]`,
          `no spec.defaults.inputs entry has from "${from}"; remove it or fix the name`,
        );
      }
    });
    // Default inputs that apply (see resolveComponent), without allocating resolved copies.
    let copiesFiles = (component.inputs ?? []).some((input) => (input.paths ?? []).length > 0);
    for (const input of defaultInputs) {
      if (!defaultInputApplies(component, input)) continue;
      if ((input.paths ?? []).length > 0) copiesFiles = true;
      add(indexOf.get(input.from));
    }
    if (
      component.image === undefined &&
      spec.backend !== "prebuilt" &&
      component.source?.git === undefined &&
      !copiesFiles
    ) {
      report(
        `${base}.source`,
        `component "${component.name}" has nothing to build from: set source.git.uri, add an input with paths that provides the Dockerfile, or set image for a prebuilt component`,
      );
    }
    if (node !== undefined) dependencies[node] = deps;
  });

  checkRelease(spec, indexOf, suggest, report);
  checkArchitectures(spec, report);

  const graph = graphFromAdjacency(names, indexOf, dependencies);
  const cyclic = cyclicComponents(graph);
  for (const members of cyclic) {
    const cycle = cycleThrough(graph, members, members[0] ?? 0).map((node) => names[node] ?? "");
    report(`spec.components[${nodes[members[0] ?? 0] ?? 0}]`, describeCycle(cycle, spec, firstIndex));
  }
  return { problems, graph, acyclic: cyclic.length === 0 };
}

type Report = (path: string, message: string) => void;

/**
 * `` ("bаse" has the non-ASCII character "а" U+0430, ...)`` for a reference with characters outside
 * ASCII, which often only look like the letters of a component name; `""` otherwise.
 */
function lookAlikeHint(reference: string): string {
  const foreign = [...new Set([...reference].filter((char) => (char.codePointAt(0) ?? 0) > 0x7f))];
  if (foreign.length === 0) return "";
  const listed = foreign
    .slice(0, 3)
    .map((char) => `"${char}" U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`)
    .join(", ");
  return ` ("${reference}" has the non-ASCII character${foreign.length === 1 ? "" : "s"} ${listed}, which may only look like a letter of a component name; component names and pullspecs are ASCII)`;
}

/**
 * `spec.architectures`: each architecture once; with more than one, every built component's
 * per-architecture build name (`<component>-<arch>`) must be a valid component name of its own.
 */
function checkArchitectures(spec: PayloadBuildSpec, report: Report): void {
  const architectures = spec.architectures ?? [];
  const seen = new Set<string>();
  architectures.forEach((architecture, i) => {
    if (seen.has(architecture)) {
      report(`spec.architectures[${i}]`, `duplicate architecture "${architecture}"; list each once`);
    }
    seen.add(architecture);
  });
  if (seen.size > 1) {
    // Each built component gets a build unit, an ImageStream tag and a status entry per architecture.
    const names = new Set(spec.components.map((c) => c.name));
    spec.components.forEach((component, i) => {
      if (component.image !== undefined) return;
      for (const architecture of seen) {
        const unit = unitName(component.name, architecture);
        if (unit.length > COMPONENT_NAME_MAX_LENGTH) {
          report(
            `spec.components[${i}].name`,
            `"${component.name}" is too long for a multi-arch payload: its ${architecture} build is named "${unit}" (${unit.length} characters, at most ${COMPONENT_NAME_MAX_LENGTH}); shorten the name by ${unit.length - COMPONENT_NAME_MAX_LENGTH}`,
          );
        } else if (names.has(unit)) {
          report(
            `spec.components[${i}].name`,
            `the ${architecture} build of "${component.name}" is named "${unit}", which is also a component of the payload; rename one of them`,
          );
        }
      }
    });
  }
}

/** Checks spec.release: its base component, include list and fromRelease pullspec. */
function checkRelease(
  spec: PayloadBuildSpec,
  indexOf: ReadonlyMap<string, number>,
  suggest: (name: string) => string,
  report: Report,
): void {
  const release = spec.release;
  if (release === undefined) return;
  if (release.fromRelease === undefined && !indexOf.has(release.baseComponent)) {
    report(
      "spec.release.baseComponent",
      `the release image is built on component "${release.baseComponent}", which is not in spec.components; add it (the Cluster Version Operator image), set release.baseComponent to the component that holds it, or set release.fromRelease`,
    );
  }
  (release.include ?? []).forEach((name, j) => {
    if (!indexOf.has(name)) {
      report(
        `spec.release.include[${j}]`,
        `unknown component "${name}"; include lists components of this payload.${suggest(name)}`,
      );
    }
  });
  if (release.fromRelease !== undefined) {
    const why = pullspecProblem(release.fromRelease);
    if (why !== undefined) report("spec.release.fromRelease", `invalid release pullspec: ${why}`);
  }
}

/** The message for a dependency cycle, with a hint when an edge comes only from spec.defaults.inputs. */
function describeCycle(
  cycle: readonly string[],
  spec: PayloadBuildSpec,
  firstIndex: ReadonlyMap<string, number>,
): string {
  const viaDefaults = cycle.flatMap((name, k) => {
    const next = cycle[(k + 1) % cycle.length] ?? "";
    return dependsOnlyThroughDefaults(spec.components[firstIndex.get(name) ?? -1], next)
      ? [`${name} gets ${next} from spec.defaults.inputs (add skipDefaultInputs: [${next}] to ${name})`]
      : [];
  });
  const hint = viaDefaults.length > 0 ? `; ${viaDefaults.join("; ")}` : "; remove one of these dependencies";
  return `dependency cycle: ${formatCycle(cycle)} (each depends on the next)${hint}`;
}
/** True when `component` does not name `dependency` itself (the edge comes from spec.defaults.inputs). */
function dependsOnlyThroughDefaults(component: ComponentSpec | undefined, dependency: string): boolean {
  if (component === undefined) return false;
  return (
    component.from !== dependency &&
    !(component.inputs ?? []).some((input) => input.from === dependency) &&
    !(component.dependsOn ?? []).includes(dependency)
  );
}

/** A PayloadBuild that passed every check, with its graph. */
export interface ValidPayloadBuild {
  readonly payloadBuild: PayloadBuild;
  readonly graph: ComponentGraph;
}

/** Spec fields the graph checks need intact; schema problems elsewhere do not hide graph problems. */
const GRAPH_FIELDS = new Set(["components", "defaults"]);

/**
 * Graph problems of a spec the schema rejected, when the rejected fields are not ones the graph
 * needs: those fields are replaced by valid stand-ins (or dropped) and the rest is validated, so a
 * bad release name does not hide a dependency cycle. Problems about stand-ins are left out.
 */
function salvageGraphProblems(input: unknown, problems: readonly Problem[]): Problem[] {
  if (typeof input !== "object" || input === null) return [];
  const spec = (input as { spec?: unknown }).spec;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return [];
  const broken = new Set<string>();
  for (const problem of problems) {
    const match = /^spec\.([A-Za-z]+)/.exec(problem.path);
    if (match?.[1] === undefined) continue; // apiVersion, kind, metadata: no bearing on the graph
    broken.add(match[1]);
  }
  if ([...broken].some((field) => GRAPH_FIELDS.has(field))) return [];
  const repaired: Record<string, unknown> = { ...(spec as Record<string, unknown>) };
  for (const field of broken) delete repaired[field];
  if (broken.has("imageStream")) repaired.imageStream = "stand-in";
  const parsed = PayloadBuildSpecSchema.safeParse(repaired);
  if (!parsed.success) return [];
  return validatePayloadSpec(parsed.data).problems.filter(
    (p) => ![...broken].some((f) => p.path.startsWith(`spec.${f}`)),
  );
}

/**
 * Parses and validates an untrusted object, returning every problem found: schema problems, plus
 * graph problems (references, cycles, pullspecs) whenever the components themselves parse.
 */
export function validatePayloadBuild(input: unknown): ParseResult<ValidPayloadBuild> {
  const parsed = parsePayloadBuild(input);
  if (!parsed.ok)
    return { ok: false, problems: [...parsed.problems, ...salvageGraphProblems(input, parsed.problems)] };
  const validation = validatePayloadSpec(parsed.value.spec);
  if (validation.problems.length > 0) return { ok: false, problems: validation.problems };
  return { ok: true, value: { payloadBuild: parsed.value, graph: validation.graph } };
}
