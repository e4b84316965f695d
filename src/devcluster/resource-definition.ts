/** The description of one served resource (one group/version/plural). */
import type { JsonObject } from "./types.js";

/** A CRD-style `additionalPrinterColumns` entry. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  format?: string;
  priority?: number;
}

/** Everything the server needs to serve one resource at one version. */
export interface ResourceDefinition {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** True when `/status` is a subresource (main writes ignore status, status writes ignore the rest). */
  statusSubresource: boolean;
  /** Other POST-only subresources, e.g. `instantiate`. */
  extraSubresources: string[];
  /** The structural `openAPIV3Schema` used to validate, default and prune, and served in OpenAPI. */
  schema: JsonObject;
  /** Printer columns for `kubectl get` (Name and Age are always shown). */
  printerColumns: PrinterColumn[];
  /** Built-in kinds accept strategic merge patches and allow updates without a resourceVersion. */
  builtIn: boolean;
  /** Name of the CRD that registered it, if any. */
  crdName?: string;
  /** True for the version objects are stored at (discovery lists it as preferred). */
  storageVersion: boolean;
}

/** `group/version`, or `version` for the core group. */
export function groupVersionOf(def: { group: string; version: string }): string {
  return def.group === "" ? def.version : `${def.group}/${def.version}`;
}

/**
 * Resources served under one group but stored as another's objects (`group/plural` -> storage
 * key): `events.k8s.io` events are core events, as in the real API server.
 */
const STORED_AS: Readonly<Record<string, string>> = { "events.k8s.io/events": "/events" };

/**
 * Storage key shared by all versions (and all API views) of a resource: `group/plural` of the
 * resource it is stored as.
 */
export function storageKeyOf(def: { group: string; plural: string }): string {
  const key = resourceKeyOf(def);
  return STORED_AS[key] ?? key;
}

/** The served resource's own `group/plural` (differs from {@link storageKeyOf} for API views). */
export function resourceKeyOf(def: { group: string; plural: string }): string {
  return `${def.group}/${def.plural}`;
}

/** The URL prefix of a resource collection, e.g. `/apis/batch/v1/namespaces/ns/jobs`. */
export function collectionPath(def: ResourceDefinition, namespace: string | undefined): string {
  const root = def.group === "" ? `/api/${def.version}` : `/apis/${def.group}/${def.version}`;
  return def.namespaced && namespace !== undefined
    ? `${root}/namespaces/${namespace}/${def.plural}`
    : `${root}/${def.plural}`;
}

/** Splits `apiVersion` into group and version. */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
