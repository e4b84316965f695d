/**
 * Resource descriptors: how a kind is addressed over REST (group, version, plural, scope).
 * Everything in `src/kube` and `src/runtime` is generic over these.
 */
import type { z } from "zod";
import { kubeObjectSchema, type KubeObject } from "./kube-object.js";

/** Identifies one REST resource of the Kubernetes API. `group` is `""` for the core group. */
export interface ResourceDescriptor {
  /** API group, `""` for core (`/api/v1`). */
  readonly group: string;
  /** API version, e.g. `v1`. */
  readonly version: string;
  /** Kind as it appears in objects, e.g. `ConfigMap`. */
  readonly kind: string;
  /** REST plural, e.g. `configmaps`. */
  readonly plural: string;
  /** True for namespaced kinds, false for cluster-scoped ones. */
  readonly namespaced: boolean;
}

/**
 * A resource descriptor plus the schema every object read from it is parsed with, so callers get
 * typed objects and malformed ones fail at the boundary with a message naming the object.
 */
export interface KubeResource<T extends KubeObject = KubeObject> extends ResourceDescriptor {
  readonly schema: z.ZodType<T>;
}

/** Pairs a descriptor with a schema (default: the generic {@link kubeObjectSchema}). */
export function kubeResource(descriptor: ResourceDescriptor): KubeResource;
export function kubeResource<T extends KubeObject>(
  descriptor: ResourceDescriptor,
  schema: z.ZodType<T>,
): KubeResource<T>;
export function kubeResource(
  descriptor: ResourceDescriptor,
  schema: z.ZodType<KubeObject> = kubeObjectSchema,
): KubeResource {
  return { ...descriptor, schema };
}

/** Where an object lives: `namespace` is absent for cluster-scoped objects. */
export interface ObjectKey {
  readonly namespace?: string;
  readonly name: string;
}

/** `apiVersion` string of a descriptor: `v1` for core, `group/version` otherwise. */
export function apiVersionOf(resource: ResourceDescriptor): string {
  return resource.group === "" ? resource.version : `${resource.group}/${resource.version}`;
}

/**
 * The REST path of a collection or of one object (optionally a subresource such as `status`).
 * Throws when a namespaced resource is addressed by name without a namespace, or when a
 * cluster-scoped one is given a namespace (both are programming errors).
 */
export function resourcePath(
  resource: ResourceDescriptor,
  where: {
    readonly namespace?: string | undefined;
    readonly name?: string | undefined;
    readonly subresource?: string | undefined;
  },
): string {
  const base =
    resource.group === "" ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`;
  if (!resource.namespaced && where.namespace !== undefined) {
    throw new Error(`${resource.plural} is cluster-scoped: got namespace ${where.namespace}`);
  }
  if (resource.namespaced && where.name !== undefined && where.namespace === undefined) {
    throw new Error(`${resource.plural} is namespaced: ${where.name} needs a namespace`);
  }
  let path = base;
  if (where.namespace !== undefined) path += `/namespaces/${encodeURIComponent(where.namespace)}`;
  path += `/${resource.plural}`;
  if (where.name !== undefined) path += `/${encodeURIComponent(where.name)}`;
  if (where.subresource !== undefined) {
    if (where.name === undefined) throw new Error(`subresource ${where.subresource} needs an object name`);
    path += `/${where.subresource}`;
  }
  return path;
}

/** `namespace/name` (or `name` for cluster-scoped objects): the key used by stores and queues. */
export function formatObjectKey(key: ObjectKey): string {
  return key.namespace === undefined || key.namespace === "" ? key.name : `${key.namespace}/${key.name}`;
}

/** Inverse of {@link formatObjectKey}. A key with no `/` is a cluster-scoped name. */
export function parseObjectKey(key: string): ObjectKey {
  const slash = key.indexOf("/");
  if (slash < 0) return { name: key };
  return { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** core/v1 ConfigMap. */
export const CONFIG_MAPS: KubeResource = kubeResource({
  group: "",
  version: "v1",
  kind: "ConfigMap",
  plural: "configmaps",
  namespaced: true,
});
/** core/v1 Secret. */
export const SECRETS: KubeResource = kubeResource({
  group: "",
  version: "v1",
  kind: "Secret",
  plural: "secrets",
  namespaced: true,
});
/** core/v1 Namespace. */
export const NAMESPACES: KubeResource = kubeResource({
  group: "",
  version: "v1",
  kind: "Namespace",
  plural: "namespaces",
  namespaced: false,
});
/** coordination.k8s.io/v1 Lease (leader election). */
export const LEASES: KubeResource = kubeResource({
  group: "coordination.k8s.io",
  version: "v1",
  kind: "Lease",
  plural: "leases",
  namespaced: true,
});
/** events.k8s.io/v1 Event. */
export const EVENTS: KubeResource = kubeResource({
  group: "events.k8s.io",
  version: "v1",
  kind: "Event",
  plural: "events",
  namespaced: true,
});
