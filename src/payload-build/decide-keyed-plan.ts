/**
 * The one decision of `spec.rebuild`, pure: from a payload's keys and what earlier runs recorded
 * (observed by the operator's rebuild planner, or by `payloadctl plan --explain-rebuilds` from the
 * same cluster and registry), which components are reused and which are built and why, honouring
 * `spec.rebuild: Always` and each component's `rebuild: Always`. Both observers call this, so the
 * CLI's explanation and the operator's plan cannot disagree on the same observations.
 */
import type { PayloadBuildSpec } from "../api/index.js";
import { componentKeyLabels } from "./build-records.js";
import { payloadKeyOf, type ComponentKey } from "./component-key.js";
import { canonicalJson } from "./input-identity.js";
import type { KeyedComponentPlan, KeyedPlan } from "./keyed-plan.js";
import type { ComponentRecords } from "./rebuild-plan.js";
import { decideComponentRebuilds, type ComponentKeyProblem } from "./resolve-component-keys.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** What a keyed plan is decided from (see `observeKeyedInputs`). */
export interface KeyedPlanInputs {
  /** Every component's key that could be computed. */
  readonly keys: ReadonlyMap<string, ComponentKey>;
  /** Components without a key and why (with `blockedBy` when only a parent's key is missing). */
  readonly problems: readonly ComponentKeyProblem[];
  /** Component -> the commit its ref resolved to. */
  readonly commits: Readonly<Record<string, string>>;
  /** External pullspec -> digest. */
  readonly imageDigests: Readonly<Record<string, string>>;
  /** What the component repository records of each built component. */
  readonly records: ReadonlyMap<string, ComponentRecords>;
}

/** Which PayloadBuild generation the plan is of, and who builds (`namespace/name`, the built-by label). */
export interface KeyedPlanIdentity {
  readonly uid: string;
  readonly generation: number;
  readonly builtBy: string;
}

/** The components `spec` forces to be built: all with `spec.rebuild: Always`, else those with `rebuild: Always`. */
export function forcedRebuilds(
  spec: PayloadBuildSpec,
  components: readonly ResolvedComponent[],
): { readonly all: boolean; readonly components: ReadonlySet<string> } {
  return {
    all: spec.rebuild === "Always",
    components: new Set(components.filter((c) => c.spec.rebuild === "Always").map((c) => c.name)),
  };
}

/** The keyed plan: per component its key, commit, image labels and decision (see the module documentation). */
export function decideKeyedPlan(
  spec: PayloadBuildSpec,
  components: readonly ResolvedComponent[],
  inputs: KeyedPlanInputs,
  identity: KeyedPlanIdentity,
): KeyedPlan {
  const decisions = decideComponentRebuilds(inputs.keys, inputs.records, forcedRebuilds(spec, components));
  const byName = new Map(decisions.map((d) => [d.component, d]));
  const planned = new Map<string, KeyedComponentPlan>();
  for (const [component, k] of inputs.keys) {
    planned.set(component, {
      key: k.key,
      commit: inputs.commits[component],
      decision: byName.get(component),
      imageLabels: componentKeyLabels(k.key, canonicalJson(k.document), identity.builtBy),
    });
  }
  return {
    uid: identity.uid,
    generation: identity.generation,
    components: planned,
    // Components without a key only because a parent has none are left to decide: Blocked.
    problems: new Map(
      inputs.problems.filter((p) => p.blockedBy === undefined).map((p) => [p.component, p.message]),
    ),
    resolvedImages: Object.entries(inputs.imageDigests)
      .map(([image, digest]) => ({ image, digest }))
      .sort((a, b) => (a.image < b.image ? -1 : 1)),
    ...(inputs.problems.length === 0 ? { payloadKey: payloadKeyOf(inputs.keys) } : {}),
  };
}
