/**
 * The PayloadBuild controller: wiring only. For(PayloadBuild), Owns(every child kind of the build
 * backends), Watches(ImageStream -> the PayloadBuilds whose `spec.imageStream` names it); each
 * reconcile is observe -> decide -> act.
 */
import type { Logger } from "pino";
import { API_GROUP, API_VERSION, PAYLOAD_BUILD } from "../api/index.js";
import { buildChildResources, type BuildBackends } from "../builds/build-backends.js";
import { BUILDS, IMAGE_STREAMS } from "../builds/build-resources.js";
import { PAYLOAD_BUILD_LABEL } from "../builds/child-objects.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import {
  kubeResource,
  type KubeResource,
  type ObjectKey,
  type ResourceDescriptor,
} from "../kube/resource.js";
import type { RegistryOptions } from "../registry/image-store.js";
import type { Controller } from "../runtime/controller.js";
import type { DebounceOptions } from "../runtime/debounce.js";
import { ownerKeys, type EventFilter } from "../runtime/controller-builder.js";
import type { EventRecorder } from "../runtime/event-recorder.js";
import type { Manager } from "../runtime/manager.js";
import type { Store } from "../runtime/store.js";
import type { InformerScope } from "../runtime/informer-cache.js";
import type { WatcherEvent } from "../runtime/watcher.js";
import { actOnPayloadBuild, jsonEqual, type ActDeps } from "./act-payload-build.js";
import { CreateExpectations } from "./create-expectations.js";
import { decidePayloadBuild } from "./decide-payload-build.js";
import type { InputHasher } from "./evaluate-components.js";
import { componentInputHash } from "./input-identity.js";
import { imageStreamNameOf, observePayloadBuild } from "./observe-payload-build.js";
import { PayloadBuildMemo } from "./payload-build-memo.js";
import { PayloadMetrics } from "./payload-metrics.js";
import { integratedRegistryAccess, type OperatorRegistryIdentity } from "./integrated-registry.js";
import { ASSEMBLER_CACHE_BYTES, createReleaseAssembler } from "./release-assembler.js";
import { createReleasePrefetcher } from "./release-prefetcher.js";
import { MemoryContentCache } from "../registry/content-cache.js";
import { createComponentIndexPusher } from "./component-index-pusher.js";
import { StatusWriteLimiter } from "./status-write-limiter.js";
import { RebuildPlanner } from "./rebuild-planner.js";
import { rebuildsPlannedNote, type KeyedPlan } from "./keyed-plan.js";
import { validatePayloadBuild } from "./validate-payload.js";

/** `payload.okd.io/v1alpha1` PayloadBuild, read with the generic schema: validation is the reconciler's job. */
export const PAYLOAD_BUILDS: KubeResource = kubeResource({
  group: API_GROUP,
  version: API_VERSION,
  kind: PAYLOAD_BUILD.kind,
  plural: PAYLOAD_BUILD.plural,
  namespaced: true,
});

/** The controller's name (logs, metrics, the Events' reporting controller). */
export const PAYLOAD_BUILD_CONTROLLER = "payloadbuild";

/** Index of PayloadBuilds by the ImageStream they use: `namespace/imageStream`. */
const IMAGE_STREAM_INDEX = "imageStream";

