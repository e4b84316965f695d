/**
 * The "finish" step shared by Builds and BuildRuns: decide injected failures, produce and push
 * the image, and record the push on the ImageStream the way the integrated registry does.
 */
import type { Logger } from "pino";
import type { KubeClient } from "../../kube/kube-client.js";
import type { Clock } from "../../runtime/clock.js";
import type { BehaviourControl } from "./build-behaviour.js";
import type { BuildTarget } from "./build-request.js";
import type { ImageSources } from "./image-sources.js";
import type { ImageStreamWriter } from "./image-stream-writer.js";
import { buildWithBuildah, isLocalSource, type BuildahOptions } from "./buildah-build.js";
import { BuildFailure, produceImage, type ProduceImageDeps, type ProducedImage } from "./produce-image.js";
import { componentProfileOf, type SimulationProfile } from "./simulation-profile.js";

/** Everything the simulated controllers share. */
export interface BuildSystemContext {
  readonly client: KubeClient;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sources: ImageSources;
  readonly streams: ImageStreamWriter;
  readonly behaviours: BehaviourControl;
  readonly profile: SimulationProfile;
  /** When set, Builds from `file://` sources are built for real with buildah. */
  readonly buildah?: BuildahOptions | undefined;
}

/** How a build ended. */
export type BuildResult =
  | { readonly ok: true; readonly image: ProducedImage; readonly repository: string; readonly tag: string }
  | { readonly ok: false; readonly reason: string; readonly message: string; readonly logSnippet: string };

/** The simulated duration of the build `target` describes (default duration when it cannot run). */
export function durationOf(ctx: BuildSystemContext, target: BuildTarget): number {
  const component = target.ok ? target.request.component : "";
  return ctx.behaviours.durationMs(component, componentProfileOf(ctx.profile, component));
}

/**
 * Runs the build. `stillWanted` is asked after the push and before anything is recorded: when it
 * answers false (the build was deleted or cancelled meanwhile), nothing is recorded and the result
 * is undefined.
 */
export async function runBuild(
  ctx: BuildSystemContext,
  target: BuildTarget,
  buildId: string,
  stillWanted: () => Promise<boolean>,
): Promise<BuildResult | undefined> {
  if (!target.ok) return { ...target, logSnippet: `error: ${target.message}` };
  const { request, imageStream } = target;
  const profile = componentProfileOf(ctx.profile, request.component);
  const injected = ctx.behaviours.decideFailure(request.component, buildId, profile);
  if (injected !== undefined) return { ok: false, ...injected };
  let image: ProducedImage;
  const deps: ProduceImageDeps = {
    sources: ctx.sources,
    imageStreamTagPullspec: (namespace, stream, tag) => ctx.streams.tagPullspec(namespace, stream, tag),
  };
  try {
    image =
      ctx.buildah !== undefined && isLocalSource(request.uri)
        ? await buildWithBuildah(ctx.buildah, deps, request, profile)
        : await produceImage(deps, request, profile);
  } catch (e) {
    if (e instanceof BuildFailure)
      return { ok: false, reason: e.reason, message: e.message, logSnippet: e.logSnippet };
    throw e;
  }
  if (!(await stillWanted())) return undefined;
  if (imageStream !== undefined)
    await ctx.streams.recordPush(
      imageStream.namespace,
      imageStream.name,
      imageStream.tag,
      image.digest,
      ctx.clock.now(),
    );
  ctx.logger.info(
    { component: request.component, image: image.pullspec, tag: request.output.tag },
    "simulated build pushed its image",
  );
  return { ok: true, image, repository: request.output.repository, tag: request.output.tag };
}
