/**
 * The CustomResourceDefinitions of both kinds, derived from the zod schemas. `scripts/generate.ts`
 * writes them to `crds/`; nothing else should hand-edit those files.
 */
import type { z } from "zod";
import { API_GROUP, API_VERSION, PAYLOAD_BUILD, RELEASE_STREAM } from "./group.js";
import { PayloadBuildSchema, PayloadBuildSpecSchema, PayloadBuildStatusSchema } from "./payload-build.js";
import { ReleaseStreamSchema, ReleaseStreamSpecSchema, ReleaseStreamStatusSchema } from "./release-stream.js";
import { toStructuralSchema, type JsonSchema } from "./crd-schema.js";

/** A printer column of `kubectl get`. */
export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "number" | "boolean" | "date";
  jsonPath: string;
  description: string;
  priority?: number;
}

/** A CustomResourceDefinition (apiextensions.k8s.io/v1) as a plain object. */
export interface CustomResourceDefinition {
  apiVersion: "apiextensions.k8s.io/v1";
  kind: "CustomResourceDefinition";
  metadata: { name: string; labels?: Record<string, string> };
  spec: JsonSchema;
}

interface KindNames {
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  shortNames: readonly string[];
  categories: readonly string[];
}

function objectSchema(description: string, spec: z.ZodType, status: z.ZodType): JsonSchema {
  return {
    description,
    type: "object",
    properties: {
      apiVersion: {
        description:
          "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.",
        type: "string",
      },
      kind: {
        description:
          "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. In CamelCase.",
        type: "string",
      },
      metadata: { type: "object" },
      spec: toStructuralSchema(spec),
      status: toStructuralSchema(status),
    },
    required: ["spec"],
  };
}

function crd(
  names: KindNames,
  schema: JsonSchema,
  columns: readonly PrinterColumn[],
): CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: {
      name: `${names.plural}.${API_GROUP}`,
      labels: {
        "app.kubernetes.io/name": "okd-payload-operator",
        "app.kubernetes.io/part-of": "okd-payload-operator",
      },
    },
    spec: {
      group: API_GROUP,
      names: {
        kind: names.kind,
        listKind: names.listKind,
        plural: names.plural,
        singular: names.singular,
        shortNames: [...names.shortNames],
        categories: [...names.categories],
      },
      scope: "Namespaced",
      versions: [
        {
          name: API_VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: columns,
          schema: { openAPIV3Schema: schema },
        },
      ],
    },
  };
}

const readyColumn = (priority?: number): PrinterColumn => ({
  name: "Ready",
  type: "string",
  jsonPath: '.status.conditions[?(@.type=="Ready")].status',
  description: "Status of the Ready condition",
  ...(priority === undefined ? {} : { priority }),
});

const ageColumn: PrinterColumn = {
  name: "Age",
  type: "date",
  jsonPath: ".metadata.creationTimestamp",
  description: "Time since creation",
};

/** The PayloadBuild CRD. */
export function payloadBuildCrd(): CustomResourceDefinition {
  return crd(
    PAYLOAD_BUILD,
    objectSchema(PayloadBuildSchema.description ?? "", PayloadBuildSpecSchema, PayloadBuildStatusSchema),
    [
      { name: "Phase", type: "string", jsonPath: ".status.phase", description: "Summary of the build" },
      {
        name: "Landed",
        type: "integer",
        jsonPath: ".status.counts.landed",
        description: "Components landed",
      },
      {
        name: "Total",
        type: "integer",
        jsonPath: ".status.counts.total",
        description: "Components in the payload",
      },
      {
        name: "Failed",
        type: "integer",
        jsonPath: ".status.counts.failed",
        description: "Components failed",
        priority: 1,
      },
      { name: "Release", type: "string", jsonPath: ".spec.release.name", description: "Release name" },
      readyColumn(1),
      {
        name: "Image",
        type: "string",
        jsonPath: ".status.release.image",
        description: "Release image",
        priority: 1,
      },
      ageColumn,
    ],
  );
}

/** The ReleaseStream CRD. */
export function releaseStreamCrd(): CustomResourceDefinition {
  return crd(
    RELEASE_STREAM,
    objectSchema(ReleaseStreamSchema.description ?? "", ReleaseStreamSpecSchema, ReleaseStreamStatusSchema),
    [
      { name: "Prefix", type: "string", jsonPath: ".spec.name", description: "Release name prefix" },
      { name: "Latest", type: "string", jsonPath: ".status.latest", description: "Newest release" },
      {
        name: "Phase",
        type: "string",
        jsonPath: ".status.releases[0].phase",
        description: "Phase of the newest release",
      },
      {
        name: "Accepted",
        type: "string",
        jsonPath: ".status.latestAccepted",
        description: "Newest accepted release",
      },
      readyColumn(),
      ageColumn,
    ],
  );
}

/** Every CRD this project installs. */
export function allCrds(): CustomResourceDefinition[] {
  return [payloadBuildCrd(), releaseStreamCrd()];
}