/** Options of {@link setupPayloadBuildController}. */
export interface PayloadBuildControllerOptions {
  readonly manager: Manager;
  readonly client: KubeClient;
  readonly backends: BuildBackends;
  /** Records the outcome Events (ReleasePushed, ComponentFailed, InvalidSpec, ...). */
  readonly events: EventRecorder;
  /**
   * Records the routine per-build Events (BuildStarted, BuildRetried); default `events`. A
   * separate recorder has its own rate limit, so a burst of builds never crowds out the
   * ReleasePushed Event.
   */
  readonly buildEvents?: EventRecorder;
  /** Watch one namespace only; all namespaces when unset. */
  readonly namespace?: string;
  /** Registry options for release assembly (insecure registries, CA bundle). */
  readonly registryOptions?: RegistryOptions;
  /** The operator's identity to the integrated registry (release assembly reads components with it). */
  readonly registryIdentity?: OperatorRegistryIdentity;
  /** Shortest time between two status writes of one PayloadBuild (progress only). Default 2000 ms. */
  readonly statusMinIntervalMs?: number;
  /** Delay before retry n of a failed build. Default 10 s doubling up to 5 min. */
  readonly retryDelayMs?: (failures: number) => number;
  /**
   * Longest backoff after a failed reconcile (e.g. a release push that failed). Default 2 min, so
   * that fixing the cause outside the cluster's view (a registry, a push Secret) is noticed soon.
   */
  readonly errorBackoffMaxMs?: number;
  /** Concurrent creates and deletes within one reconcile. Default 16. */
  readonly writeConcurrency?: number;
  /** Concurrent reconciles of distinct PayloadBuilds. Default 4. */
  readonly maxConcurrentReconciles?: number;
  /**
   * Coalescing of the watch events that wake one PayloadBuild (its own, its children's, its
   * ImageStream's): default {@link DEFAULT_RECONCILE_DEBOUNCE}; a `windowMs` of 0 turns it off.
   */
  readonly reconcileDebounce?: DebounceOptions;
  /**
   * Whether a release's landed components are read while the others build (`release-prefetcher.ts`).
   * Default true.
   */
  readonly releaseReadAhead?: boolean;
  readonly logger?: Logger;
}

/**
 * A PayloadBuild is reconciled once its objects have been quiet for 200 ms, and at most 1 s after
 * the first event: a burst of Build completions and ImageStream updates becomes one reconcile
 * (about 3.9 reconciles per component without it), at the cost of up to a second before a landed
 * dependency's dependents are started.
 */
export const DEFAULT_RECONCILE_DEBOUNCE: DebounceOptions = { windowMs: 200, maxDelayMs: 1000 };

/** The input identity as the backends record it: `componentInputHash` over the backend's identity. */
export const backendInputHash: InputHasher = (component, dependencyImages, backend) =>
  componentInputHash(component, backend.identity, dependencyImages);

const LIVE_BUILD_PHASES: ReadonlySet<unknown> = new Set(["New", "Pending", "Running"]);

function buildPhaseOf(obj: KubeObject): unknown {
  const status: unknown = obj["status"];
  return typeof status === "object" && status !== null
    ? (status as Record<string, unknown>)["phase"]
    : undefined;
}

/**
 * An update of an OpenShift Build that moves between its live phases (New, Pending, Running)
 * with its metadata unchanged: every live phase reads as `building` and holds its slot, so the
 * decision is the same and only the component's status message would change. Such updates do
 * not wake the reconciler (a 1,000-component payload sends two per build); the message catches
 * up with the next event or resync. Completion, failure and deletion always pass.
 */
export function isLiveBuildProgress(event: WatcherEvent<KubeObject>): boolean {
  if (event.type !== "updated") return false;
  if (event.object.kind !== undefined && event.object.kind !== BUILDS.kind) return false;
  const before = event.previous.metadata;
  const after = event.object.metadata;
  return (
    LIVE_BUILD_PHASES.has(buildPhaseOf(event.previous)) &&
    LIVE_BUILD_PHASES.has(buildPhaseOf(event.object)) &&
    before.generation === after.generation &&
    before.deletionTimestamp === after.deletionTimestamp &&
    jsonEqual(before.labels, after.labels) &&
    jsonEqual(before.annotations, after.annotations)
  );
}

/** Routine build Events go to `builds`, everything else to `outcomes`. */
function routeEvents(outcomes: EventRecorder, builds: EventRecorder): ActDeps["events"] {
  return {
    record: (regarding, event) =>
      (event.reason === "BuildStarted" || event.reason === "BuildRetried" ? builds : outcomes).record(
        regarding,
        event,
      ),
  };
}

function asResource(descriptor: ResourceDescriptor): KubeResource {
  return "schema" in descriptor ? (descriptor as KubeResource) : kubeResource(descriptor);
}

