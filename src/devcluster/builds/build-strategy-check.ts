/**
 * What Shipwright's BuildRun reconciler checks before it creates a TaskRun, written from
 * shipwright-io/build (`pkg/reconciler/buildrun/buildrun.go`, `pkg/validate/params.go`,
 * `pkg/validate/stepresources.go`): the strategy must exist (`ClusterBuildStrategyNotFound`,
 * `BuildStrategyNotFound`), every parameter value must name a parameter the strategy declares and
 * none may be a system parameter (`shp-*`), values must have the declared type, parameters without
 * a default need a value, and `stepResources` must name steps of the strategy. A run that fails a
 * check is marked `Succeeded=False` with that reason and message, and no pod runs.
 */
import type { KubeClient } from "../../kube/kube-client.js";
import { isNotFound } from "../../kube/kube-errors.js";
import {
  BUILD_STRATEGIES,
  CLUSTER_BUILD_STRATEGIES,
  type BuildRunObject,
  type BuildStrategyObject,
  type ParamValue,
} from "./upstream-objects.js";

/** Why a BuildRun cannot run, as Shipwright words it. */
export interface StrategyProblem {
  readonly reason: string;
  readonly message: string;
}

/** The BuildRun's parameter values over its build's (same name: the BuildRun's wins), as `OverrideParams` does. */
function effectiveParams(run: BuildRunObject): ParamValue[] {
  const fromRun = run.spec?.paramValues ?? [];
  const fromBuild = (run.spec?.build?.spec?.paramValues ?? []).filter(
    (p) => !fromRun.some((r) => r.name === p.name),
  );
  return [...fromBuild, ...fromRun];
}

const hasSingleValue = (p: ParamValue): boolean =>
  p.value != null || p.configMapValue != null || p.secretValue != null;

/** The checks of the module documentation on a found strategy. Pure; undefined when the run may start. */
export function checkRunAgainstStrategy(
  run: BuildRunObject,
  strategy: BuildStrategyObject,
): StrategyProblem | undefined {
  const declared = strategy.spec?.parameters ?? [];
  const values = effectiveParams(run);
  const restricted = values.filter((p) => p.name.startsWith("shp-")).map((p) => p.name);
  if (restricted.length > 0) {
    return {
      reason: "RestrictedParametersInUse",
      message: `The following parameters are restricted and cannot be set: ${restricted.join(", ")}`,
    };
  }
  const undefinedNames = values.filter((p) => !declared.some((d) => d.name === p.name)).map((p) => p.name);
  if (undefinedNames.length > 0) {
    return {
      reason: "UndefinedParameter",
      message: `The following parameters are not defined in the build strategy: ${undefinedNames.join(", ")}`,
    };
  }
  const wrongType: string[] = [];
  const missing: string[] = [];
  for (const parameter of declared) {
    const value = values.find((p) => p.name === parameter.name);
    if ((parameter.type ?? "string") === "array") {
      if (value !== undefined && hasSingleValue(value)) wrongType.push(parameter.name);
      if (parameter.defaults == null && (value === undefined || value.values == null))
        missing.push(parameter.name);
    } else {
      if (value?.values != null) wrongType.push(parameter.name);
      if (parameter.default == null && (value === undefined || !hasSingleValue(value)))
        missing.push(parameter.name);
    }
  }
  if (wrongType.length > 0) {
    return {
      reason: "WrongParameterValueType",
      message: `The values for the following parameters are using the wrong type: ${wrongType.join(", ")}`,
    };
  }
  if (missing.length > 0) {
    return {
      reason: "MissingParameterValues",
      message: `The following parameters are required but no value has been provided: ${missing.join(", ")}`,
    };
  }
  const steps = new Set((strategy.spec?.steps ?? []).map((s) => s.name));
  const unknownStep = (run.spec?.build?.spec?.strategy?.stepResources ?? []).find((r) => !steps.has(r.name));
  if (unknownStep !== undefined) {
    return {
      reason: "UndefinedStepResource",
      message: `stepResources references step "${unknownStep.name}" which does not exist in the build strategy`,
    };
  }
  return undefined;
}

/**
 * Looks up the strategy `run` names (kind `BuildStrategy` when unset, in the run's namespace) and
 * checks the run against it. Undefined when the run may start.
 */
export async function checkBuildRunStrategy(
  client: KubeClient,
  run: BuildRunObject,
): Promise<StrategyProblem | undefined> {
  const ref = run.spec?.build?.spec?.strategy;
  const name = ref?.name ?? "";
  const kind = ref?.kind ?? "BuildStrategy";
  if (kind !== "ClusterBuildStrategy" && kind !== "BuildStrategy") {
    return { reason: "UnknownStrategyKind", message: `unknown strategy kind ${kind}` };
  }
  let strategy: BuildStrategyObject;
  try {
    strategy =
      kind === "ClusterBuildStrategy"
        ? await client.get(CLUSTER_BUILD_STRATEGIES, { name })
        : await client.get(BUILD_STRATEGIES, { namespace: run.metadata.namespace ?? "default", name });
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return kind === "ClusterBuildStrategy"
      ? {
          reason: "ClusterBuildStrategyNotFound",
          message: `clusterbuildstrategies.shipwright.io "${name}" not found`,
        }
      : { reason: "BuildStrategyNotFound", message: `buildstrategies.shipwright.io "${name}" not found` };
  }
  return checkRunAgainstStrategy(run, strategy);
}
