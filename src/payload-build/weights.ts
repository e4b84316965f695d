/** Per-component weights (expected build durations in seconds, or 1 each when unknown). */
import type { ComponentGraph } from "./component-graph.js";

/** Durations by component name: a Map or a plain record of seconds. */
export type Durations = ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/** Looks up a duration by name in either representation. */
export function durationOf(durations: Durations, name: string): number | undefined {
  if (durations instanceof Map) return durations.get(name);
  const record = durations as Readonly<Record<string, number>>;
  return Object.hasOwn(record, name) ? record[name] : undefined;
}

/**
 * Weights indexed like `graph.names`: the duration of each component, `fallback` (default 1) for
 * components without one. Throws on a negative or non-finite duration.
 */
export function componentWeights(graph: ComponentGraph, durations?: Durations, fallback = 1): Float64Array {
  const weights = new Float64Array(graph.names.length);
  graph.names.forEach((name, i) => {
    const value = durations === undefined ? undefined : durationOf(durations, name);
    const weight = value ?? fallback;
    if (!Number.isFinite(weight) || weight < 0) {
      throw new RangeError(
        `duration of component "${name}" must be a non-negative number of seconds, got ${weight}`,
      );
    }
    weights[i] = weight;
  });
  return weights;
}
