/**
 * The PayloadBuild controller: wiring only. For(PayloadBuild), Owns(every child kind of the build
 * backends), Watches(ImageStream -> the PayloadBuilds whose `spec.imageStream` names it); each
 * reconcile is observe -> decide -> act.
 */
import type { Logger } from "pino";
import { API_GROUP, API_VERSION, PAYLOAD_BUILD } from "../api/index.js";
import { buildChildResources, type BuildBackends } from "../builds/build-backends.js";
import { IMAGE_STREAMS } from "../builds/build-resources.js";
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
import type { EventRecorder } from "../runtime/event-recorder.js";
import type { Manager } from "../runtime/manager.js";
import type { InformerScope } from "../runtime/informer-cache.js";
import { actOnPayloadBuild, type ActDeps } from "./act-payload-build.js";
import { decidePayloadBuild } from "./decide-payload-build.js";
import type { InputHasher } from "./evaluate-components.js";
import { componentInputHash } from "./input-identity.js";
import { imageStreamNameOf, observePayloadBuild } from "./observe-payload-build.js";
import { PayloadMetrics } from "./payload-metrics.js";
import { createReleaseAssembler } from "./release-assembler.js";
import { StatusWriteLimiter } from "./status-write-limiter.js";

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
  /** Shortest time between two status writes of one PayloadBuild (progress only). Default 2000 ms. */
  readonly statusMinIntervalMs?: number;
  /** Delay before retry n of a failed build. Default 10 s doubling up to 5 min. */
  readonly retryDelayMs?: (failures: number) => number;
  /**
   * Longest backoff after a failed reconcile (e.g. a release push that failed). Default 2 min, so
   * that fixing the cause outside the cluster's view (a registry, a push Secret) is noticed soon.
   */
  readonly errorBackoffMaxMs?: number;
  /** Concurrent reconciles of distinct PayloadBuilds. Default 4. */
  readonly maxConcurrentReconciles?: number;
  readonly logger?: Logger;
}

/** The input identity as the backends record it: `componentInputHash` over the backend's identity. */
export const backendInputHash: InputHasher = (component, dependencyImages, backend) =>
  componentInputHash(component, backend.identity, dependencyImages);

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
  const assembleRelease = createReleaseAssembler({
    client,
    registryOptions: options.registryOptions ?? {},
    log,
  });
  const stores = {
    payloadBuilds: payloadBuilds.store,
    children: childStores,
    imageStreams: imageStreams.store,
  };
  let builder = manager
    .controller(PAYLOAD_BUILD_CONTROLLER)
    .for(PAYLOAD_BUILDS, scope)
    .withMaxConcurrentReconciles(options.maxConcurrentReconciles ?? 4)
    .withRateLimiter({ maxDelayMs: options.errorBackoffMaxMs ?? 120_000 });
  for (const resource of childResources) builder = builder.owns(resource, childScope);
  builder = builder.watches(
    IMAGE_STREAMS,
    (stream): readonly ObjectKey[] =>
      payloadBuilds.store
        .byIndex(IMAGE_STREAM_INDEX, `${stream.metadata.namespace ?? ""}/${stream.metadata.name}`)
        .map((pb) => ({ namespace: pb.metadata.namespace ?? "", name: pb.metadata.name })),
    scope,
  );
  return builder.complete(async (key, ctx) => {
    const observation = observePayloadBuild(key, stores);
    const decision = decidePayloadBuild(observation, {
      now: new Date(manager.clock.now()),
      backends,
      inputHash: backendInputHash,
      ...(options.retryDelayMs === undefined ? {} : { retryDelayMs: options.retryDelayMs }),
    });
    return actOnPayloadBuild(decision, observation, {
      client,
      events: routeEvents(options.events, options.buildEvents ?? options.events),
      metrics,
      clock: manager.clock,
      log: ctx.log,
      statusLimiter: limiter,
      assembleRelease,
      childResources,
    });
  });
}
