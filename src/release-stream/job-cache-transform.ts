/**
 * What the operator's Job informer keeps of a verification Job (see `CacheTransform`): its
 * identity, metadata (the release, verification, round and attempt annotations `jobsOf` files it
 * by, the owner reference) and the status fields `jobOutcome` reads. The pod template, the
 * largest part of a Job, is never read back.
 */
import type { KubeObject } from "../kube/kube-object.js";
import type { CacheTransform } from "../runtime/informer-cache.js";
import { keepFields, type FieldPath } from "../runtime/keep-fields.js";
import { JOBS } from "./release-stream-objects.js";

/** The fields kept: `apiVersion`, `kind`, `metadata`, `status.conditions`, `status.startTime`, `status.completionTime`. */
export const CACHED_JOB_FIELDS: readonly FieldPath[] = [
  ["apiVersion"],
  ["kind"],
  ["metadata"],
  ["status", "conditions"],
  ["status", "startTime"],
  ["status", "completionTime"],
];

/** A Job with only {@link CACHED_JOB_FIELDS}. Pure. */
export function trimCachedJob(job: KubeObject): KubeObject {
  return keepFields(job, CACHED_JOB_FIELDS);
}

/** The Job transform, for `ManagerOptions.cacheTransforms`. */
export const JOB_CACHE_TRANSFORM: CacheTransform = { resource: JOBS, transform: trimCachedJob };
