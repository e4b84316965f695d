/** Turns a `CustomResourceDefinition` object into served resource definitions, and checks it. */
import { crdStructuralCauses } from "./crd-structural-checks.js";
import type { StatusCause } from "./errors.js";
import { AGGREGATED_API_SUBRESOURCES } from "./openshift-crds.js";
import type { PrinterColumn, ResourceDefinition } from "./resource-definition.js";
import { isJsonObject, type JsonObject, type KubeObject } from "./types.js";

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** Problems that make a CRD unusable, as 422 causes (empty when fine). */
export function validateCrd(crd: KubeObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = crd["spec"];
  if (!isJsonObject(spec))
    return [{ reason: "FieldValueRequired", field: "spec", message: "Required value" }];
  const names = isJsonObject(spec["names"]) ? spec["names"] : {};
  const group = text(spec["group"]);
  const plural = text(names["plural"]);
  if (group === "")
    causes.push({ reason: "FieldValueRequired", field: "spec.group", message: "Required value" });
  if (plural === "")
    causes.push({ reason: "FieldValueRequired", field: "spec.names.plural", message: "Required value" });
  if (text(names["kind"]) === "")
    causes.push({ reason: "FieldValueRequired", field: "spec.names.kind", message: "Required value" });
  if (crd.metadata.name !== `${plural}.${group}`)
    causes.push({
      reason: "FieldValueInvalid",
      field: "metadata.name",
      message: `Invalid value: ${JSON.stringify(crd.metadata.name)}: must be spec.names.plural+"."+spec.group`,
    });
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isJsonObject) : [];
  if (versions.length === 0)
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.versions",
      message: "Invalid value: must have exactly one version marked as storage version",
    });
  else if (versions.filter((v) => v["storage"] === true).length !== 1)
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.versions",
      message: "Invalid value: must have exactly one version marked as storage version",
    });
  causes.push(...crdStructuralCauses(versions));
  return causes;
}

/**
 * The resource definitions (one per served version) of a valid CRD, with the aggregated-API
 * subresources the dev cluster serves for some OpenShift CRDs (`AGGREGATED_API_SUBRESOURCES`).
 */
export function definitionsFromCrd(crd: KubeObject): ResourceDefinition[] {
  const spec = isJsonObject(crd["spec"]) ? crd["spec"] : {};
  const names = isJsonObject(spec["names"]) ? spec["names"] : {};
  const kind = text(names["kind"]);
  const plural = text(names["plural"]);
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isJsonObject) : [];
  return versions
    .filter((v) => v["served"] !== false)
    .map((v): ResourceDefinition => {
      const schemaHolder = isJsonObject(v["schema"]) ? v["schema"] : {};
      const schema: JsonObject = isJsonObject(schemaHolder["openAPIV3Schema"])
        ? schemaHolder["openAPIV3Schema"]
        : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
      const subresources = isJsonObject(v["subresources"]) ? v["subresources"] : {};
      const columns = Array.isArray(v["additionalPrinterColumns"])
        ? v["additionalPrinterColumns"].filter(isJsonObject)
        : [];
      return {
        group: text(spec["group"]),
        version: text(v["name"]),
        plural,
        singular: text(names["singular"]) || kind.toLowerCase(),
        kind,
        listKind: text(names["listKind"]) || `${kind}List`,
        namespaced: spec["scope"] !== "Cluster",
        shortNames: strings(names["shortNames"]),
        categories: strings(names["categories"]),
        statusSubresource: isJsonObject(subresources["status"]),
        extraSubresources: [...(AGGREGATED_API_SUBRESOURCES[crd.metadata.name ?? ""] ?? [])],
        schema,
        printerColumns: columns.map((c) => {
          const col: PrinterColumn = {
            name: text(c["name"]),
            type: text(c["type"]) || "string",
            jsonPath: text(c["jsonPath"]),
          };
          if (typeof c["description"] === "string") col.description = c["description"];
          if (typeof c["format"] === "string") col.format = c["format"];
          if (typeof c["priority"] === "number") col.priority = c["priority"];
          return col;
        }),
        builtIn: false,
        crdName: crd.metadata.name ?? "",
        storageVersion: v["storage"] === true,
      };
    });
}

/** The status the CRD controller writes once names are accepted and the CRD is established. */
export function establishedCrdStatus(crd: KubeObject, now: string): JsonObject {
  const spec = isJsonObject(crd["spec"]) ? crd["spec"] : {};
  const names = isJsonObject(spec["names"]) ? spec["names"] : {};
  const versions = Array.isArray(spec["versions"]) ? spec["versions"].filter(isJsonObject) : [];
  const condition = (type: string, reason: string, message: string): JsonObject => ({
    type,
    status: "True",
    lastTransitionTime: now,
    reason,
    message,
  });
  return {
    acceptedNames: {
      ...names,
      listKind: text(names["listKind"]) || `${text(names["kind"])}List`,
      singular: text(names["singular"]) || text(names["kind"]).toLowerCase(),
    },
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    storedVersions: versions.filter((v) => v["storage"] === true).map((v) => text(v["name"])),
  };
}
