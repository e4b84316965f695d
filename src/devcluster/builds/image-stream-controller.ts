/**
 * The simulated ImageStream controller: what OpenShift's API server and image import do to an
 * ImageStream, done as an ordinary client so that it also works where ImageStreams are a plain CRD.
 * Each reconcile does at most one write, in this order:
 *
 * 1. spec tag generations: stamped where the server did not ({@link stampSpecTagGenerations};
 *    openshift-apiserver `imagestream/strategy.go`); a main-resource update.
 * 2. `status.dockerImageRepository` / `publicDockerImageRepository` = `<registry host>/<ns>/<name>`
 *    (the strategy's `dockerImageRepository` / `publicDockerImageRepository`), with
 * 3. imports: every spec tag `from: DockerImage` (not `reference: true`) that has no item at its
 *    generation and no failed import at that generation is resolved (a reachable registry for real,
 *    anything else synthesized and mirrored) and recorded as openshift-apiserver's
 *    `imagestreamimport/rest.go` does: a new newest item `{created, dockerImageReference: <source
 *    repository>@<digest>, image: <digest>, generation: <spec tag generation>}`, or an
 *    `ImportSuccess=False` condition with reason and message. The image is also copied into the
 *    stream's repository, standing in for the integrated registry's pull-through, so a
 *    `referencePolicy: Local` tag resolves to `<dockerImageRepository>@<digest>` that can be pulled.
 *
 * 4. spec tags naming an image of the stream itself (`ImageStreamImage` `<stream>@<digest>`, what
 *    `oc tag` writes and the operator records a built image with) get that image's item at their
 *    generation, as openshift-apiserver's strategy does in the write itself (`tagsChanged`).
 *
 * Steps 2 to 4 are one read-modify-write of `/status`. Every step is idempotent, so the controller
 * also runs beside an API server that does steps 1 and 2 itself (the dev cluster).
 */
import { isConflict } from "../../kube/kube-errors.js";
import type { ObjectKey } from "../../kube/resource.js";
import { copyImage } from "../../registry/copy-image.js";
import { isRegistryError } from "../../registry/image-store.js";
import { awaitChange, requeueAfter, type Outcome } from "../../runtime/outcome.js";
import { ImageResolveError } from "./image-sources.js";
import { stampSpecTagGenerations } from "./image-stream-generations.js";
import {
  lacksRepository,
  needsImport,
  specTagGeneration,
  statusWithImportFailure,
  statusWithOwnImages,
  statusWithRepository,
  statusWithTagEvent,
} from "./image-stream-status.js";
import { rfc3339 } from "./image-stream-writer.js";
import type { BuildSystemContext } from "./run-build.js";
import { IMAGE_STREAMS, type ImageStreamObject, type TagReference } from "./upstream-objects.js";

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
export function tagsToImport(stream: ImageStreamObject): TagReference[] {
  return (stream.spec?.tags ?? []).filter(
    (t) =>
      t.from?.kind === "DockerImage" &&
      (t.from.name ?? "") !== "" &&
      t.reference !== true &&
      needsImport(stream, t.name),
  );
}

async function importTag(
  ctx: BuildSystemContext,
  stream: ImageStreamObject,
  tag: TagReference,
): Promise<ImportResult> {
  const namespace = stream.metadata.namespace ?? "default";
  const generation = specTagGeneration(stream, tag.name);
  const pullspec = tag.from?.name ?? "";
  try {
    const resolved = await ctx.sources.resolve(pullspec);
    const repository = ctx.streams.repositoryOf(namespace, stream.metadata.name);
    await copyImage(resolved.store, resolved.digest, ctx.sources.open(repository), tag.name);
    // `resolved.pullspec` is `<source repository>@<digest>`; for a synthesized image (its registry is
    // unreachable here) it is the mirror standing in for that registry.
    return { tag: tag.name, generation, ok: true, image: resolved.digest, reference: resolved.pullspec };
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

/** The stream's status after recording `results` (only those still at their tag's generation). */
function statusWithImports(
  stream: ImageStreamObject,
  repository: string,
  results: readonly ImportResult[],
  now: string,
): ImageStreamObject["status"] {
  let next: ImageStreamObject = { ...stream, status: statusWithRepository(stream, repository) };
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
  return next.status;
}

/** Builds the reconciler of ImageStreams over `ctx`. */
export function imageStreamReconciler(ctx: BuildSystemContext) {
  return async (key: ObjectKey): Promise<Outcome> => {
    const namespace = key.namespace ?? "default";
    // From the informer when it holds the stream (it is at least as new as the event that woke this
    // reconcile; a write from a stale copy conflicts and requeues), else a GET.
    const stream = await ctx.streams.findUsable(namespace, key.name, () => true);
    if (stream === undefined || stream.metadata.deletionTimestamp !== undefined) return awaitChange();
    const stamped = stampSpecTagGenerations(stream);
    if (stamped !== undefined) {
      try {
        await ctx.client.replace(IMAGE_STREAMS, stamped);
      } catch (e) {
        if (isConflict(e)) return requeueAfter(0);
        throw e;
      }
      return awaitChange(); // the update comes back as a watch event
    }
    const repository = ctx.streams.repositoryOf(namespace, key.name);
    const tags = tagsToImport(stream);
    const now = rfc3339(ctx.clock.now());
    if (tags.length === 0) {
      if (lacksRepository(stream, repository) || statusWithOwnImages(stream, repository, now) !== undefined)
        await ctx.streams.updateStatus(
          namespace,
          key.name,
          (fresh) => {
            const resolved = { ...fresh, status: statusWithRepository(fresh, repository) };
            return statusWithOwnImages(resolved, repository, now) ?? resolved.status;
          },
          {
            create: false,
          },
        );
      return awaitChange();
    }
    const results = await Promise.all(tags.map((t) => importTag(ctx, stream, t)));
    await ctx.streams.updateStatus(
      namespace,
      key.name,
      (fresh) => {
        const imported = { ...fresh, status: statusWithImports(fresh, repository, results, now) };
        return statusWithOwnImages(imported, repository, now) ?? imported.status ?? undefined;
      },
      { create: false },
    );
    for (const r of results)
      if (!r.ok)
        ctx.logger.info({ stream: `${namespace}/${key.name}`, tag: r.tag, reason: r.reason }, r.message);
    return awaitChange();
  };
}
