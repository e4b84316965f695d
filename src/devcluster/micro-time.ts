/**
 * `metav1.MicroTime` fields are decoded by kube-apiserver with the layout
 * `2006-01-02T15:04:05.000000Z07:00`: exactly six fractional digits, or the request fails with 400
 * before any validation. The dev cluster decodes the same fields of its built-in kinds alike.
 */
import { badRequest } from "./errors.js";
import type { ResourceDefinition } from "./resource-definition.js";
import { isJsonObject, type JsonValue, type KubeObject } from "./types.js";

const LAYOUT = "2006-01-02T15:04:05.000000Z07:00";

/** The MicroTime fields of the built-in kinds, by `group/plural`. */
const MICRO_TIME_FIELDS: ReadonlyMap<string, readonly (readonly string[])[]> = new Map([
  ["/events", [["eventTime"], ["series", "lastObservedTime"]]],
  ["events.k8s.io/events", [["eventTime"], ["series", "lastObservedTime"]]],
  [
    "coordination.k8s.io/leases",
    [
      ["spec", "acquireTime"],
      ["spec", "renewTime"],
    ],
  ],
]);

function fieldAt(object: KubeObject, path: readonly string[]): JsonValue | undefined {
  let value: JsonValue | undefined = object as unknown as JsonValue;
  for (const key of path) value = isJsonObject(value) ? value[key] : undefined;
  return value;
}

/** Go's `time.Parse` error for `value` against {@link LAYOUT}, or undefined when it parses. */
function parseError(value: string): string | undefined {
  const m = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(.*)$/.exec(value);
  if (m === null)
    return `parsing time ${JSON.stringify(value)} as "${LAYOUT}": cannot parse ${JSON.stringify(value)} as "2006"`;
  const rest = m[1] ?? "";
  if (/^\.\d{6}(Z|[+-]\d{2}:\d{2})$/.test(rest)) return undefined;
  return `parsing time ${JSON.stringify(value)} as "${LAYOUT}": cannot parse ${JSON.stringify(rest)} as ".000000"`;
}

/** Throws kube-apiserver's 400 when a MicroTime field of `object` is not in {@link LAYOUT}. */
export function checkMicroTimes(def: ResourceDefinition, object: KubeObject): void {
  for (const path of MICRO_TIME_FIELDS.get(`${def.group}/${def.plural}`) ?? []) {
    const value = fieldAt(object, path);
    const error = typeof value === "string" ? parseError(value) : undefined;
    if (error !== undefined)
      throw badRequest(
        `${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${error}`,
      );
  }
}
