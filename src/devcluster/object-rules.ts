/**
 * Kind-independent and kind-specific object rules of the API server: decoding request bodies,
 * pruning/defaulting (with fieldValidation), validation (metadata, schema, CEL, CRDs), create-time
 * specialisations (namespaces, secrets, CRDs), generation tracking and finalization.
 */
import { checkMicroTimes } from "./micro-time.js";
import type { CelValidator } from "./cel-validator.js";
import { validateCrd } from "./crd-definitions.js";
import { badRequest, invalid, type StatusCause } from "./errors.js";
import { deepEqual, validateObjectMeta } from "./object-meta.js";
import { groupVersionOf, type ResourceDefinition } from "./resource-definition.js";
import type { SchemaValidator } from "./schema-validator.js";
import { applyDefaults, listUniquenessCauses, pruneUnknownFields } from "./structural-schema.js";
import { cloneJson, isJsonObject, type JsonValue, type KubeObject } from "./types.js";

/** `fieldValidation` query parameter values. */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Decodes a request body for `def`, defaulting apiVersion/kind from the URL and checking them. */
export function decodeObject(def: ResourceDefinition, body: unknown): KubeObject {
  if (!isJsonObject(body)) throw badRequest("the request body must be a JSON object");
  const gv = groupVersionOf(def);
  const apiVersion = body["apiVersion"] ?? gv;
  const kind = body["kind"] ?? def.kind;
  if (apiVersion !== gv || kind !== def.kind) {
    if (
      kind !== def.kind ||
      typeof apiVersion !== "string" ||
      !apiVersion.startsWith(def.group === "" ? "v" : `${def.group}/`)
    )
      throw badRequest(
        `the API version in the data (${String(apiVersion)}) does not match the expected API version (${gv})`,
      );
  }
  const metadata = body["metadata"] ?? {};
  if (!isJsonObject(metadata)) throw badRequest("metadata: expected an object");
  const object = { ...body, apiVersion: gv, kind: def.kind, metadata: { ...metadata } } as KubeObject;
  checkMicroTimes(def, object);
  return object;
}

/** Create-time defaults the real strategies apply: namespace finalizer and phase, secret stringData, CRD status. */
export function specialiseCreate(def: ResourceDefinition, object: KubeObject): void {
  const gr = `${def.group}/${def.plural}`;
  if (gr === "/namespaces") {
    object.metadata.labels = {
      ...(object.metadata.labels ?? {}),
      "kubernetes.io/metadata.name": object.metadata.name ?? "",
    };
    object["spec"] = { finalizers: ["kubernetes"] };
    object["status"] = { phase: "Active" };
  } else if (gr === "/secrets") {
    const stringData = object["stringData"];
    if (isJsonObject(stringData)) {
      const data = isJsonObject(object["data"]) ? { ...object["data"] } : {};
      for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v)).toString("base64");
      object["data"] = data;
    }
    delete object["stringData"];
    if (object["type"] === undefined) object["type"] = "Opaque";
  } else if (gr === "apiextensions.k8s.io/customresourcedefinitions") {
    object["status"] = { conditions: [], acceptedNames: { kind: "", plural: "" }, storedVersions: [] };
  }
}

