/**
 * What the operator's informers keep of the build objects and ImageStreams (see `CacheTransform`):
 * only what the backends' `observeAttempt`, the landed test, the reconciler's filters and the
 * ImageStream writes read. A 1,000-component payload caches 1,000 Builds and an ImageStream of
 * 1,000 tags; the Build specs (source, strategy, build args, output) and the tag histories are
 * never read from the cache.
 *
 * Kept of every object: `apiVersion`, `kind` and `metadata` (names, labels, annotations, owner
 * references, deletion timestamp: what the reconciler files, filters and deletes by; managedFields
 * are dropped for every resource by the manager).
 */
import type { KubeObject } from "../kube/kube-object.js";
import type { CacheTransform } from "../runtime/informer-cache.js";
import { keepFields, type FieldPath } from "../runtime/keep-fields.js";
import { BUILD_RUNS, BUILDS, IMAGE_STREAMS } from "./build-resources.js";

const OBJECT_IDENTITY: readonly FieldPath[] = [["apiVersion"], ["kind"], ["metadata"]];

/**
 * Of a Build: its status fields `observeBuild` reads (phase, cancelled, reason, message,
 * logSnippet, start and completion times, `outputDockerImageReference`, `output.to.imageDigest`).
 * Its spec is dropped: the Build's record of what it built is its input-hash annotation.
 */
export const CACHED_BUILD_FIELDS: readonly FieldPath[] = [
  ...OBJECT_IDENTITY,
  ...[
    "phase",
    "cancelled",
    "reason",
    "message",
    "logSnippet",
    "startTimestamp",
    "completionTimestamp",
    "outputDockerImageReference",
  ].map((field) => ["status", field]),
  ["status", "output", "to", "imageDigest"],
];

/**
 * Of a BuildRun: its status fields `observeBuildRun` reads (conditions, start and completion
 * times, taskRunName, output, failureDetails) and the output image and strategy it reads from the
 * run's own spec, its embedded build spec and its status' build spec. The rest of the embedded
 * build spec (source, parameters, volumes) is dropped.
 */
export const CACHED_BUILD_RUN_FIELDS: readonly FieldPath[] = [
  ...OBJECT_IDENTITY,
  ...["conditions", "startTime", "completionTime", "taskRunName", "output", "failureDetails"].map((field) => [
    "status",
    field,
  ]),
  ["spec", "output", "image"],
  ["spec", "build", "spec", "output", "image"],
  ["spec", "build", "spec", "strategy", "kind"],
  ["spec", "build", "spec", "strategy", "name"],
  ["status", "buildSpec", "output", "image"],
];

/** A Build with only {@link CACHED_BUILD_FIELDS}. Pure. */
export function trimCachedBuild(build: KubeObject): KubeObject {
  return keepFields(build, CACHED_BUILD_FIELDS);
}

/** A BuildRun with only {@link CACHED_BUILD_RUN_FIELDS}. Pure. */
export function trimCachedBuildRun(buildRun: KubeObject): KubeObject {
  return keepFields(buildRun, CACHED_BUILD_RUN_FIELDS);
}

/**
 * An ImageStream with each status tag's history cut to its newest entry (`items[0]`, the only one
 * the landed test, release assembly and release streams read); everything else is kept whole.
 * The spec must stay whole: the operator writes spec tags back with a PUT of the cached object
 * (the server keeps the stored status on that PUT, so the shortened history is never written).
 * On a busy stream the histories are most of the object (a new entry per push, per tag).
 */
export function trimCachedImageStream(stream: KubeObject): KubeObject {
  const status = (stream as { status?: unknown }).status;
  if (typeof status !== "object" || status === null) return stream;
  const tags = (status as { tags?: unknown }).tags;
  if (!Array.isArray(tags) || !tags.some((t) => historyLength(t) > 1)) return stream;
  return {
    ...stream,
    status: {
      ...status,
      tags: tags.map((t: unknown) =>
        historyLength(t) > 1 ? { ...(t as object), items: (t as { items: unknown[] }).items.slice(0, 1) } : t,
      ),
    },
  } as KubeObject;
}

function historyLength(tag: unknown): number {
  const items = typeof tag === "object" && tag !== null ? (tag as { items?: unknown }).items : undefined;
  return Array.isArray(items) ? items.length : 0;
}

/** The transforms of this module, for `ManagerOptions.cacheTransforms`. */
export const BUILD_CACHE_TRANSFORMS: readonly CacheTransform[] = [
  { resource: BUILDS, transform: trimCachedBuild },
  { resource: BUILD_RUNS, transform: trimCachedBuildRun },
  { resource: IMAGE_STREAMS, transform: trimCachedImageStream },
];
