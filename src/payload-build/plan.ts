/** The build plan of a payload: levels, critical path, lower bound and per-component facts. */
import type { PlanStatus } from "../api/index.js";
import type { ComponentGraph } from "./component-graph.js";
import { criticalPath, pathLengths } from "./critical-path.js";
import { computeLevels, topologicalOrder } from "./levels.js";
import { makespanLowerBound, type MakespanLowerBound } from "./lower-bound.js";
import { componentWeights, type Durations } from "./weights.js";

/** Planned facts about one component. */
export interface PlannedComponent {
  readonly name: string;
  readonly level: number;
  readonly dependencies: readonly string[];
  /** Expected duration (1 when no durations were given). */
  readonly weight: number;
  /** Longest remaining weighted path from this component: its scheduling priority. */
  readonly priority: number;
  readonly critical: boolean;
}

/** A payload's plan. */
export interface PayloadPlan {
  readonly concurrency: number;
  /** Components in graph (spec) order. */
  readonly components: readonly PlannedComponent[];
  /** Names per dependency level, each sorted by name. */
  readonly levels: readonly (readonly string[])[];
  readonly criticalPath: readonly string[];
  readonly criticalPathLength: number;
  readonly totalWork: number;
  readonly lowerBound: MakespanLowerBound;
  /** True when the weights are real durations in seconds (false: every component weighs 1). */
  readonly weighted: boolean;
}

/** Plans an acyclic graph for `concurrency` slots. Throws on cycles (validate first). */
export function planPayload(graph: ComponentGraph, concurrency: number, durations?: Durations): PayloadPlan {
  const weights = componentWeights(graph, durations);
  const order = topologicalOrder(graph);
  const { levelOf, levels } = computeLevels(graph, order);
  const paths = pathLengths(graph, weights, order);
  const path = criticalPath(graph, weights, paths);
  const onPath = new Set(path.names);
  let totalWork = 0;
  for (const w of weights) totalWork += w;
  const components = graph.names.map((name, i): PlannedComponent => ({
    name,
    level: levelOf[i] ?? 0,
    dependencies: (graph.dependencies[i] ?? []).map((d) => graph.names[d] ?? ""),
    weight: weights[i] ?? 0,
    priority: paths.tail[i] ?? 0,
    critical: onPath.has(name),
  }));
  return {
    concurrency,
    components,
    levels,
    criticalPath: path.names,
    criticalPathLength: path.length,
    totalWork,
    lowerBound: makespanLowerBound(graph, weights, concurrency, { paths }),
    weighted: durations !== undefined,
  };
}

/** The compact plan summary written to `status.plan`. Seconds only when the plan used durations. */
export function planStatus(plan: PayloadPlan): PlanStatus {
  return {
    levels: plan.levels.length,
    criticalPath: [...plan.criticalPath],
    ...(plan.weighted
      ? {
          criticalPathSeconds: Math.round(plan.criticalPathLength),
          lowerBoundSeconds: Math.round(plan.lowerBound.value),
        }
      : {}),
  };
}
