/**
 * OpenAPI v3 documents per group/version (`/openapi/v3/apis/<g>/<v>`) and their index, enough for
 * `kubectl explain` and for kubectl to see that PATCH supports `fieldValidation` (server-side
 * field validation).
 */
import { createHash } from "node:crypto";
import { collectionPath, groupVersionOf, type ResourceDefinition } from "./resource-definition.js";
import { isJsonObject, type JsonObject } from "./types.js";

const OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

/** The component schema name of a kind, e.g. `io.okd.payload.v1alpha1.PayloadBuild`. */
export function schemaName(def: ResourceDefinition): string {
  if (def.group === "") return `io.k8s.api.core.${def.version}.${def.kind}`;
  if (def.group.endsWith(".k8s.io"))
    return `io.k8s.api.${def.group.slice(0, -".k8s.io".length).split(".").join("_")}.${def.version}.${def.kind}`;
  if (!def.group.includes(".")) return `io.k8s.api.${def.group}.${def.version}.${def.kind}`;
  return `${def.group.split(".").reverse().join(".")}.${def.version}.${def.kind}`;
}

function objectMetaSchema(): JsonObject {
  const s = (description: string, extra: JsonObject = {}): JsonObject => ({
    type: "string",
    description,
    ...extra,
  });
  return {
    type: "object",
    description:
      "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.",
    properties: {
      name: s("Name must be unique within a namespace."),
      generateName: s(
        "GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.",
      ),
      namespace: s("Namespace defines the space within which each name must be unique."),
      uid: s("UID is the unique in time and space value for this object."),
      resourceVersion: s("An opaque value that represents the internal version of this object."),
      generation: {
        type: "integer",
        format: "int64",
        description: "A sequence number representing a specific generation of the desired state.",
      },
      creationTimestamp: s(
        "CreationTimestamp is a timestamp representing the server time when this object was created.",
        { format: "date-time" },
      ),
      deletionTimestamp: s(
        "DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.",
        { format: "date-time" },
      ),
      deletionGracePeriodSeconds: {
        type: "integer",
        format: "int64",
        description: "Number of seconds allowed for this object to gracefully terminate.",
      },
      labels: {
        type: "object",
        additionalProperties: { type: "string", default: "" },
        description: "Map of string keys and values that can be used to organize and categorize objects.",
      },
      annotations: {
        type: "object",
        additionalProperties: { type: "string", default: "" },
        description: "Annotations is an unstructured key value map.",
      },
      finalizers: {
        type: "array",
        items: { type: "string", default: "" },
        description: "Must be empty before the object is deleted from the registry.",
        "x-kubernetes-list-type": "set",
      },
      ownerReferences: {
        type: "array",
        description: "List of objects depended by this object.",
        items: {
          type: "object",
          required: ["apiVersion", "kind", "name", "uid"],
          properties: {
            apiVersion: s("API version of the referent."),
            kind: s("Kind of the referent."),
            name: s("Name of the referent."),
            uid: s("UID of the referent."),
            controller: {
              type: "boolean",
              description: "If true, this reference points to the managing controller.",
            },
            blockOwnerDeletion: {
              type: "boolean",
              description:
                "If true, the owner cannot be deleted from storage until this reference is removed.",
            },
          },
        },
        "x-kubernetes-list-map-keys": ["uid"],
        "x-kubernetes-list-type": "map",
      },
      managedFields: {
        type: "array",
        items: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        description:
          "ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.",
      },
    },
  };
}

function kindSchema(def: ResourceDefinition): JsonObject {
  const props = isJsonObject(def.schema["properties"]) ? { ...def.schema["properties"] } : {};
  props["metadata"] = {
    allOf: [{ $ref: `#/components/schemas/${OBJECT_META}` }],
    default: {},
    description: "Standard object's metadata.",
  };
  return {
    ...def.schema,
    properties: props,
    "x-kubernetes-group-version-kind": [{ group: def.group, kind: def.kind, version: def.version }],
  };
}

function param(name: string, where: "query" | "path", description: string): JsonObject {
  return {
    name,
    in: where,
    description,
    ...(where === "path" ? { required: true } : {}),
    schema: { type: "string", uniqueItems: true },
  };
}

