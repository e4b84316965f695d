/**
 * Build-duration models for planning and simulation.
 *
 * The seeded model gives each component a duration drawn from a log-normal distribution
 * (median 600 s, sigma 0.6, clamped to [60, 3600] s), keyed by a hash of (seed, component name):
 * the same seed and name always give the same duration, independent of the graph's order or size.
 * Prebuilt components (taken by pullspec, only tagged in) take {@link PREBUILT_SECONDS}.
 */
import type { ComponentGraph } from "./component-graph.js";

/** Parameters of the seeded log-normal model. */
export const SEEDED_DURATION_MODEL = {
  medianSeconds: 600,
  sigma: 0.6,
  minSeconds: 60,
  maxSeconds: 3600,
} as const;

/** FNV-1a 32-bit hash of a string. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** mulberry32: a small, fast, seeded PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Duration in whole seconds of component `name` under the seeded model. */
export function seededDuration(name: string, seed: number): number {
  const random = mulberry32(hash32(name, seed));
  // Box-Muller: two uniforms give one standard normal.
  const u1 = Math.max(random(), Number.EPSILON);
  const u2 = random();
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  const { medianSeconds, sigma, minSeconds, maxSeconds } = SEEDED_DURATION_MODEL;
  const seconds = Math.round(medianSeconds * Math.exp(sigma * normal));
  return Math.min(maxSeconds, Math.max(minSeconds, seconds));
}

/** Seconds a prebuilt component takes (an image tag import, no build). */
export const PREBUILT_SECONDS = 10;

/** Seeded durations of every component of `graph`; components in `prebuilt` take {@link PREBUILT_SECONDS}. */
export function seededDurations(
  graph: ComponentGraph,
  seed: number,
  prebuilt: ReadonlySet<string> = new Set(),
): Map<string, number> {
  return new Map(
    graph.names.map((name) => [name, prebuilt.has(name) ? PREBUILT_SECONDS : seededDuration(name, seed)]),
  );
}
