/** Helpers for object metadata: names, uids, timestamps, equality and metadata validation. */
import { randomInt, randomUUID } from "node:crypto";
import type { StatusCause } from "./errors.js";
import { isJsonObject, type KubeObject } from "./types.js";

const SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** `generateName` + five random characters, as the API server does. */
export function generatedName(prefix: string): string {
  let suffix = "";
  for (let i = 0; i < 5; i++) suffix += SUFFIX_ALPHABET[randomInt(SUFFIX_ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** A new object uid. */
export function newUid(): string {
  return randomUUID();
}

/** The current time as the API server writes it (RFC 3339, second precision). */
export function nowTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Structural equality of JSON-compatible values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object" || typeof b !== "object")
    return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  if (ak.length !== bk.length) return false;
  for (const k of ak) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

/**
 * The parts of an object that bump `generation` when they change: all but metadata, and status
 * too unless `includeStatus` (kinds without a status subresource).
 */
export function specPart(object: KubeObject, includeStatus = false): Record<string, unknown> {
  const { metadata: _m, status, apiVersion: _a, kind: _k, ...rest } = object;
  return includeStatus ? { ...rest, status } : rest;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** Validates name, labels and annotations the way `ValidateObjectMeta` does. */
export function validateObjectMeta(object: KubeObject, nameIsLabel: boolean): StatusCause[] {
  const causes: StatusCause[] = [];
  const name = object.metadata.name ?? "";
  if (name === "") {
    causes.push({
      reason: "FieldValueRequired",
      field: "metadata.name",
      message: "Required value: name or generateName is required",
    });
  } else if (
    nameIsLabel ? !DNS_LABEL.test(name) || name.length > 63 : !DNS_SUBDOMAIN.test(name) || name.length > 253
  ) {
    const what = nameIsLabel
      ? "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
      : "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    causes.push({
      reason: "FieldValueInvalid",
      field: "metadata.name",
      message: `Invalid value: ${JSON.stringify(name)}: ${what}`,
    });
  }
  const labels: unknown = object.metadata.labels;
  if (labels !== undefined && labels !== null) {
    if (!isJsonObject(labels))
      causes.push({
        reason: "FieldValueTypeInvalid",
        field: "metadata.labels",
        message: "Invalid value: must be a map of strings",
      });
    else
      for (const [k, v] of Object.entries(labels)) {
        if (!QUALIFIED_NAME.test(k) || k.length > 316)
          causes.push({
            reason: "FieldValueInvalid",
            field: "metadata.labels",
            message: `Invalid value: ${JSON.stringify(k)}: name part must consist of alphanumeric characters, '-', '_' or '.'`,
          });
        if (typeof v !== "string" || !LABEL_VALUE.test(v) || v.length > 63)
          causes.push({
            reason: "FieldValueInvalid",
            field: `metadata.labels`,
            message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
          });
      }
  }
  const annotations: unknown = object.metadata.annotations;
  if (annotations !== undefined && annotations !== null) {
    if (!isJsonObject(annotations))
      causes.push({
        reason: "FieldValueTypeInvalid",
        field: "metadata.annotations",
        message: "Invalid value: must be a map of strings",
      });
    else
      for (const [k, v] of Object.entries(annotations))
        if (typeof v !== "string")
          causes.push({
            reason: "FieldValueTypeInvalid",
            field: `metadata.annotations.${k}`,
            message: "Invalid value: must be a string",
          });
  }
  const finalizers: unknown = object.metadata.finalizers;
  if (
    finalizers !== undefined &&
    (!Array.isArray(finalizers) || !finalizers.every((f) => typeof f === "string"))
  )
    causes.push({
      reason: "FieldValueTypeInvalid",
      field: "metadata.finalizers",
      message: "Invalid value: must be a list of strings",
    });
  const owners: unknown = object.metadata.ownerReferences;
  if (owners !== undefined) {
    if (!Array.isArray(owners))
      causes.push({
        reason: "FieldValueTypeInvalid",
        field: "metadata.ownerReferences",
        message: "Invalid value: must be a list",
      });
    else
      owners.forEach((o: unknown, i) => {
        if (!isJsonObject(o)) return;
        for (const f of ["apiVersion", "kind", "name", "uid"])
          if (typeof o[f] !== "string" || o[f] === "")
            causes.push({
              reason: "FieldValueRequired",
              field: `metadata.ownerReferences[${i}].${f}`,
              message: "Required value",
            });
      });
    if (
      Array.isArray(owners) &&
      owners.filter((o: unknown) => isJsonObject(o) && o["controller"] === true).length > 1
    )
      causes.push({
        reason: "FieldValueInvalid",
        field: "metadata.ownerReferences",
        message: "Invalid value: Only one reference can have Controller set to true",
      });
  }
  return causes;
}
