/**
 * Conversion between the two API views of one stored Event: core `v1` and `events.k8s.io/v1`, with
 * the field mapping of kubernetes `pkg/apis/events/v1/conversion.go` (and the generated
 * conversions it builds on): `regarding` <-> `involvedObject`, `note` <-> `message`,
 * `reportingController` <-> `reportingComponent`, `deprecatedSource` <-> `source`,
 * `deprecatedFirstTimestamp`/`deprecatedLastTimestamp`/`deprecatedCount` <->
 * `firstTimestamp`/`lastTimestamp`/`count`; `eventTime`, `series`, `action`, `reason`, `related`,
 * `type`, `reportingInstance` and `metadata` are the same in both. The dev cluster stores events in
 * the core form, as the real API server does.
 */
import type { KubeObject } from "./types.js";

/** events.k8s.io/v1 field -> core v1 field, for the fields whose names differ. */
const EVENTS_V1_TO_CORE: Readonly<Record<string, string>> = {
  regarding: "involvedObject",
  note: "message",
  reportingController: "reportingComponent",
  deprecatedSource: "source",
  deprecatedFirstTimestamp: "firstTimestamp",
  deprecatedLastTimestamp: "lastTimestamp",
  deprecatedCount: "count",
};

const CORE_TO_EVENTS_V1: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(EVENTS_V1_TO_CORE).map(([v1, core]) => [core, v1]),
);

function renamed(
  object: KubeObject,
  names: Readonly<Record<string, string>>,
  apiVersion: string,
): KubeObject {
  const out: KubeObject = { apiVersion, kind: "Event", metadata: object.metadata };
  for (const [field, value] of Object.entries(object)) {
    if (field === "apiVersion" || field === "kind" || field === "metadata" || value === undefined) continue;
    out[names[field] ?? field] = value;
  }
  return out;
}

/** The `events.k8s.io/v1` view of a core `v1` Event. Pure; shares nested values with `event`. */
export function coreEventToEventsV1(event: KubeObject): KubeObject {
  return renamed(event, CORE_TO_EVENTS_V1, "events.k8s.io/v1");
}

/** The core `v1` form of an `events.k8s.io/v1` Event. Pure; shares nested values with `event`. */
export function eventsV1EventToCore(event: KubeObject): KubeObject {
  return renamed(event, EVENTS_V1_TO_CORE, "v1");
}