/** Wires the controller on `manager` (started with it). Metrics go to the manager's registry. */
export function setupPayloadBuildController(options: PayloadBuildControllerOptions): Controller {
  const { manager, client, backends } = options;
  const scope: InformerScope = options.namespace === undefined ? {} : { namespace: options.namespace };
  const childScope: InformerScope = { ...scope, labelSelector: PAYLOAD_BUILD_LABEL };
  const metrics = new PayloadMetrics(manager.registry);
  const limiter = new StatusWriteLimiter(options.statusMinIntervalMs ?? 2000);
  // Per-controller state between reconciles; both only save work, neither is needed after a restart.
  const expectations = new CreateExpectations();
  const memo = new PayloadBuildMemo();
  const log = options.logger ?? manager.logger;
  const payloadBuilds = manager.informer(PAYLOAD_BUILDS, scope, {
    [IMAGE_STREAM_INDEX]: (pb: KubeObject) => {
      const stream = imageStreamNameOf(pb);
      return stream === undefined ? [] : [`${pb.metadata.namespace ?? ""}/${stream}`];
    },
  });
  const childResources = buildChildResources(backends).map(asResource);
  const childStores = childResources.map((r) => manager.informer(r, childScope).store);
  const imageStreams = manager.informer(IMAGE_STREAMS, scope);
  // The assembler and the prefetcher share one content cache: what is read while components land is
  // what the assembly then finds.
  const releaseContent = new MemoryContentCache(ASSEMBLER_CACHE_BYTES);
  const releaseSources = {
    registryOptions: options.registryOptions ?? {},
    ...(options.registryIdentity === undefined
      ? {}
      : { integratedRegistry: integratedRegistryAccess(options.registryIdentity, imageStreams.store) }),
    contentCache: releaseContent,
    log,
  };
  const assembleRelease = createReleaseAssembler({ client, ...releaseSources });
  const prefetchRelease =
    options.releaseReadAhead === false ? undefined : createReleasePrefetcher(releaseSources);
  const pushComponentIndex = createComponentIndexPusher({
    registryOptions: options.registryOptions ?? {},
    ...(options.registryIdentity === undefined
      ? {}
      : { integratedRegistry: integratedRegistryAccess(options.registryIdentity, imageStreams.store) }),
    log,
  });
  const rebuildPlanner = new RebuildPlanner({
    backends,
    client,
    registryOptions: options.registryOptions ?? {},
    ...(options.registryIdentity === undefined
      ? {}
      : { integratedRegistry: integratedRegistryAccess(options.registryIdentity, imageStreams.store) }),
    log,
  });
  // The PayloadBuilds as the reconciler reads them: the cached object, or our own status write's
  // answer while the cache still holds the version that write replaced (StatusWriteLimiter.freshest).
  const cachedPayloadBuilds = payloadBuilds.store;
  const payloadBuildsView: Store<KubeObject> = {
    get: (key) => {
      const cached = cachedPayloadBuilds.get(key);
      return cached === undefined ? undefined : limiter.freshest(cached);
    },
    list: (namespace) => cachedPayloadBuilds.list(namespace),
    byIndex: (index, value) => cachedPayloadBuilds.byIndex(index, value),
    get size() {
      return cachedPayloadBuilds.size;
    },
    isSynced: () => cachedPayloadBuilds.isSynced(),
    waitForSync: (signal) => cachedPayloadBuilds.waitForSync(signal),
  };
  const stores = {
    payloadBuilds: payloadBuildsView,
    children: childStores,
    imageStreams: imageStreams.store,
  };
  // The echo of our own status write (the version the write was answered with) changes nothing the
  // reconciler has not just seen: it need not wake it again (a busy PayloadBuild writes every 2 s).
  const notOwnStatusWrite: EventFilter<KubeObject> = (e) =>
    e.type !== "updated" ||
    !limiter.isOwnWrite(
      { namespace: e.object.metadata.namespace ?? "", name: e.object.metadata.name },
      e.object.metadata.resourceVersion,
    );
  let builder = manager
    .controller(PAYLOAD_BUILD_CONTROLLER)
    .for(PAYLOAD_BUILDS, scope, notOwnStatusWrite)
    .withMaxConcurrentReconciles(options.maxConcurrentReconciles ?? 4)
    .withRateLimiter({ maxDelayMs: options.errorBackoffMaxMs ?? 120_000 })
    .withDebounce(options.reconcileDebounce ?? DEFAULT_RECONCILE_DEBOUNCE);
  // A child's ADDED event that only echoes our own create (the version the create returned, already
  // in the expectations) changes nothing the reconciler sees: it need not wake it again.
  const notOwnCreate: EventFilter<KubeObject> = (e) =>
    e.type !== "added" ||
    !ownerKeys(PAYLOAD_BUILDS, e.object).some((owner) => expectations.isExpectedVersion(owner, e.object));
  const filter: EventFilter<KubeObject> = (e) => notOwnCreate(e) && !isLiveBuildProgress(e);
  for (const resource of childResources) builder = builder.owns(resource, childScope, filter);
  builder = builder.watches(
    IMAGE_STREAMS,
    (stream): readonly ObjectKey[] =>
      payloadBuilds.store
        .byIndex(IMAGE_STREAM_INDEX, `${stream.metadata.namespace ?? ""}/${stream.metadata.name}`)
        .map((pb) => ({ namespace: pb.metadata.namespace ?? "", name: pb.metadata.name })),
    scope,
  );
  return builder.complete(async (key, ctx) => {
    const nowMs = manager.clock.now();
    const observation = observePayloadBuild(key, stores, { expectations, nowMs, memo });
    const keyedPlan = await planRebuilds(observation, rebuildPlanner, memo, options.events);
    const decision = decidePayloadBuild(observation, {
      ...(keyedPlan === undefined ? {} : { keyedPlan }),
      now: new Date(nowMs),
      backends,
      inputHash: backendInputHash,
      memo,
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    });
    if (keyedPlan !== undefined && decision.status?.components !== undefined) {
      // A record that fails now is written by a later reconcile (the component stays Landed).
      await rebuildPlanner
        .recordBuilt(keyedPlan, key.namespace ?? "", decision.status.components)
        .catch((err: unknown) =>
          ctx.log.warn({ err }, "recording a component build by key failed; retried later"),
        );
    }
    return actOnPayloadBuild(decision, observation, {
      client,
      events: routeEvents(options.events, options.buildEvents ?? options.events),
      metrics,
      clock: manager.clock,
      log: ctx.log,
      statusLimiter: limiter,
      assembleRelease,
      ...(prefetchRelease === undefined ? {} : { prefetchRelease }),
      pushComponentIndex,
      childResources,
      expectations,
      ...(options.writeConcurrency === undefined ? {} : { writeConcurrency: options.writeConcurrency }),
    });
  });
}

