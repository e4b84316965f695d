/**
 * Validation of objects against a resource's `openAPIV3Schema` with ajv, reporting errors as the
 * API server's `details.causes` (field path, reason, message).
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import type { StatusCause } from "./errors.js";
import { STRING_FORMATS } from "./string-formats.js";
import { toAjvSchema } from "./structural-schema.js";
import type { JsonObject, JsonValue } from "./types.js";

/** Compiles and caches validators per schema object. */
export class SchemaValidator {
  private readonly ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  private readonly ajvWithFormats = withStringFormats(new Ajv({ allErrors: true, strict: false }));
  private readonly cache = new WeakMap<JsonObject, ValidateFunction>();
  private readonly formatCache = new WeakMap<JsonObject, ValidateFunction>();

  /**
   * Validates `value`; returns one cause per problem (empty when valid). Metadata is not checked
   * here. With `formats` (custom resources), the string formats the real server checks are checked
   * too ({@link STRING_FORMATS}); built-in kinds fail on malformed times when decoding instead.
   */
  validate(
    schema: JsonObject,
    value: JsonValue,
    options: { readonly formats?: boolean } = {},
  ): StatusCause[] {
    const formats = options.formats === true;
    const cache = formats ? this.formatCache : this.cache;
    let fn = cache.get(schema);
    if (fn === undefined) {
      const converted = toAjvSchema(withoutMetadata(schema), formats ? STRING_FORMATS : undefined);
      fn = (formats ? this.ajvWithFormats : this.ajv).compile(converted as object);
      cache.set(schema, fn);
    }
    if (fn(value)) return [];
    const causes = (fn.errors ?? [])
      .filter((e) => e.keyword !== "anyOf" && e.keyword !== "if")
      .map((e) => toCause(e, value));
    // anyOf branches (int-or-string) report one error each: keep one per field and reason.
    const seen = new Set<string>();
    return causes.filter((c) => {
      const key = `${c.field ?? ""}\u0000${c.reason}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
}

function withStringFormats(ajv: Ajv): Ajv {
  for (const [name, valid] of STRING_FORMATS) ajv.addFormat(name, { type: "string", validate: valid });
  return ajv;
}

function withoutMetadata(schema: JsonObject): JsonObject {
  const props = schema["properties"];
  if (typeof props !== "object" || props === null || Array.isArray(props) || !("metadata" in props))
    return schema;
  const { metadata: _metadata, ...rest } = props;
  return { ...schema, properties: rest };
}

/** Converts an ajv instance path (`/spec/items/0/name`) to a field path (`spec.items[0].name`). */
export function fieldPath(instancePath: string): string {
  let out = "";
  for (const raw of instancePath.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out === "" ? seg : `.${seg}`;
  }
  return out;
}

function valueAt(root: JsonValue, instancePath: string): JsonValue | undefined {
  let cur: JsonValue | undefined = root;
  for (const raw of instancePath.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (typeof cur === "object" && cur !== null) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function show(value: JsonValue | undefined): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return '"array"';
  if (typeof value === "object" && value !== null) return '"object"';
  return String(value);
}

function toCause(e: ErrorObject, root: JsonValue): StatusCause {
  const field = fieldPath(e.instancePath);
  const value = valueAt(root, e.instancePath);
  const params = e.params as Record<string, unknown>;
  const inBody = `${field === "" ? "body" : field} in body`;
  switch (e.keyword) {
    case "format":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} must be of type ${String(params["format"])}: ${show(value)}`,
        field,
      };
    case "required": {
      const missing = String(params["missingProperty"] ?? "");
      return {
        reason: "FieldValueRequired",
        message: "Required value",
        field: field === "" ? missing : `${field}.${missing}`,
      };
    }
    case "type":
      return {
        reason: "FieldValueTypeInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} must be of type ${String(params["type"])}: ${show(value)}`,
        field,
      };
    case "enum": {
      const allowed = Array.isArray(params["allowedValues"]) ? (params["allowedValues"] as unknown[]) : [];
      return {
        reason: "FieldValueNotSupported",
        message: `Unsupported value: ${show(value)}: supported values: ${allowed.map((a) => JSON.stringify(a)).join(", ")}`,
        field,
      };
    }
    case "minimum":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} should be greater than or equal to ${String(params["limit"])}`,
        field,
      };
    case "maximum":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} should be less than or equal to ${String(params["limit"])}`,
        field,
      };
    case "maxLength":
      return {
        reason: "FieldValueTooLong",
        message: `Too long: may not be more than ${String(params["limit"])} bytes`,
        field,
      };
    case "maxItems":
      return {
        reason: "FieldValueTooMany",
        message: `Too many: ${Array.isArray(value) ? value.length : 0}: must have at most ${String(params["limit"])} items`,
        field,
      };
    case "minLength":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} should be at least ${String(params["limit"])} chars long`,
        field,
      };
    case "minItems":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} should have at least ${String(params["limit"])} items`,
        field,
      };
    case "pattern":
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} should match '${String(params["pattern"])}'`,
        field,
      };
    default:
      return {
        reason: "FieldValueInvalid",
        message: `Invalid value: ${show(value)}: ${inBody} ${e.message ?? "is invalid"}`,
        field,
      };
  }
}
