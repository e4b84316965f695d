/**
 * `startBuildSystem`: the simulated build system, as controllers that reach the cluster only through
 * the API of whatever `kubeConfig` points at (the dev cluster, or a real kube-apiserver serving
 * Builds, BuildRuns and ImageStreams as CRDs) and push real images to one registry through the
 * Docker Registry HTTP API v2: the build controller (Builds), the Shipwright controller (BuildRuns)
 * and the ImageStream controller (spec tag generations, repositories, imports). They read these
 * kinds with their own schemas (`upstream-objects.ts`), never the operator's. `buildSystemAddon`
 * starts it with the dev cluster.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { createKubeClient } from "../../kube/kube-client.js";
import { silentLogger } from "../../observability/logger.js";
import { systemClock, type Clock } from "../../runtime/clock.js";
import { Manager } from "../../runtime/manager.js";
import type { RegistryOptions } from "../../registry/image-store.js";
import type { DevClusterAddon } from "../dev-cluster.js";
import { BehaviourControl, type BuildBehaviour } from "./build-behaviour.js";
import type { BuildahOptions } from "./buildah-build.js";
import { buildReconciler, isWaitingBuild } from "./build-controller.js";
import { buildRunReconciler } from "./build-run-controller.js";
import { ImageSources } from "./image-sources.js";
import { imageStreamReconciler } from "./image-stream-controller.js";
import { ImageStreamWriter } from "./image-stream-writer.js";
import type { BuildSystemContext } from "./run-build.js";
import { EMPTY_PROFILE, loadSimulationProfile, type SimulationProfile } from "./simulation-profile.js";
import { BUILD_RUNS, BUILDS, IMAGE_STREAMS } from "./upstream-objects.js";

/** Options of {@link startBuildSystem} and {@link buildSystemAddon}. */
export interface BuildSystemOptions {
  /**
   * The registry images are pushed to and ImageStreams live in (`<host>/<namespace>/<stream>`): the
   * dev cluster's integrated registry (`startRegistryServer`) or any Docker Registry HTTP API v2
   * server, e.g. Debian's `docker-registry`. `host` is `127.0.0.1:PORT`; it is spoken to in plain HTTP.
   */
  readonly registry: { readonly host: string };
  /** Connection options for every registry (the integrated host is always plain HTTP). */
  readonly registryOptions?: RegistryOptions;
  /** What images contain: a parsed profile or the path of a YAML file; default: every component plain. */
  readonly profile?: SimulationProfile | string;
  /** Divides every build duration (default 1; tests use 20 or more). */
  readonly speed?: number;
  /** Registries read for real (default: the integrated one and 127.0.0.1/localhost); others are synthesized. */
  readonly isReachable?: (registry: string) => boolean;
  /** Builds run at once (default 16). */
  readonly maxConcurrentBuilds?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /**
   * Build `file://` sources for real with buildah (`--storage-driver vfs bud --isolation chroot`);
   * off by default. `true` uses `buildah` on PATH and the system temp dir.
   */
  readonly buildah?: BuildahOptions | boolean;
  /** Shared behaviour control (the addon passes its own so `setBehaviour` works before start). */
  readonly behaviours?: BehaviourControl;
}

/** A running build system. */
export interface RunningBuildSystem {
  /** The registry host images are pushed to. */
  readonly registryHost: string;
  /** Changes how the builds of `component` behave from now on (duration, injected failures). */
  setBehaviour(component: string, behaviour: BuildBehaviour): void;
  /** Stops the controllers (in-flight builds finish their current step) and the watches. */
  stop(): Promise<void>;
}

/** Starts the controllers against the cluster `kubeConfig` points at. Resolves once watching. */
export async function startBuildSystem(
  options: BuildSystemOptions & { readonly kubeConfig: KubeConfig },
): Promise<RunningBuildSystem> {
  const logger = (options.logger ?? silentLogger()).child({ component: "simulated-build-system" });
  const clock = options.clock ?? systemClock;
  const profile =
    typeof options.profile === "string"
      ? await loadSimulationProfile(options.profile)
      : (options.profile ?? EMPTY_PROFILE);
  // One connection pool for all of its requests (a build makes a dozen), not one per request.
  const client = createKubeClient(options.kubeConfig, { reuseConnections: true });
  const registryHost = options.registry.host;
  const behaviours = options.behaviours ?? new BehaviourControl(options.speed ?? 1);
  const manager = new Manager({
    client,
    logger,
    registry: new Registry(),
    clock,
    health: false,
    processMetrics: false,
  });
  // The ImageStream controller's informer: reads of streams are answered from it where it can.
  const streams = manager.informer(IMAGE_STREAMS);
  const ctx: BuildSystemContext = {
    client,
    clock,
    logger,
    behaviours,
    profile,
    streams: new ImageStreamWriter(client, registryHost, (namespace, name) =>
      streams.store.get({ namespace, name }),
    ),
    buildah: options.buildah === true ? {} : options.buildah === false ? undefined : options.buildah,
    sources: new ImageSources({
      registryHost,
      profile,
      ...(options.registryOptions === undefined ? {} : { registryOptions: options.registryOptions }),
      ...(options.isReachable === undefined ? {} : { isReachable: options.isReachable }),
    }),
  };
  const concurrency = options.maxConcurrentBuilds ?? 16;
  const build = buildReconciler(ctx, registryHost);
  const buildRun = buildRunReconciler(ctx, registryHost);
  const imageStream = imageStreamReconciler(ctx);
  const builds = manager.informer(BUILDS);
  manager
    .controller("simulated-builds")
    .for(BUILDS)
    // Builds waiting in New for an output or input ImageStream go on when a stream of their namespace changes.
    .watches(IMAGE_STREAMS, (stream) =>
      builds.store
        .list(stream.metadata.namespace)
        .filter(isWaitingBuild)
        .map((b) => ({ namespace: b.metadata.namespace ?? "", name: b.metadata.name })),
    )
    .withMaxConcurrentReconciles(concurrency)
    .complete((key) => build(key));
  manager
    .controller("simulated-buildruns")
    .for(BUILD_RUNS)
    .withMaxConcurrentReconciles(concurrency)
    .complete((key) => buildRun(key));
  manager
    .controller("simulated-image-streams")
    .for(IMAGE_STREAMS)
    .withMaxConcurrentReconciles(4)
    .complete((key) => imageStream(key));
  await manager.start();
  logger.info({ registryHost }, "simulated build system started");
  return {
    registryHost,
    setBehaviour: (component, behaviour) => behaviours.set(component, behaviour),
    stop: () => manager.stop(),
  };
}

/** A dev cluster addon that also takes behaviour changes (before or after the cluster starts). */
export type BuildSystemAddon = DevClusterAddon & {
  setBehaviour(component: string, behaviour: BuildBehaviour): void;
};

/**
 * The build system as a dev cluster addon: `startDevCluster({ addons: [buildSystemAddon({ registry })] })`.
 * Start the integrated registry first (`startRegistryServer`) and pass it as `registry`.
 */
export function buildSystemAddon(options: BuildSystemOptions): BuildSystemAddon {
  const behaviours = options.behaviours ?? new BehaviourControl(options.speed ?? 1);
  const addon: DevClusterAddon = (ctx) =>
    startBuildSystem({ ...options, behaviours, kubeConfig: ctx.kubeConfig });
  return Object.assign(addon, {
    setBehaviour: (component: string, behaviour: BuildBehaviour) => behaviours.set(component, behaviour),
  });
}
