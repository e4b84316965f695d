/**
 * The latency from a dependency landing to its dependents' Build being created, as an outside
 * observer sees it: the bench watches ImageStreams and Builds itself (its own informers, not the
 * operator's), stamps the moment each tag first passes the landed test and each component's first
 * Build appears, and {@link dependencyLatencies} pairs them through the payload's graph.
 */
import type { Logger } from "pino";
import { BUILDS, IMAGE_STREAMS } from "../../src/builds/build-resources.js";
import { COMPONENT_LABEL } from "../../src/builds/child-objects.js";
import { imageStreamTagLanded } from "../../src/builds/image-stream-tags.js";
import type { KubeClient } from "../../src/kube/kube-client.js";
import type { ComponentGraph } from "../../src/payload-build/component-graph.js";
import { systemClock } from "../../src/runtime/clock.js";
import { InformerCache } from "../../src/runtime/informer-cache.js";

/** `namespace/name` -> first time seen (ms since the epoch). */
export type FirstSeen = ReadonlyMap<string, number>;

/** What {@link watchLandingsAndBuilds} records. */
export interface LandingWatch {
  /** `namespace/tag` -> when the tag first passed the landed test. */
  readonly landedAt: FirstSeen;
  /** `namespace/component` -> when the component's first Build was seen. */
  readonly buildCreatedAt: FirstSeen;
  /** Resolves once both informers are listed. */
  synced(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts watching every namespace's ImageStreams and Builds through `client`. */
export function watchLandingsAndBuilds(client: KubeClient, logger: Logger): LandingWatch {
  const landedAt = new Map<string, number>();
  const buildCreatedAt = new Map<string, number>();
  const cache = new InformerCache({ client, clock: systemClock, logger });
  const streams = cache.informer(IMAGE_STREAMS);
  const builds = cache.informer(BUILDS);
  streams.on((event) => {
    if (event.type === "deleted") return;
    const stream = event.object;
    const namespace = stream.metadata.namespace ?? "";
    for (const { tag } of stream.status?.tags ?? []) {
      const key = `${namespace}/${tag}`;
      if (!landedAt.has(key) && imageStreamTagLanded(stream, tag).landed) landedAt.set(key, Date.now());
    }
  });
  builds.on((event) => {
    if (event.type !== "added") return;
    const component = event.object.metadata.labels?.[COMPONENT_LABEL];
    const key = `${event.object.metadata.namespace ?? ""}/${component ?? ""}`;
    if (component !== undefined && !buildCreatedAt.has(key)) buildCreatedAt.set(key, Date.now());
  });
  cache.start();
  return {
    landedAt,
    buildCreatedAt,
    synced: async () => {
      await Promise.all([streams.store.waitForSync(), builds.store.waitForSync()]);
    },
    stop: () => cache.stop(),
  };
}

/**
 * For each component of `graph` in `namespace` that was built and has dependencies: its Build's
 * creation minus the landing of its last dependency (ms). Components with a dependency whose
 * landing was not seen are left out. Includes any wait for a free `spec.concurrency` slot.
 */
export function dependencyLatencies(
  graph: ComponentGraph,
  namespace: string,
  watch: Pick<LandingWatch, "landedAt" | "buildCreatedAt">,
): number[] {
  const latencies: number[] = [];
  graph.names.forEach((name, i) => {
    const created = watch.buildCreatedAt.get(`${namespace}/${name}`);
    const dependencies = graph.dependencies[i] ?? [];
    if (created === undefined || dependencies.length === 0) return;
    let last = -Infinity;
    for (const d of dependencies) {
      const landed = watch.landedAt.get(`${namespace}/${graph.names[d] ?? ""}`);
      if (landed === undefined) return;
      last = Math.max(last, landed);
    }
    latencies.push(created - last);
  });
  return latencies;
}

/** The `p`-th percentile (0-100, nearest rank) of `values`; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
