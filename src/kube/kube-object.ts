/**
 * The generic shape of a Kubernetes object as read from the API server: metadata we rely on is
 * typed, everything else passes through untouched.
 */
import { z } from "zod";

/** `meta/v1 OwnerReference`. */
export const ownerReferenceSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  name: z.string(),
  uid: z.string(),
  controller: z.boolean().optional(),
  blockOwnerDeletion: z.boolean().optional(),
});
/** A parsed owner reference. */
export type OwnerReference = z.infer<typeof ownerReferenceSchema>;

/** `meta/v1 ObjectMeta`, the fields the runtime reads. */
export const objectMetaSchema = z.looseObject({
  name: z.string(),
  namespace: z.string().optional(),
  uid: z.string().optional(),
  resourceVersion: z.string().optional(),
  generation: z.number().int().optional(),
  creationTimestamp: z.string().optional(),
  deletionTimestamp: z.string().optional(),
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  ownerReferences: z.array(ownerReferenceSchema).optional(),
  finalizers: z.array(z.string()).optional(),
});
/** Parsed object metadata. */
export type ObjectMeta = z.infer<typeof objectMetaSchema>;

/** Any object with `apiVersion`, `kind` and `metadata.name`. */
export const kubeObjectSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
});
/** A parsed Kubernetes object; unknown fields are kept. */
export type KubeObject = z.infer<typeof kubeObjectSchema>;

/** The `ownerReference` marked `controller: true`, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
}
