/** The built-in kinds the dev cluster serves, with minimal schemas of their own. */
import { installResources } from "./install-resources.js";
import type { ResourceDefinition } from "./resource-definition.js";
import {
  anyObject,
  arr,
  bool,
  condition,
  int,
  kindSchema,
  mapList,
  obj,
  objectReference,
  str,
  strMap,
} from "./schema-builders.js";

type Def = Omit<
  ResourceDefinition,
  | "storageVersion"
  | "extraSubresources"
  | "builtIn"
  | "categories"
  | "shortNames"
  | "printerColumns"
  | "listKind"
> &
  Partial<Pick<ResourceDefinition, "extraSubresources" | "categories" | "shortNames" | "printerColumns">>;

/** Fills the defaults of a built-in definition. */
export function builtIn(def: Def): ResourceDefinition {
  return {
    extraSubresources: [],
    categories: [],
    shortNames: [],
    printerColumns: [],
    ...def,
    listKind: `${def.kind}List`,
    builtIn: true,
    storageVersion: true,
  };
}

const eventProps = {
  involvedObject: objectReference(),
  reason: str(),
  message: str(),
  source: obj({ component: str(), host: str() }),
  firstTimestamp: str({ format: "date-time" }),
  lastTimestamp: str({ format: "date-time" }),
  eventTime: str({ format: "date-time", nullable: true }),
  count: int(),
  type: str(),
  action: str(),
  related: objectReference(),
  reportingComponent: str(),
  reportingInstance: str(),
  series: obj({ count: int(), lastObservedTime: str() }),
};

/**
 * One of the two API views of the stored events (core `v1` and `events.k8s.io/v1`, see
 * resource-views.ts): the same names and the same printed columns, the object and message read from
 * the view's own field names.
 */
function eventView(
  group: string,
  fields: { readonly object: string; readonly message: string },
  properties: Parameters<typeof kindSchema>[1],
): ResourceDefinition {
  return builtIn({
    group,
    version: "v1",
    plural: "events",
    singular: "event",
    kind: "Event",
    namespaced: true,
    shortNames: ["ev"],
    statusSubresource: false,
    printerColumns: [
      { name: "Type", type: "string", jsonPath: ".type" },
      { name: "Reason", type: "string", jsonPath: ".reason" },
      { name: "Object", type: "string", jsonPath: fields.object },
      { name: "Message", type: "string", jsonPath: fields.message },
    ],
    schema: kindSchema("Event is a report of an event somewhere in the cluster.", properties),
  });
}

/** Core, events, coordination, batch, apiextensions and the kinds of `deploy/install.yaml` (install-resources.ts). */
export function builtInResources(): ResourceDefinition[] {
  return [
    builtIn({
      group: "",
      version: "v1",
      plural: "namespaces",
      singular: "namespace",
      kind: "Namespace",
      namespaced: false,
      shortNames: ["ns"],
      statusSubresource: true,
      printerColumns: [{ name: "Status", type: "string", jsonPath: ".status.phase" }],
      schema: kindSchema("Namespace provides a scope for Names.", {
        spec: obj({ finalizers: arr(str()) }),
        status: obj({ phase: str(), conditions: arr(condition()) }),
      }),
    }),
    builtIn({
      group: "",
      version: "v1",
      plural: "configmaps",
      singular: "configmap",
      kind: "ConfigMap",
      namespaced: true,
      shortNames: ["cm"],
      statusSubresource: false,
      schema: kindSchema("ConfigMap holds configuration data for pods to consume.", {
        data: strMap(),
        binaryData: { type: "object", additionalProperties: str({ format: "byte" }) },
        immutable: bool(),
      }),
    }),
    builtIn({
      group: "",
      version: "v1",
      plural: "secrets",
      singular: "secret",
      kind: "Secret",
      namespaced: true,
      statusSubresource: false,
      printerColumns: [{ name: "Type", type: "string", jsonPath: ".type" }],
      schema: kindSchema("Secret holds secret data of a certain type.", {
        data: { type: "object", additionalProperties: str({ format: "byte" }) },
        stringData: strMap(),
        type: str(),
        immutable: bool(),
      }),
    }),
    eventView("", { object: ".involvedObject.name", message: ".message" }, eventProps),
    eventView(
      "events.k8s.io",
      { object: ".regarding.name", message: ".note" },
      {
        eventTime: str({ format: "date-time", nullable: true }),
        series: obj({ count: int(), lastObservedTime: str() }),
        reportingController: str(),
        reportingInstance: str(),
        action: str(),
        reason: str(),
        regarding: objectReference(),
        related: objectReference(),
        note: str(),
        type: str(),
        deprecatedSource: obj({ component: str(), host: str() }),
        deprecatedFirstTimestamp: str(),
        deprecatedLastTimestamp: str(),
        deprecatedCount: int(),
      },
    ),
    builtIn({
      group: "coordination.k8s.io",
      version: "v1",
      plural: "leases",
      singular: "lease",
      kind: "Lease",
      namespaced: true,
      statusSubresource: false,
      printerColumns: [{ name: "Holder", type: "string", jsonPath: ".spec.holderIdentity" }],
      schema: kindSchema("Lease defines a lease concept.", {
        spec: obj({
          holderIdentity: str(),
          leaseDurationSeconds: int(),
          acquireTime: str({ format: "date-time" }),
          renewTime: str({ format: "date-time" }),
          leaseTransitions: int(),
          strategy: str(),
          preferredHolder: str(),
        }),
      }),
    }),
    builtIn({
      group: "batch",
      version: "v1",
      plural: "jobs",
      singular: "job",
      kind: "Job",
      namespaced: true,
      statusSubresource: true,
      categories: ["all"],
      printerColumns: [{ name: "Succeeded", type: "integer", jsonPath: ".status.succeeded" }],
      schema: kindSchema("Job represents the configuration of a single job.", {
        spec: obj(
          {
            parallelism: int(),
            completions: int(),
            activeDeadlineSeconds: int(),
            backoffLimit: int({ default: 6 }),
            ttlSecondsAfterFinished: int(),
            suspend: bool(),
            completionMode: str(),
            manualSelector: bool(),
            selector: anyObject(),
            template: anyObject("Describes the pod that will be created when executing a job."),
          },
          { required: ["template"], "x-kubernetes-preserve-unknown-fields": true },
        ),
        status: obj(
          {
            conditions: mapList(condition(), "type"),
            startTime: str(),
            completionTime: str(),
            active: int(),
            succeeded: int(),
            failed: int(),
            ready: int(),
            terminating: int(),
          },
          { "x-kubernetes-preserve-unknown-fields": true },
        ),
      }),
    }),
    ...installResources(),
    builtIn({
      group: "apiextensions.k8s.io",
      version: "v1",
      plural: "customresourcedefinitions",
      singular: "customresourcedefinition",
      kind: "CustomResourceDefinition",
      namespaced: false,
      shortNames: ["crd", "crds"],
      statusSubresource: true,
      printerColumns: [{ name: "Created At", type: "date", jsonPath: ".metadata.creationTimestamp" }],
      schema: kindSchema(
        "CustomResourceDefinition represents a resource that should be exposed on the API server.",
        {
          spec: obj(
            {
              group: str(),
              names: anyObject(),
              scope: str({ enum: ["Namespaced", "Cluster"] }),
              versions: arr(anyObject()),
              conversion: anyObject(),
              preserveUnknownFields: bool(),
            },
            { required: ["group", "names", "scope", "versions"] },
          ),
          status: anyObject(),
        },
      ),
    }),
  ];
}
