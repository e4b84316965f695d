/**
 * What the web UI reads: a read-only view of the operator's own informer stores (the same
 * ReleaseStream and PayloadBuild informers its controllers use), so a page view costs the API server
 * nothing. `onChange` tells live views that something they show may have changed.
 */
import type { KubeObject } from "../kube/kube-object.js";
import { PAYLOAD_BUILDS } from "../payload-build/payload-build-controller.js";
import { RELEASE_STREAMS } from "../release-stream/release-stream-objects.js";
import type { InformerScope } from "../runtime/informer-cache.js";
import type { Manager } from "../runtime/manager.js";
import type { Store } from "../runtime/store.js";

/** The objects the pages are built from. Every object is deep-frozen; nothing here writes. */
export interface WebSource {
  /** Every ReleaseStream in scope. */
  releaseStreams(): readonly KubeObject[];
  /** Every PayloadBuild in scope. */
  payloadBuilds(): readonly KubeObject[];
  /** True once both stores hold a complete list (pages say "loading" before). */
  isSynced(): boolean;
  /** Calls `listener` after any ReleaseStream or PayloadBuild changes; returns the unsubscribe function. */
  onChange(listener: (kind: "ReleaseStream" | "PayloadBuild") => void): () => void;
}

/** A {@link WebSource} over two stores and a change feed (used by the manager adapter and by tests). */
export function webSourceOf(
  streams: Store<KubeObject>,
  payloadBuilds: Store<KubeObject>,
  subscribe: (emit: (kind: "ReleaseStream" | "PayloadBuild") => void) => void,
): WebSource {
  const listeners = new Set<(kind: "ReleaseStream" | "PayloadBuild") => void>();
  subscribe((kind) => {
    for (const l of listeners) l(kind);
  });
  return {
    releaseStreams: () => streams.list(),
    payloadBuilds: () => payloadBuilds.list(),
    isSynced: () => streams.isSynced() && payloadBuilds.isSynced(),
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The manager's ReleaseStream and PayloadBuild informers in `scope` (the controllers' own, shared:
 * asking the cache again returns the same informer, so no second watch is opened).
 */
export function webSourceFromManager(manager: Manager, scope: InformerScope): WebSource {
  const streams = manager.informer(RELEASE_STREAMS, scope);
  const builds = manager.informer(PAYLOAD_BUILDS, scope);
  return webSourceOf(streams.store, builds.store, (emit) => {
    streams.on(() => emit("ReleaseStream"));
    builds.on(() => emit("PayloadBuild"));
  });
}