/** Prunes unknown fields (per fieldValidation) and applies schema defaults to a private copy. */
export function normalizeObject(
  def: ResourceDefinition,
  candidate: KubeObject,
  fieldValidation: FieldValidation | undefined,
): { object: KubeObject; warnings: string[] } {
  const object = cloneJson(candidate);
  const pruned = pruneUnknownFields(object as unknown as JsonValue, def.schema);
  const warnings: string[] = [];
  if (pruned.length > 0) {
    if (fieldValidation === "Strict") {
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(", ")}`,
      );
    }
    if (fieldValidation !== "Ignore") for (const p of pruned) warnings.push(`unknown field "${p}"`);
  }
  applyDefaults(object as unknown as JsonValue, def.schema);
  return { object, warnings };
}

/** Validates metadata, the schema and CEL rules (and CRD specifics); throws 422 Invalid with every cause. */
export function validateObject(
  def: ResourceDefinition,
  object: KubeObject,
  old: KubeObject | undefined,
  validators: { schemas: SchemaValidator; cel: CelValidator },
): void {
  const causes: StatusCause[] = validateObjectMeta(object, def.plural === "namespaces");
  if (causes.length === 0 || !causes.some((c) => c.field === "metadata.name")) {
    causes.push(
      ...validators.schemas.validate(def.schema, object as unknown as JsonValue, {
        formats: !def.builtIn,
      }),
      ...listUniquenessCauses(object as unknown as JsonValue, def.schema),
    );
    if (causes.length === 0)
      causes.push(
        ...validators.cel.validate(
          def.schema,
          object as unknown as JsonValue,
          old as unknown as JsonValue | undefined,
        ),
      );
  }
  if (def.plural === "customresourcedefinitions" && def.group === "apiextensions.k8s.io")
    causes.push(...validateCrd(object), ...crdRuleErrors(object, validators.cel));
  if (def.plural === "events" && def.group === "events.k8s.io") causes.push(...eventNoteCauses(object));
  if (causes.length > 0)
    throw invalid({ group: def.group, kind: def.kind, name: object.metadata.name ?? "" }, causes);
}

/**
 * kube-apiserver's events.k8s.io/v1 Event validation of `note`: at most 1,024 bytes (Go's `len`, so
 * UTF-8 bytes although the message says characters), reported on the internal field name `message`.
 * Core v1 Events are not checked (kube-apiserver accepts longer messages there).
 */
function eventNoteCauses(object: KubeObject): StatusCause[] {
  const note = (object as { note?: unknown }).note;
  if (typeof note !== "string" || Buffer.byteLength(note, "utf8") <= 1024) return [];
  return [
    {
      reason: "FieldValueInvalid",
      field: "message",
      message: 'Invalid value: "": can have at most 1024 characters',
    },
  ];
}

/** Core kinds whose strategies do not maintain `metadata.generation` (ConfigMaps, Secrets, ...). */
const NO_GENERATION = new Set([
  "/namespaces",
  "/configmaps",
  "/secrets",
  "/events",
  "events.k8s.io/events",
  "coordination.k8s.io/leases",
]);

/** True for kinds whose strategy maintains `metadata.generation`. */
export function tracksGeneration(def: ResourceDefinition): boolean {
  return !NO_GENERATION.has(`${def.group}/${def.plural}`);
}

/** True when nothing (finalizers, or a namespace's spec.finalizers) holds the object back from removal. */
export function isFinalized(def: ResourceDefinition, object: KubeObject): boolean {
  if ((object.metadata.finalizers ?? []).length > 0) return false;
  if (def.plural === "namespaces" && def.group === "") {
    const spec = object["spec"];
    const f = isJsonObject(spec) ? spec["finalizers"] : undefined;
    return !Array.isArray(f) || f.length === 0;
  }
  return true;
}

/** True when two objects have the same managedFields apart from timestamps. */
export function sameOwnership(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): unknown =>
    (o.metadata.managedFields ?? []).map(({ time: _t, ...rest }) => rest);
  return deepEqual(strip(a), strip(b));
}

function crdRuleErrors(crd: KubeObject, cel: CelValidator): StatusCause[] {
  const spec = crd["spec"];
  const versions = isJsonObject(spec) && Array.isArray(spec["versions"]) ? spec["versions"] : [];
  return versions.flatMap((v, i) => {
    const schema = isJsonObject(v) && isJsonObject(v["schema"]) ? v["schema"]["openAPIV3Schema"] : undefined;
    return isJsonObject(schema)
      ? cel.compileErrors(schema, `spec.versions[${i}].schema.openAPIV3Schema`)
      : [];
  });
}
