/**
 * The simulated image import controller: for every ImageStream spec tag `from: DockerImage` that
 * has not landed at its generation, resolves the pullspec (a reachable registry for real, anything
 * else synthesized and mirrored) and writes `status.tags[tag]`: a new item whose `generation` is
 * the spec tag's (`referencePolicy: Local` points it at `<registry>/<ns>/<stream>@digest`; `Source`
 * at the source repository; the image is copied into the stream's repository either way), or an
 * `ImportSuccess=False` condition. Like OpenShift's API server, it also fills in
 * `status.dockerImageRepository`/`publicDockerImageRepository` (spec tag generations are stamped
 * by the dev cluster's ImageStream strategy, as OpenShift's API server does).
 */
import { copyImage } from "../../registry/copy-image.js";
import { isRegistryError } from "../../registry/image-store.js";
import type { ObjectKey } from "../../kube/resource.js";
import { awaitChange, type Outcome } from "../../runtime/outcome.js";
import type { ImageStream, SpecTag } from "../../builds/image-stream-schema.js";
import { ImageResolveError } from "./image-sources.js";
import {
  lacksRepository,
  needsImport,
  statusWithRepository,
  specTagGeneration,
  statusWithImportFailure,
  statusWithTagEvent,
} from "./image-stream-status.js";
import { rfc3339 } from "./image-stream-writer.js";
import type { BuildSystemContext } from "./run-build.js";

/** The outcome of importing one spec tag. */
type ImportResult =
  | {
      readonly tag: string;
      readonly generation: number;
      readonly ok: true;
      readonly image: string;
      readonly reference: string;
    }
  | {
      readonly tag: string;
      readonly generation: number;
      readonly ok: false;
      readonly reason: string;
      readonly message: string;
    };

/** Spec tags the controller imports now: DockerImage sources not landed at their generation. Pure. */
export function tagsToImport(stream: ImageStream): SpecTag[] {
  return (stream.spec?.tags ?? []).filter(
    (t) => t.from?.kind === "DockerImage" && (t.from.name ?? "") !== "" && needsImport(stream, t.name),
  );
}

async function importTag(ctx: BuildSystemContext, stream: ImageStream, tag: SpecTag): Promise<ImportResult> {
  const namespace = stream.metadata.namespace ?? "default";
  const generation = specTagGeneration(stream, tag.name);
  const pullspec = tag.from?.name ?? "";
  try {
    const resolved = await ctx.sources.resolve(pullspec);
    const local = (tag.referencePolicy?.type ?? "Source") === "Local";
    // The image is always copied into the stream's repository: consumers that pin
    // `<publicDockerImageRepository>@<digest>` (oc's public reference mode, the operator's landed
    // test) pull it from there, as OpenShift's registry serves imported images by pull-through.
    const repository = ctx.streams.repositoryOf(namespace, stream.metadata.name);
    await copyImage(resolved.store, resolved.digest, ctx.sources.open(repository), tag.name);
    // A synthesized image's source registry is unreachable here, so its mirror stands in for it.
    const reference = local ? `${repository}@${resolved.digest}` : resolved.pullspec;
    return { tag: tag.name, generation, ok: true, image: resolved.digest, reference };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const cause = e instanceof ImageResolveError ? e.cause : e;
    const reason = isRegistryError(cause, "MANIFEST_UNKNOWN", "NAME_UNKNOWN") ? "NotFound" : "InternalError";
    return {
      tag: tag.name,
      generation,
      ok: false,
      reason,
      message: `importing ${pullspec} into ${namespace}/${stream.metadata.name}:${tag.name} failed: ${message}`,
    };
  }
}

/** Builds the reconciler of ImageStreams over `ctx`. */
export function imageImportReconciler(ctx: BuildSystemContext) {
  return async (key: ObjectKey): Promise<Outcome> => {
    const namespace = key.namespace ?? "default";
    const stream = await ctx.streams.find(namespace, key.name);
    if (stream === undefined) return awaitChange();
    const repository = ctx.streams.repositoryOf(namespace, key.name);
    const tags = tagsToImport(stream);
    if (tags.length === 0) {
      if (lacksRepository(stream, repository))
        await ctx.streams.updateStatus(
          namespace,
          key.name,
          (fresh) => statusWithRepository(fresh, repository),
          {
            create: false,
          },
        );
      return awaitChange();
    }
    const results = await Promise.all(tags.map((t) => importTag(ctx, stream, t)));
    const now = rfc3339(ctx.clock.now());
    await ctx.streams.updateStatus(
      namespace,
      key.name,
      (fresh) => {
        let next: ImageStream = { ...fresh, status: statusWithRepository(fresh, repository) };
        for (const r of results) {
          if (specTagGeneration(next, r.tag) !== r.generation) continue;
          const status = r.ok
            ? statusWithTagEvent(next, repository, r.tag, {
                created: now,
                dockerImageReference: r.reference,
                image: r.image,
                generation: r.generation,
              })
            : statusWithImportFailure(next, repository, r.tag, { ...r, now });
          next = { ...next, status };
        }
        return next.status ?? undefined;
      },
      { create: false },
    );
    for (const r of results)
      if (!r.ok)
        ctx.logger.info({ stream: `${namespace}/${key.name}`, tag: r.tag, reason: r.reason }, r.message);
    return awaitChange();
  };
}
