/**
 * The ReleaseStream controller: wiring only. For(ReleaseStream), Owns(ImageStream, Job,
 * PayloadBuild), Watches(ImageStream -> the streams whose `spec.source.imageStream` names it); each
 * reconcile is observe -> decide -> act.
 */
import type { Logger } from "pino";
import { IMAGE_STREAMS } from "../builds/build-resources.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { ObjectKey } from "../kube/resource.js";
import type { RegistryOptions } from "../registry/image-store.js";
import type { Controller } from "../runtime/controller.js";
import type { EventRecorder } from "../runtime/event-recorder.js";
import type { InformerScope } from "../runtime/informer-cache.js";
import type { Manager } from "../runtime/manager.js";
import { requeueAfter } from "../runtime/outcome.js";
import { PAYLOAD_BUILDS } from "../payload-build/payload-build-controller.js";
import {
  integratedRegistryAccess,
  type OperatorRegistryIdentity,
} from "../payload-build/integrated-registry.js";
import { createReleaseAssembler } from "../payload-build/release-assembler.js";
import type { ReleaseAssembler } from "../payload-build/act-payload-build.js";
import { createReleaseImageDeleter } from "./release-image-deleter.js";
import { actOnReleaseStream } from "./act-release-stream.js";
import { decideReleaseStream } from "./decide-release-stream.js";
import { inputStreamNameOf, observeReleaseStream } from "./observe-release-stream.js";
import { JOBS, RELEASE_STREAM_LABEL, RELEASE_STREAMS } from "./release-stream-objects.js";
import { ReleaseStreamMetrics } from "./release-stream-metrics.js";

/** The controller's name (logs, metrics). */
export const RELEASE_STREAM_CONTROLLER = "releasestream";

const INPUT_INDEX = "inputImageStream";

/** Options of {@link setupReleaseStreamController}. */
export interface ReleaseStreamControllerOptions {
  readonly manager: Manager;
  readonly client: KubeClient;
  readonly events: EventRecorder;
  /** Watch one namespace only; all namespaces when unset. */
  readonly namespace?: string;
  readonly registryOptions?: RegistryOptions;
  /** The operator's identity to the integrated registry (release assembly reads inputs with it). */
  readonly registryIdentity?: OperatorRegistryIdentity;
  /** Delay before verification retry n. Default 1 minute doubling up to 15 minutes. */
  readonly verifyRetryDelayMs?: (failures: number) => number;
  /** Replaces the release assembly (tests). */
  readonly assembleRelease?: ReleaseAssembler;
  readonly logger?: Logger;
}

/** Wires the controller on `manager` (started with it). */
export function setupReleaseStreamController(options: ReleaseStreamControllerOptions): Controller {
  const { manager, client } = options;
  const scope: InformerScope = options.namespace === undefined ? {} : { namespace: options.namespace };
  const childScope: InformerScope = { ...scope, labelSelector: RELEASE_STREAM_LABEL };
  const metrics = new ReleaseStreamMetrics(manager.registry);
  const log = options.logger ?? manager.logger;
  const streams = manager.informer(RELEASE_STREAMS, scope, {
    [INPUT_INDEX]: (s: KubeObject) => {
      const input = inputStreamNameOf(s);
      return input === undefined ? [] : [`${s.metadata.namespace ?? ""}/${input}`];
    },
  });
  const imageStreams = manager.informer(IMAGE_STREAMS, scope);
  const jobs = manager.informer(JOBS, childScope);
  const payloadBuilds = manager.informer(PAYLOAD_BUILDS, scope);
  const assembleRelease =
    options.assembleRelease ??
    createReleaseAssembler({
      client,
      registryOptions: options.registryOptions ?? {},
      ...(options.registryIdentity === undefined
        ? {}
        : { integratedRegistry: integratedRegistryAccess(options.registryIdentity, imageStreams.store) }),
      log,
    });
  const deleteReleaseImage = createReleaseImageDeleter({
    client,
    registryOptions: options.registryOptions ?? {},
  });
  const stores = {
    streams: streams.store,
    imageStreams: imageStreams.store,
    jobs: jobs.store,
    payloadBuilds: payloadBuilds.store,
  };
  // Stale-read guard: the resourceVersion a status write replaced, until the informer shows a newer one.
  const replaced = new Map<string, string>();
  return manager
    .controller(RELEASE_STREAM_CONTROLLER)
    .for(RELEASE_STREAMS, scope)
    .owns(IMAGE_STREAMS, scope)
    .owns(JOBS, childScope)
    .owns(PAYLOAD_BUILDS, scope)
    .watches(
      IMAGE_STREAMS,
      (stream): readonly ObjectKey[] =>
        streams.store
          .byIndex(INPUT_INDEX, `${stream.metadata.namespace ?? ""}/${stream.metadata.name}`)
          .map((s) => ({ namespace: s.metadata.namespace ?? "", name: s.metadata.name })),
      scope,
    )
    .withRateLimiter({ maxDelayMs: 120_000 })
    .complete(async (key, ctx) => {
      const id = `${key.namespace ?? ""}/${key.name}`;
      const observation = observeReleaseStream(key, stores);
      const seen = observation.stream?.metadata.resourceVersion;
      if (seen !== undefined && replaced.get(id) === seen) return requeueAfter(100);
      replaced.delete(id);
      const decision = decideReleaseStream(observation, {
        now: new Date(manager.clock.now()),
        ...(options.verifyRetryDelayMs === undefined
          ? {}
          : { verifyRetryDelayMs: options.verifyRetryDelayMs }),
      });
      return actOnReleaseStream(decision, observation, {
        client,
        events: options.events,
        metrics,
        clock: manager.clock,
        log: ctx.log,
        assembleRelease,
        deleteReleaseImage,
        statusWritten: (read) => {
          if (read !== undefined) replaced.set(id, read);
        },
      });
    });
}
