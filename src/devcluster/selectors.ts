/**
 * Label selectors (equality- and set-based, as in `labels.Parse`) and field selectors
 * (`metadata.name`, `metadata.namespace`, plus any dotted path with `=`, `==`, `!=`).
 */
import { badRequest } from "./errors.js";
import type { KubeObject } from "./types.js";

/** One parsed label requirement. */
export type LabelRequirement =
  | { key: string; op: "=" | "!="; value: string }
  | { key: string; op: "in" | "notin"; values: string[] }
  | { key: string; op: "exists" | "!" };

/** A matcher built from a selector string. */
export type ObjectMatcher = (object: KubeObject) => boolean;

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([-a-zA-Z0-9_.]*[a-zA-Z0-9])?$/;

function splitTopLevel(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i];
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    else if (ch === "," && depth === 0) {
      parts.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(selector.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== "");
}

function checkKey(key: string, selector: string): string {
  if (!KEY.test(key))
    throw badRequest(`unable to parse requirement: invalid label key "${key}" in selector "${selector}"`);
  return key;
}

/** Parses a label selector; throws 400 BadRequest naming the bad requirement. */
export function parseLabelSelector(selector: string): LabelRequirement[] {
  return splitTopLevel(selector).map((part): LabelRequirement => {
    const set = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part);
    if (set !== null) {
      const values = (set[3] ?? "")
        .split(",")
        .map((v) => v.trim())
        .filter((v) => v !== "");
      return { key: checkKey(set[1] ?? "", selector), op: set[2] === "in" ? "in" : "notin", values };
    }
    const eq = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (eq !== null) {
      return { key: checkKey(eq[1] ?? "", selector), op: eq[2] === "!=" ? "!=" : "=", value: eq[3] ?? "" };
    }
    if (part.startsWith("!")) return { key: checkKey(part.slice(1).trim(), selector), op: "!" };
    return { key: checkKey(part, selector), op: "exists" };
  });
}

/** True when `labels` satisfy every requirement. */
export function labelsMatch(
  requirements: readonly LabelRequirement[],
  labels: Record<string, string> | undefined,
): boolean {
  for (const r of requirements) {
    const value = labels?.[r.key];
    switch (r.op) {
      case "=":
        if (value !== r.value) return false;
        break;
      case "!=":
        if (value === r.value) return false;
        break;
      case "in":
        if (value === undefined || !r.values.includes(value)) return false;
        break;
      case "notin":
        if (value !== undefined && r.values.includes(value)) return false;
        break;
      case "exists":
        if (value === undefined) return false;
        break;
      case "!":
        if (value !== undefined) return false;
        break;
    }
  }
  return true;
}

/** One parsed field requirement. */
export interface FieldRequirement {
  path: string[];
  op: "=" | "!=";
  value: string;
}

/** Parses a field selector such as `metadata.name=foo,metadata.namespace!=bar`. */
export function parseFieldSelector(selector: string): FieldRequirement[] {
  return splitTopLevel(selector).map((part) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (m === null) throw badRequest(`invalid selector: '${selector}'; can't understand '${part}'`);
    return { path: (m[1] ?? "").split("."), op: m[2] === "!=" ? "!=" : "=", value: (m[3] ?? "").trim() };
  });
}

function fieldValue(object: KubeObject, path: readonly string[]): string {
  let cur: unknown = object;
  for (const p of path) {
    if (typeof cur !== "object" || cur === null) return "";
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "string" ? cur : JSON.stringify(cur);
}

/** Field selector labels every resource supports. */
const COMMON_FIELDS = ["metadata.name", "metadata.namespace"];

/** Extra field selector labels per `group/plural`, as the real API server supports them. */
export const SELECTABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  "/events": [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  "events.k8s.io/events": [
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reason",
    "reportingController",
    "type",
    "deprecatedSource",
  ],
  "/secrets": ["type"],
  "/namespaces": ["status.phase"],
  "batch/jobs": ["status.successful"],
  "build.openshift.io/builds": ["status", "podName"],
};

/**
 * Field labels whose value is not at their own path in the stored object, per served
 * `group/plural`: a core Event's `source` is `source.component`, and `events.k8s.io` field labels
 * name the `events.k8s.io` fields of an Event stored in the core form (the real server's field
 * label conversions: `regarding.*` -> `involvedObject.*`, `reportingController` ->
 * `reportingComponent`).
 */
const FIELD_LABEL_PATHS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "/events": { source: "source.component" },
  "events.k8s.io/events": {
    "regarding.kind": "involvedObject.kind",
    "regarding.namespace": "involvedObject.namespace",
    "regarding.name": "involvedObject.name",
    "regarding.uid": "involvedObject.uid",
    "regarding.apiVersion": "involvedObject.apiVersion",
    "regarding.resourceVersion": "involvedObject.resourceVersion",
    "regarding.fieldPath": "involvedObject.fieldPath",
    reportingController: "reportingComponent",
    deprecatedSource: "source.component",
  },
};

/**
 * The matcher of a list or watch of the resource `group/plural` (`resourceKey`), over objects in
 * their stored form: only the field labels that resource supports, at their stored paths.
 */
export function matcherForResource(
  resourceKey: string,
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
): ObjectMatcher | undefined {
  return buildMatcher(
    labelSelector,
    fieldSelector,
    SELECTABLE_FIELDS[resourceKey] ?? [],
    FIELD_LABEL_PATHS[resourceKey],
  );
}

/**
 * Builds one matcher from optional label and field selector strings (undefined = match all).
 * When `selectable` is given, field labels outside it (and metadata.name/namespace) answer 400,
 * like the API server's "field label not supported". `paths` maps field labels to the dotted path
 * of their value when it is not the label itself.
 */
export function buildMatcher(
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  selectable?: readonly string[],
  paths: Readonly<Record<string, string>> = {},
): ObjectMatcher | undefined {
  const labels =
    labelSelector !== undefined && labelSelector.trim() !== "" ? parseLabelSelector(labelSelector) : [];
  const fields =
    fieldSelector !== undefined && fieldSelector.trim() !== "" ? parseFieldSelector(fieldSelector) : [];
  if (selectable !== undefined)
    for (const f of fields) {
      const label = f.path.join(".");
      if (!COMMON_FIELDS.includes(label) && !selectable.includes(label))
        throw badRequest(`field label not supported: ${label}`);
    }
  if (labels.length === 0 && fields.length === 0) return undefined;
  const resolved = fields.map((f) => {
    const path = paths[f.path.join(".")];
    return path === undefined ? f : { ...f, path: path.split(".") };
  });
  return (object) => {
    if (!labelsMatch(labels, object.metadata.labels)) return false;
    for (const f of resolved) {
      const v = fieldValue(object, f.path);
      if (f.op === "=" ? v !== f.value : v === f.value) return false;
    }
    return true;
  };
}

/** The exact `metadata.name` a field selector pins, if any (lets list/watch skip a scan). */
export function pinnedName(fieldSelector: string | undefined): string | undefined {
  if (fieldSelector === undefined || fieldSelector.trim() === "") return undefined;
  const name = parseFieldSelector(fieldSelector).find(
    (f) => f.op === "=" && f.path.join(".") === "metadata.name",
  );
  return name?.value;
}
