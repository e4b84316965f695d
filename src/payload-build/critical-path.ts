/** Weighted longest paths: to each component (head), from each component (tail), and the critical path. */
import type { ComponentGraph } from "./component-graph.js";
import { compareNames, topologicalOrder } from "./levels.js";

/** Longest weighted paths through each component, both including the component's own weight. */
export interface PathLengths {
  /** `head[i]`: longest path ending at `i` (earliest finish of `i` with unlimited slots). */
  readonly head: Float64Array;
  /** `tail[i]`: longest path starting at `i` (work that must still follow, counting `i`). */
  readonly tail: Float64Array;
}

/** Computes head and tail path lengths in O(n + m). Throws on cycles. */
export function pathLengths(
  graph: ComponentGraph,
  weights: Float64Array,
  order: Int32Array = topologicalOrder(graph),
): PathLengths {
  const n = graph.names.length;
  const head = new Float64Array(n);
  const tail = new Float64Array(n);
  for (const v of order) {
    let best = 0;
    for (const d of graph.dependencies[v] ?? []) best = Math.max(best, head[d] ?? 0);
    head[v] = best + (weights[v] ?? 0);
  }
  for (let k = n - 1; k >= 0; k--) {
    const v = order[k] ?? 0;
    let best = 0;
    for (const d of graph.dependents[v] ?? []) best = Math.max(best, tail[d] ?? 0);
    tail[v] = best + (weights[v] ?? 0);
  }
  return { head, tail };
}

/** The critical path: the heaviest chain of dependent components. */
export interface CriticalPath {
  /** Component names, first to build to last. */
  readonly names: readonly string[];
  /** Sum of their weights. */
  readonly length: number;
}

/** Finds the critical path (ties broken by name, so the result is deterministic). Throws on cycles. */
export function criticalPath(
  graph: ComponentGraph,
  weights: Float64Array,
  paths = pathLengths(graph, weights),
): CriticalPath {
  const { head } = paths;
  const better = (a: number, b: number): boolean =>
    (head[a] ?? 0) > (head[b] ?? 0) ||
    ((head[a] ?? 0) === (head[b] ?? 0) && compareNames(graph.names[a] ?? "", graph.names[b] ?? "") < 0);
  let end = -1;
  for (let i = 0; i < graph.names.length; i++) if (end === -1 || better(i, end)) end = i;
  if (end === -1) return { names: [], length: 0 };
  const chain: number[] = [end];
  for (let v = end; ;) {
    let next = -1;
    for (const d of graph.dependencies[v] ?? []) if (next === -1 || better(d, next)) next = d;
    if (next === -1) break;
    chain.push(next);
    v = next;
  }
  return { names: chain.reverse().map((i) => graph.names[i] ?? ""), length: head[end] ?? 0 };
}
