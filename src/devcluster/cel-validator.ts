/**
 * Enforcement of `x-kubernetes-validations` CEL rules with @bufbuild/cel: `self` is the value at
 * the rule's node, `oldSelf` the previous value on updates (transition rules are skipped on create
 * and where the old value cannot be correlated).
 */
import { celEnv, isCelError, parse, plan, type CelEnv } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { StatusCause } from "./errors.js";
import { itemsSchema, propertySchema } from "./structural-schema.js";
import { isJsonObject, type JsonObject, type JsonValue } from "./types.js";

type Program = (ctx: Record<string, unknown>) => unknown;

/** Compiles rules once and evaluates them over objects. */
export class CelValidator {
  private readonly env: CelEnv = celEnv({ funcs: strings });
  private readonly programs = new Map<string, Program | Error>();

  /** Evaluates every rule under `schema` against `value` (and `old`); returns failed rules as causes. */
  validate(schema: JsonObject, value: JsonValue, old: JsonValue | undefined): StatusCause[] {
    const causes: StatusCause[] = [];
    this.walk(schema, value, old, "", causes);
    return causes;
  }

  private compile(rule: string): Program | Error {
    let p = this.programs.get(rule);
    if (p === undefined) {
      try {
        const planned = plan(this.env, parse(rule));
        p = (ctx) => planned(ctx as never);
      } catch (e) {
        p = e instanceof Error ? e : new Error(String(e));
      }
      this.programs.set(rule, p);
    }
    return p;
  }

  private walk(
    schema: JsonObject,
    value: JsonValue,
    old: JsonValue | undefined,
    path: string,
    causes: StatusCause[],
  ): void {
    const rules = schema["x-kubernetes-validations"];
    if (Array.isArray(rules)) {
      for (const r of rules) if (isJsonObject(r)) this.check(r, schema, value, old, path, causes);
    }
    if (isJsonObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (path === "" && (key === "metadata" || key === "apiVersion" || key === "kind")) continue;
        const childSchema = propertySchema(schema, key);
        if (childSchema === undefined || child === null) continue;
        const oldChild = isJsonObject(old) ? old[key] : undefined;
        this.walk(childSchema, child, oldChild ?? undefined, path === "" ? key : `${path}.${key}`, causes);
      }
    } else if (Array.isArray(value)) {
      const items = itemsSchema(schema);
      if (items === undefined) return;
      const keys = schema["x-kubernetes-list-map-keys"];
      value.forEach((item, i) => {
        if (item === null) return;
        let oldItem: JsonValue | undefined;
        if (Array.isArray(old) && Array.isArray(keys) && isJsonObject(item)) {
          oldItem = old.find(
            (o) => isJsonObject(o) && keys.every((k) => typeof k === "string" && o[k] === item[k]),
          );
        }
        this.walk(items, item, oldItem, `${path}[${i}]`, causes);
      });
    }
  }

  /** The rule's `messageExpression` evaluated with the same variables, when it yields a string. */
  private messageOf(rule: JsonObject, ctx: Record<string, unknown>): string | undefined {
    const expr = rule["messageExpression"];
    if (typeof expr !== "string") return undefined;
    const program = this.compile(expr);
    if (program instanceof Error) return undefined;
    try {
      const out = program(ctx);
      return typeof out === "string" && out !== "" ? out : undefined;
    } catch {
      return undefined;
    }
  }

  /** Rules (and message expressions) under `schema` that do not parse, as CRD validation causes. */
  compileErrors(schema: JsonObject, path: string): StatusCause[] {
    const causes: StatusCause[] = [];
    const rules = schema["x-kubernetes-validations"];
    if (Array.isArray(rules))
      rules.forEach((r, i) => {
        if (!isJsonObject(r)) return;
        for (const key of ["rule", "messageExpression"]) {
          const expr = r[key];
          if (typeof expr !== "string") continue;
          const program = this.compile(expr);
          if (program instanceof Error)
            causes.push({
              reason: "FieldValueInvalid",
              field: `${path}.x-kubernetes-validations[${i}].${key}`,
              message: `Invalid value: ${JSON.stringify(expr)}: compilation failed: ${program.message}`,
            });
        }
      });
    for (const key of ["properties", "additionalProperties", "items"]) {
      const child = schema[key];
      if (!isJsonObject(child)) continue;
      if (key === "properties") {
        for (const [name, sub] of Object.entries(child))
          if (isJsonObject(sub)) causes.push(...this.compileErrors(sub, `${path}.properties[${name}]`));
      } else causes.push(...this.compileErrors(child, `${path}.${key}`));
    }
    return causes;
  }

  private check(
    rule: JsonObject,
    schema: JsonObject,
    value: JsonValue,
    old: JsonValue | undefined,
    path: string,
    causes: StatusCause[],
  ): void {
    const expr = rule["rule"];
    if (typeof expr !== "string") return;
    const usesOld = /\boldSelf\b/.test(expr);
    if (usesOld && old === undefined) return;
    const program = this.compile(expr);
    const fieldPath = typeof rule["fieldPath"] === "string" ? `${path}${rule["fieldPath"]}` : path;
    const reason = typeof rule["reason"] === "string" ? rule["reason"] : "FieldValueInvalid";
    if (program instanceof Error) {
      causes.push({
        reason: "FieldValueInvalid",
        field: fieldPath,
        message: `Invalid value: compilation failed for rule ${JSON.stringify(expr)}: ${program.message}`,
      });
      return;
    }
    const ctx: Record<string, unknown> = { self: toCel(value, schema) };
    if (usesOld && old !== undefined) ctx["oldSelf"] = toCel(old, schema);
    let result: unknown;
    try {
      result = program(ctx);
    } catch (e) {
      result = e instanceof Error ? e : new Error(String(e));
    }
    if (result === true) return;
    const message =
      this.messageOf(rule, ctx) ??
      (typeof rule["message"] === "string" ? rule["message"] : `failed rule: ${expr}`);
    const detail =
      isCelError(result) || result instanceof Error
        ? ` (evaluation error: ${(result as Error).message})`
        : "";
    causes.push({
      reason,
      field: fieldPath,
      message: `Invalid value: ${describe(value)}${message}${detail}`,
    });
  }
}

/** The value in a rule's message: kube-apiserver shows scalars only (`Invalid value: "x": msg`, `Invalid value: msg`). */
function describe(value: JsonValue): string {
  if (Array.isArray(value) || isJsonObject(value)) return "";
  return `${JSON.stringify(value)}: `;
}

/** Converts a JSON value to CEL input, using the schema to type integers as CEL `int`. */
export function toCel(value: JsonValue, schema: JsonObject | undefined): unknown {
  if (value === null) return null;
  if (typeof value === "number") {
    const t = schema?.["type"];
    if ((t === "integer" || (t === undefined && Number.isInteger(value))) && Number.isInteger(value))
      return BigInt(value);
    return value;
  }
  if (Array.isArray(value)) {
    const items = schema === undefined ? undefined : itemsSchema(schema);
    return value.map((v) => toCel(v, items));
  }
  if (isJsonObject(value)) {
    const out = new Map<string, unknown>();
    for (const [k, v] of Object.entries(value))
      out.set(k, toCel(v, schema === undefined ? undefined : propertySchema(schema, k)));
    return out;
  }
  return value;
}
