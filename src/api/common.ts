/** Schema pieces shared by both kinds: names, maps, quantities, references, object metadata. */
import { z } from "zod";

/**
 * Component and tag names: lowercase alphanumerics, `-` and `.`, starting and ending with an
 * alphanumeric, at most 63 characters. Valid as an ImageStream tag, a label value and part of
 * an object name.
 */
export const COMPONENT_NAME_PATTERN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
/** Longest component name accepted. */
export const COMPONENT_NAME_MAX_LENGTH = 63;

/** A component name (also the ImageStream tag it lands in). */
export const componentName = (description: string) =>
  z
    .string()
    .min(1)
    .max(COMPONENT_NAME_MAX_LENGTH)
    .regex(
      COMPONENT_NAME_PATTERN,
      "must be lowercase alphanumerics, '-' or '.', starting and ending with an alphanumeric",
    )
    .describe(description);

/** A Kubernetes object name (DNS-1123 subdomain). */
export const objectName = (description: string) =>
  z
    .string()
    .min(1)
    .max(253)
    .regex(
      /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
      "must be a DNS-1123 subdomain: lowercase alphanumerics, '-' or '.'",
    )
    .describe(description);

/** A string-to-string map (labels, build args, env, metadata). */
export const stringMap = (description: string) => z.record(z.string(), z.string()).describe(description);

/** Kubernetes resource quantity syntax, as `resource.Quantity` accepts it (e.g. `500m`, `4`, `8Gi`). */
export const QUANTITY_PATTERN =
  /^(\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\+|-)?(([0-9]+(\.[0-9]*)?)|(\.[0-9]+))))?$/;

/** A resource quantity: an integer or a quantity string. Rendered as `x-kubernetes-int-or-string` in the CRD. */
export const quantity = z
  .union([z.int(), z.string().regex(QUANTITY_PATTERN, "must be a resource quantity such as 500m, 4 or 8Gi")])
  .meta({ "x-kubernetes-int-or-string": true, pattern: QUANTITY_PATTERN.source });

/** Compute resources for one build pod, as in a container's `resources`. */
export const ResourceRequirementsSchema = z
  .strictObject({
    requests: z
      .record(z.string(), quantity)
      .optional()
      .describe('Minimum resources the build needs, e.g. {cpu: "4", memory: 4Gi}.'),
    limits: z
      .record(z.string(), quantity)
      .optional()
      .describe('Maximum resources the build may use, e.g. {cpu: "6", memory: 8Gi}.'),
  })
  .describe("Compute resources of the build pod (requests and limits), as in a container's resources.");
/** Compute resources for one build pod. */
export type ResourceRequirements = z.output<typeof ResourceRequirementsSchema>;

/** A reference to a Secret in the same namespace. */
export const SecretReferenceSchema = z
  .strictObject({ name: objectName("Name of the Secret, in the same namespace.") })
  .describe("A Secret in the same namespace.");
/** A reference to a Secret in the same namespace. */
export type SecretReference = z.output<typeof SecretReferenceSchema>;

/**
 * Object metadata as far as this project reads it. Other fields are kept as they are; the API
 * server validates metadata itself (the CRD schema only says `type: object`).
 */
export const ObjectMetaSchema = z
  .looseObject({
    name: z.string().optional(),
    generateName: z.string().optional(),
    namespace: z.string().optional(),
    uid: z.string().optional(),
    resourceVersion: z.string().optional(),
    generation: z.int().optional(),
    creationTimestamp: z.string().optional(),
    deletionTimestamp: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    finalizers: z.array(z.string()).optional(),
    ownerReferences: z.array(z.looseObject({})).optional(),
  })
  .describe("Standard object metadata.");
/** Object metadata. */
export type ObjectMeta = z.output<typeof ObjectMetaSchema>;

/** An RFC 3339 timestamp in UTC, as the API server writes them (`2026-11-21T12:00:00Z`). */
export const timestamp = (description: string) => z.iso.datetime({ offset: true }).describe(description);

/** Marks an array of objects as a map keyed by `name` (server-side apply merges by key; names must be unique). */
export const listMapByName = {
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": ["name"],
} as const;