/**
 * The keyed plan of the observed PayloadBuild's generation when `spec.rebuild` is set (computed
 * the first time, with its Events: RebuildsPlanned, and a Warning per component that cannot be
 * planned); undefined otherwise or while its ImageStream has no repository.
 */
async function planRebuilds(
  observation: ReturnType<typeof observePayloadBuild>,
  planner: RebuildPlanner,
  memo: PayloadBuildMemo,
  events: EventRecorder,
): Promise<KeyedPlan | undefined> {
  const raw = observation.payloadBuild;
  if (raw === undefined || raw.metadata.deletionTimestamp !== undefined) {
    if (raw?.metadata.uid !== undefined) planner.forget(raw.metadata.uid);
    return undefined;
  }
  const validated = memo.validated(raw, validatePayloadBuild);
  if (!validated.ok || validated.value.payloadBuild.spec.rebuild === undefined) return undefined;
  const { payloadBuild, graph } = validated.value;
  const result = await planner.planFor(
    payloadBuild,
    graph,
    observation.imageStream,
    observation.status?.components,
    observation.status?.resolvedImages,
  );
  if (result === undefined) return undefined;
  if (result.fresh) {
    const regarding = {
      apiVersion: `${API_GROUP}/${API_VERSION}`,
      kind: PAYLOAD_BUILD.kind,
      name: raw.metadata.name,
      namespace: raw.metadata.namespace,
      uid: raw.metadata.uid,
    };
    await events.record(regarding, {
      type: "Normal",
      reason: "RebuildsPlanned",
      action: "Plan",
      note: rebuildsPlannedNote(result.plan),
    });
    for (const message of result.plan.problems.values()) {
      await events.record(regarding, {
        type: "Warning",
        reason: "ComponentUnresolved",
        action: "Plan",
        note: message,
      });
    }
  }
  return result.plan;
}
