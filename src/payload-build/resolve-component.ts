/**
 * A component with `spec.defaults` applied: the inputs, build args, env and resources its build
 * really uses. The graph, the build backends and input hashing all read this, never the raw spec.
 */
import type {
  Architecture,
  ComponentInput,
  ComponentSpec,
  PayloadBuildSpec,
  ResourceRequirements,
} from "../api/index.js";

/** An input of a resolved component, with where it came from (for error paths). */
export interface ResolvedInput extends ComponentInput {
  /** Field path of the input in the spec: `spec.components[3].inputs[0]` or `spec.defaults.inputs[1]`. */
  readonly path: string;
  /** True when the input comes from `spec.defaults.inputs`. */
  readonly fromDefaults: boolean;
}

/** A component with its defaults applied. */
export interface ResolvedComponent {
  readonly name: string;
  readonly spec: ComponentSpec;
  /** Index in `spec.components`. */
  readonly specIndex: number;
  /** True for a prebuilt component (`image` set): no build, no defaults. */
  readonly prebuilt: boolean;
  /** Own inputs first, then the applicable default inputs. */
  readonly inputs: readonly ResolvedInput[];
  readonly buildArgs: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string>>;
  readonly resources: ResourceRequirements | undefined;
  /**
   * The CPU architecture the component is built for, when `spec.architectures` names one: its
   * builds run with the nodeSelector `kubernetes.io/arch` of it and it is part of the input
   * identity. Unset: the build cluster's default, and neither is touched.
   */
  readonly architecture?: Architecture;
  /**
   * For a per-architecture build unit of a multi-arch payload (`name` is `<component>-<arch>`):
   * the component it builds, under whose name its dependents refer to it.
   */
  readonly builds?: string;
  /**
   * With `spec.rebuild` set, what the component's key was computed from and must be built with:
   * the commit its git ref resolved to (the build checks it out, not the moving ref) and the
   * labels its image carries (full component key, key document, the PayloadBuild building it).
   */
  readonly pinned?: PinnedBuild;
  /** Annotations of the component's ImageStream spec tag, where the operator writes one (the component key). */
  readonly tagAnnotations?: Readonly<Record<string, string>>;
  /** Annotations its spec tag must lose where the operator writes it (a rebuilt image's stale `reused-from`). */
  readonly tagAnnotationsRemoved?: readonly string[];
}

/** What a keyed build is pinned to (see {@link ResolvedComponent.pinned}). */
export interface PinnedBuild {
  /** 40-hex commit; unset for a component without a git source. */
  readonly commit?: string;
  readonly imageLabels: Readonly<Record<string, string>>;
}

/**
 * Whether default input `input` applies to `component`: not for prebuilt components, not when the
 * component sets `skipDefaults` or lists the input's `from` in `skipDefaultInputs`, and never an
 * input that is the component itself (the builder does not replace its own stages with itself).
 */
export function defaultInputApplies(component: ComponentSpec, input: ComponentInput): boolean {
  if (component.image !== undefined || component.skipDefaults) return false;
  if (input.from === component.name) return false;
  return !(component.skipDefaultInputs ?? []).includes(input.from);
}

/** Applies `spec.defaults` to the component at `specIndex`. */
export function resolveComponent(spec: PayloadBuildSpec, specIndex: number): ResolvedComponent {
  const component = spec.components[specIndex];
  if (component === undefined) throw new RangeError(`no component at spec.components[${specIndex}]`);
  const prebuilt = component.image !== undefined;
  const useDefaults = !prebuilt && !component.skipDefaults;
  const defaults = useDefaults ? spec.defaults : undefined;
  const inputs: ResolvedInput[] = (component.inputs ?? []).map((input, j) => ({
    ...input,
    path: `spec.components[${specIndex}].inputs[${j}]`,
    fromDefaults: false,
  }));
  (spec.defaults?.inputs ?? []).forEach((input, j) => {
    if (defaultInputApplies(component, input)) {
      inputs.push({ ...input, path: `spec.defaults.inputs[${j}]`, fromDefaults: true });
    }
  });
  return {
    name: component.name,
    spec: component,
    specIndex,
    prebuilt,
    inputs,
    buildArgs: { ...defaults?.buildArgs, ...component.buildArgs },
    env: { ...defaults?.env, ...component.env },
    resources: prebuilt ? undefined : (component.resources ?? defaults?.resources),
    ...(prebuilt || spec.architectures?.[0] === undefined ? {} : { architecture: spec.architectures[0] }),
  };
}

/** Every component of the spec, resolved, in spec order. */
export function resolveComponents(spec: PayloadBuildSpec): ResolvedComponent[] {
  return spec.components.map((_, i) => resolveComponent(spec, i));
}
