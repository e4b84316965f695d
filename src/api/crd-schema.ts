/**
 * Turns a zod schema into a Kubernetes *structural* openAPIV3Schema: zod 4's `toJSONSchema`
 * (OpenAPI 3.0 target, input side so defaults are optional and carry `default:`) followed by a
 * pass that removes what CRDs forbid and fails loudly on what cannot be made structural.
 */
import { z } from "zod";

/** A JSON schema node as emitted by zod and accepted by the API server. */
export type JsonSchema = { [key: string]: unknown };

/** Keywords a structural schema may not contain anywhere. */
export const FORBIDDEN_SCHEMA_KEYWORDS = [
  "$ref",
  "$schema",
  "$defs",
  "definitions",
  "dependencies",
  "deprecated",
  "discriminator",
  "id",
  "patternProperties",
  "propertyNames",
  "readOnly",
  "writeOnly",
  "xml",
  "const",
  "oneOf",
  "allOf",
  "not",
  "nullable",
] as const;

const INT_OR_STRING = "x-kubernetes-int-or-string";
const PRESERVE_UNKNOWN = "x-kubernetes-preserve-unknown-fields";

/** Thrown when a zod schema cannot be expressed as a structural CRD schema. */
export class StructuralSchemaError extends Error {
  override readonly name = "StructuralSchemaError";
}

/** Converts a zod schema to a structural openAPIV3Schema node. Throws {@link StructuralSchemaError}. */
export function toStructuralSchema(schema: z.ZodType): JsonSchema {
  const raw = z.toJSONSchema(schema, {
    target: "openapi-3.0",
    io: "input",
    unrepresentable: "throw",
  }) as JsonSchema;
  return structuralize(raw, "");
}

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pick(node: JsonSchema, keys: readonly string[]): JsonSchema {
  const out: JsonSchema = {};
  for (const key of keys) if (node[key] !== undefined) out[key] = node[key];
  return out;
}

/** Rewrites one node (and its children) into structural form. `path` is for error messages. */
export function structuralize(node: JsonSchema, path: string): JsonSchema {
  const where = path === "" ? "<root>" : path;
  if (node[INT_OR_STRING] === true) {
    return {
      ...pick(node, ["description", "default", "pattern"]),
      anyOf: [{ type: "integer" }, { type: "string" }],
      [INT_OR_STRING]: true,
    };
  }
  if (node[PRESERVE_UNKNOWN] === true) {
    return { ...pick(node, ["description"]), type: "object", [PRESERVE_UNKNOWN]: true };
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema") continue;
    if ((FORBIDDEN_SCHEMA_KEYWORDS as readonly string[]).includes(key) || key === "anyOf") {
      throw new StructuralSchemaError(`${where}: "${key}" is not allowed in a structural CRD schema`);
    }
    if (key === "additionalProperties") {
      if (value === false) continue;
      if (!isSchema(value) || Object.keys(value).length === 0) {
        throw new StructuralSchemaError(
          `${where}: free-form objects need .meta({"${PRESERVE_UNKNOWN}": true}) instead of additionalProperties`,
        );
      }
      out[key] = structuralize(value, `${path}{*}`);
      continue;
    }
    if (key === "properties" && isSchema(value)) {
      const props: JsonSchema = {};
      for (const [name, child] of Object.entries(value)) {
        if (!isSchema(child)) throw new StructuralSchemaError(`${where}.${name}: not a schema`);
        props[name] = structuralize(child, path === "" ? name : `${path}.${name}`);
      }
      out[key] = props;
      continue;
    }
    if (key === "items" && isSchema(value)) {
      out[key] = structuralize(value, `${path}[]`);
      continue;
    }
    out[key] = value;
  }
  if (out.type === "integer") {
    if (out.maximum === Number.MAX_SAFE_INTEGER) delete out.maximum;
    if (out.minimum === Number.MIN_SAFE_INTEGER) delete out.minimum;
  }
  if (out.format === "date-time") delete out.pattern;
  if (typeof out.type !== "string") {
    throw new StructuralSchemaError(
      `${where}: every schema node needs a single type (got ${JSON.stringify(node)})`,
    );
  }
  if (out.properties !== undefined && out.additionalProperties !== undefined) {
    throw new StructuralSchemaError(`${where}: properties and additionalProperties are mutually exclusive`);
  }
  return withLeadingKeys(out, ["description", "type"]);
}

/** Puts `keys` first so the generated YAML reads description, type, then the rest. */
function withLeadingKeys(node: JsonSchema, keys: readonly string[]): JsonSchema {
  return { ...pick(node, keys), ...node };
}
