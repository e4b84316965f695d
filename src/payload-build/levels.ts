/** Topological order and dependency levels. */
import type { ComponentGraph } from "./component-graph.js";
import { DependencyCycleError, findCycles } from "./cycles.js";

/**
 * A topological order (every component after its dependencies; Kahn's algorithm, ties by index).
 * Throws {@link DependencyCycleError} naming the cycles when the graph has any.
 */
export function topologicalOrder(graph: ComponentGraph): Int32Array {
  const n = graph.names.length;
  const pending = new Int32Array(n);
  for (let i = 0; i < n; i++) pending[i] = graph.dependencies[i]?.length ?? 0;
  const order = new Int32Array(n);
  let tail = 0;
  for (let i = 0; i < n; i++) if (pending[i] === 0) order[tail++] = i;
  for (let head = 0; head < tail; head++) {
    for (const d of graph.dependents[order[head] ?? 0] ?? []) {
      const left = (pending[d] ?? 0) - 1;
      pending[d] = left;
      if (left === 0) order[tail++] = d;
    }
  }
  if (tail < n) throw new DependencyCycleError(findCycles(graph));
  return order;
}

/** Dependency levels: level 0 has no dependencies; level k components depend on some level k-1 one. */
export interface ComponentLevels {
  /** `levelOf[i]`: level of component `i`. */
  readonly levelOf: Int32Array;
  /** Component names per level, each level sorted by name. */
  readonly levels: readonly (readonly string[])[];
}

/** Computes dependency levels (the batches a level-by-level pipeline would run). Throws on cycles. */
export function computeLevels(graph: ComponentGraph, order = topologicalOrder(graph)): ComponentLevels {
  const levelOf = new Int32Array(graph.names.length);
  let depth = 0;
  for (const v of order) {
    let level = 0;
    for (const d of graph.dependencies[v] ?? []) level = Math.max(level, (levelOf[d] ?? 0) + 1);
    levelOf[v] = level;
    depth = Math.max(depth, level + 1);
  }
  const levels: string[][] = Array.from({ length: graph.names.length === 0 ? 0 : depth }, () => []);
  graph.names.forEach((name, i) => levels[levelOf[i] ?? 0]?.push(name));
  for (const level of levels) level.sort(compareNames);
  return { levelOf, levels };
}

/** Code-unit order of names: deterministic across locales. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
