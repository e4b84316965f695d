/**
 * How a stored object looks through each served resource: the stored form is converted to the
 * requested group/version on every read, watch and write response, and a written object is
 * converted back to the stored form. Versions of one CRD differ only in `apiVersion`; core and
 * `events.k8s.io` events differ in field names ({@link coreEventToEventsV1}).
 */
import { coreEventToEventsV1, eventsV1EventToCore } from "./event-conversion.js";
import { groupVersionOf, resourceKeyOf, type ResourceDefinition } from "./resource-definition.js";
import type { KubeObject } from "./types.js";

const EVENTS_V1 = "events.k8s.io/events";

/** `object` (stored form, or already in this view) as served by `def`. Pure. */
export function viewOf(def: ResourceDefinition, object: KubeObject): KubeObject {
  const gv = groupVersionOf(def);
  if (object.apiVersion === gv) return object;
  if (resourceKeyOf(def) === EVENTS_V1 && object.apiVersion === "v1") return coreEventToEventsV1(object);
  return { ...object, apiVersion: gv };
}

/** `object`, written through `def` (in its view), in the form it is stored in. Pure. */
export function storedFormOf(def: ResourceDefinition, object: KubeObject): KubeObject {
  if (resourceKeyOf(def) === EVENTS_V1 && object.apiVersion !== "v1") return eventsV1EventToCore(object);
  return object;
}
