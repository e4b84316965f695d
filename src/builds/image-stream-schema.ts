/**
 * Lenient zod schema of `image.openshift.io/v1` ImageStream: the fields the build backends and the
 * landed test read are typed, everything else passes through untouched.
 */
import { z } from "zod";
import { objectMetaSchema } from "../kube/kube-object.js";

/** An `ObjectReference` as used by spec tags and builds (`{kind, name, namespace?}`). */
export const objectReferenceSchema = z.looseObject({
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
});
/** A parsed object reference. */
export type ObjectReference = z.infer<typeof objectReferenceSchema>;

/** `TagReference`: one spec tag (a name and where its image comes from). */
export const specTagSchema = z.looseObject({
  name: z.string(),
  annotations: z.record(z.string(), z.string()).nullish(),
  from: objectReferenceSchema.nullish(),
  reference: z.boolean().optional(),
  generation: z.number().int().nullish(),
  importPolicy: z.looseObject({}).nullish(),
  referencePolicy: z.looseObject({ type: z.string().optional() }).nullish(),
});
/** A parsed spec tag. */
export type SpecTag = z.infer<typeof specTagSchema>;

/** `TagEvent`: one entry of a status tag's history (newest first). */
export const tagEventSchema = z.looseObject({
  created: z.string().optional(),
  dockerImageReference: z.string().optional(),
  image: z.string().optional(),
  generation: z.number().int().optional(),
});
/** A parsed tag event. */
export type TagEvent = z.infer<typeof tagEventSchema>;

/** `TagEventCondition`: only `ImportSuccess` exists; `status: "False"` means the import failed. */
export const tagEventConditionSchema = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
  generation: z.number().int().optional(),
});

/** `NamedTagEventList`: a status tag. */
export const statusTagSchema = z.looseObject({
  tag: z.string(),
  items: z.array(tagEventSchema).nullish(),
  conditions: z.array(tagEventConditionSchema).nullish(),
});
/** A parsed status tag. */
export type StatusTag = z.infer<typeof statusTagSchema>;

/** An ImageStream as read from the API server. */
export const imageStreamSchema = z.looseObject({
  apiVersion: z.string().optional(),
  kind: z.string().optional(),
  metadata: objectMetaSchema,
  spec: z.looseObject({ tags: z.array(specTagSchema).nullish() }).nullish(),
  status: z
    .looseObject({
      dockerImageRepository: z.string().optional(),
      publicDockerImageRepository: z.string().optional(),
      tags: z.array(statusTagSchema).nullish(),
    })
    .nullish(),
});
/** A parsed ImageStream; unknown fields are kept. */
export type ImageStream = z.infer<typeof imageStreamSchema>;