function operations(def: ResourceDefinition): JsonObject {
  const gvk = { group: def.group, version: def.version, kind: def.kind };
  const ref = { $ref: `#/components/schemas/${schemaName(def)}` };
  const json = { "application/json": { schema: ref } };
  const writeParams = [
    param("dryRun", "query", "When present, indicates that modifications should not be persisted."),
    param(
      "fieldManager",
      "query",
      "fieldManager is a name associated with the actor or entity that is making these changes.",
    ),
    param(
      "fieldValidation",
      "query",
      "fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.",
    ),
  ];
  const op = (action: string, id: string, extra: JsonObject = {}): JsonObject => ({
    description: `${action} ${def.kind}`,
    operationId: `${id}${def.kind}`,
    responses: { "200": { description: "OK", content: json } },
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": gvk,
    ...extra,
  });
  const nsParam = def.namespaced
    ? [param("namespace", "path", "object name and auth scope, such as for teams and projects")]
    : [];
  const collection = collectionPath(def, "{namespace}");
  const item = `${collection}/{name}`;
  const paths: JsonObject = {
    [collection]: {
      get: op("list", "list"),
      post: op("post", "create", { parameters: writeParams, requestBody: { content: json } }),
      parameters: nsParam,
    },
    [item]: {
      get: op("get", "read"),
      put: op("put", "replace", { parameters: writeParams, requestBody: { content: json } }),
      patch: op("patch", "patch", {
        parameters: [...writeParams, param("force", "query", 'Force is going to "force" Apply requests.')],
        requestBody: {
          content: {
            "application/json-patch+json": { schema: { type: "object" } },
            "application/merge-patch+json": { schema: { type: "object" } },
            "application/apply-patch+yaml": { schema: { type: "object" } },
          },
        },
      }),
      delete: op("delete", "delete"),
      parameters: [param("name", "path", `name of the ${def.kind}`), ...nsParam],
    },
  };
  if (def.statusSubresource) {
    paths[`${item}/status`] = {
      get: op("get", "read", { operationId: `read${def.kind}Status` }),
      put: op("put", "replace", {
        operationId: `replace${def.kind}Status`,
        parameters: writeParams,
        requestBody: { content: json },
      }),
      patch: op("patch", "patch", { operationId: `patch${def.kind}Status`, parameters: writeParams }),
      parameters: [param("name", "path", `name of the ${def.kind}`), ...nsParam],
    };
  }
  return paths;
}

/** The OpenAPI v3 document of one group/version. */
export function groupVersionDocument(defs: readonly ResourceDefinition[]): JsonObject {
  const schemas: JsonObject = { [OBJECT_META]: objectMetaSchema() };
  let paths: JsonObject = {};
  for (const d of defs) {
    schemas[schemaName(d)] = kindSchema(d);
    paths = { ...paths, ...operations(d) };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.0" },
    paths,
    components: { schemas },
  };
}

/** Per group/version documents keyed by their index path (`api/v1`, `apis/<g>/<v>`), with content hashes. */
export function openApiDocuments(
  defs: readonly ResourceDefinition[],
): Map<string, { body: string; hash: string }> {
  const byGv = new Map<string, ResourceDefinition[]>();
  for (const d of defs) {
    const gv = groupVersionOf(d);
    const list = byGv.get(gv) ?? [];
    list.push(d);
    byGv.set(gv, list);
  }
  const out = new Map<string, { body: string; hash: string }>();
  for (const [gv, list] of byGv) {
    const body = JSON.stringify(groupVersionDocument(list));
    out.set(gv.includes("/") ? `apis/${gv}` : `api/${gv}`, {
      body,
      hash: createHash("sha512").update(body).digest("hex").slice(0, 64).toUpperCase(),
    });
  }
  return out;
}

/** The `/openapi/v3` index. */
export function openApiIndex(docs: Map<string, { hash: string }>): unknown {
  const paths: Record<string, unknown> = {};
  for (const [p, d] of docs) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${d.hash}` };
  return { paths };
}
