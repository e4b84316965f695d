/**
 * The structural-schema rules kube-apiserver checks when a CRD is created or updated
 * (apiextensions-apiserver `pkg/apiserver/schema`, `validateStructuralInvariants`): every specified
 * field has a type (unless int-or-string or preserve-unknown-fields), the root is typed,
 * `properties` and `additionalProperties` exclude each other, the root `metadata` may only
 * restrict `name` and `generateName`, and value validations (`anyOf`, `allOf`, `oneOf`, `not`)
 * specify no types. Field paths and messages are the real server's.
 */
import type { StatusCause } from "./errors.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./types.js";

const JUNCTORS = ["anyOf", "allOf", "oneOf"] as const;

function typeless(schema: JsonObject): boolean {
  return (
    (schema["type"] === undefined || schema["type"] === "") &&
    schema["x-kubernetes-int-or-string"] !== true &&
    schema["x-kubernetes-preserve-unknown-fields"] !== true
  );
}

/** Value validations (inside anyOf/allOf/oneOf/not) must not carry a type. */
function checkValueValidation(schema: JsonValue, path: string, causes: StatusCause[]): void {
  if (!isJsonObject(schema)) return;
  if (schema["type"] !== undefined)
    causes.push({
      reason: "FieldValueForbidden",
      field: `${path}.type`,
      message: "Forbidden: must be empty to be structural",
    });
  for (const j of JUNCTORS)
    if (Array.isArray(schema[j]))
      schema[j].forEach((s, i) => checkValueValidation(s, `${path}.${j}[${i}]`, causes));
  if (schema["not"] !== undefined) checkValueValidation(schema["not"], `${path}.not`, causes);
  const props = schema["properties"];
  if (isJsonObject(props))
    for (const [k, v] of Object.entries(props)) checkValueValidation(v, `${path}.properties[${k}]`, causes);
  if (schema["items"] !== undefined) checkValueValidation(schema["items"], `${path}.items`, causes);
}

function checkSchema(
  schema: JsonObject,
  path: string,
  causes: StatusCause[],
  field: "object" | "array",
): void {
  if (typeless(schema))
    causes.push({
      reason: "FieldValueRequired",
      field: `${path}.type`,
      message: `Required value: must not be empty for specified ${field === "array" ? "array items" : "object fields"}`,
    });
  visit(schema, path, causes);
}

function visit(schema: JsonObject, path: string, causes: StatusCause[]): void {
  const props = schema["properties"];
  if (
    isJsonObject(props) &&
    schema["additionalProperties"] !== undefined &&
    schema["additionalProperties"] !== false
  )
    causes.push({
      reason: "FieldValueForbidden",
      field: `${path}.additionalProperties`,
      message: "Forbidden: additionalProperties and properties are mutual exclusive",
    });
  if (isJsonObject(props))
    for (const [k, v] of Object.entries(props))
      if (isJsonObject(v)) checkSchema(v, `${path}.properties[${k}]`, causes, "object");
  if (isJsonObject(schema["items"])) checkSchema(schema["items"], `${path}.items`, causes, "array");
  if (isJsonObject(schema["additionalProperties"]))
    checkSchema(schema["additionalProperties"], `${path}.additionalProperties`, causes, "object");
  for (const j of JUNCTORS) {
    const branches = schema[j];
    if (!Array.isArray(branches) || isIntOrStringPattern(schema, j, branches)) continue;
    branches.forEach((s, i) => checkValueValidation(s, `${path}.${j}[${i}]`, causes));
  }
  if (schema["not"] !== undefined) checkValueValidation(schema["not"], `${path}.not`, causes);
}

/**
 * The one typed junctor structural schemas allow: `x-kubernetes-int-or-string: true` with
 * `anyOf: [{type: integer}, {type: string}]` (or that `anyOf` inside an `allOf`), as controller-gen
 * writes for quantities and IntOrString.
 */
function isIntOrStringPattern(schema: JsonObject, junctor: string, branches: readonly JsonValue[]): boolean {
  if (schema["x-kubernetes-int-or-string"] !== true) return false;
  const types = (list: readonly JsonValue[]) =>
    list
      .map((b) => (isJsonObject(b) ? String(b["type"]) : ""))
      .sort()
      .join(",");
  if (junctor === "anyOf") return types(branches) === "integer,string";
  if (junctor === "allOf")
    return branches.every(
      (b) => !isJsonObject(b) || !Array.isArray(b["anyOf"]) || types(b["anyOf"]) === "integer,string",
    );
  return false;
}

function checkRootMetadata(root: JsonObject, path: string, causes: StatusCause[]): void {
  const props = root["properties"];
  const metadata = isJsonObject(props) ? props["metadata"] : undefined;
  if (!isJsonObject(metadata)) return;
  const allowed = new Set(["type", "properties"]);
  const metaProps = isJsonObject(metadata["properties"]) ? metadata["properties"] : {};
  const onlyNames = Object.keys(metaProps).every((k) => k === "name" || k === "generateName");
  if (
    Object.keys(metadata).some((k) => !allowed.has(k)) ||
    !onlyNames ||
    (metadata["type"] ?? "object") !== "object"
  )
    causes.push({
      reason: "FieldValueForbidden",
      field: `${path}.properties[metadata]`,
      message:
        "Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
    });
}

/** The structural-schema problems of one `openAPIV3Schema` at `path`. */
export function structuralSchemaCauses(root: JsonObject, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (typeless(root))
    causes.push({
      reason: "FieldValueRequired",
      field: `${path}.type`,
      message: "Required value: must not be empty at the root",
    });
  checkRootMetadata(root, path, causes);
  visit(root, path, causes);
  return causes;
}

/**
 * The structural problems of a CRD's version schemas. Like the real server, which converts a v1
 * CRD whose versions share one schema to a single top-level validation, paths read
 * `spec.validation.openAPIV3Schema...` when all versions have the same schema and
 * `spec.versions[i].schema.openAPIV3Schema...` otherwise.
 */
export function crdStructuralCauses(versions: readonly JsonObject[]): StatusCause[] {
  const schemas = versions.map((v) =>
    isJsonObject(v["schema"]) ? v["schema"]["openAPIV3Schema"] : undefined,
  );
  const shared = schemas.length > 0 && schemas.every((s) => JSON.stringify(s) === JSON.stringify(schemas[0]));
  if (shared) {
    const first = schemas[0];
    return isJsonObject(first) ? structuralSchemaCauses(first, "spec.validation.openAPIV3Schema") : [];
  }
  return schemas.flatMap((s, i) =>
    isJsonObject(s) ? structuralSchemaCauses(s, `spec.versions[${i}].schema.openAPIV3Schema`) : [],
  );
}
