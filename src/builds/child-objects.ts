/**
 * Names, labels, annotations and owner references of the objects a PayloadBuild owns. Names are
 * deterministic in (payload, component, attempt), so a restarted operator finds or re-creates the
 * very same object; long names are shortened with a hash so they stay valid.
 */
import { createHash } from "node:crypto";
import { API_GROUP_VERSION, PAYLOAD_BUILD } from "../api/group.js";
import type { OwnerReference } from "../kube/kube-object.js";
import { BuildBackendError, type PayloadBuildRef } from "./build-backend.js";

/** Label: name of the owning PayloadBuild (hash-shortened to 63 characters when longer). */
export const PAYLOAD_BUILD_LABEL = "payload.okd.io/payload-build";
/** Label: the component an object builds. */
export const COMPONENT_LABEL = "payload.okd.io/component";
/** Label: the attempt number (`"1"`, `"2"`, ...). */
export const ATTEMPT_LABEL = "payload.okd.io/attempt";
/** Annotation: the component's input identity, `sha256:<hex>`. */
export const INPUT_HASH_ANNOTATION = "payload.okd.io/input-hash";
/**
 * Image label of the built image carrying the same input identity. Reverse-DNS without `/`:
 * openshift-apiserver validates Build `spec.output.imageLabels[].name` as a config map key
 * (`[-._a-zA-Z0-9]+`) and rejects the annotation's name.
 */
export const INPUT_HASH_IMAGE_LABEL = "io.okd.payload.input-hash";

/**
 * On the children of a per-architecture build unit of a multi-arch payload (whose component label
 * is `<component>-<arch>`): the component it builds, the name its sources know it by.
 */
export const BUILT_COMPONENT_LABEL = "payload.okd.io/built-component";

/** The well-known node label a build's nodeSelector names to run on (and build for) one CPU architecture. */
export const ARCHITECTURE_NODE_LABEL = "kubernetes.io/arch";

/** Longest name we give: valid as a DNS-1123 subdomain (253), a DNS label and a label value (63). */
export const MAX_CHILD_NAME_LENGTH = 63;
const HASH_LENGTH = 10;

/**
 * `name` when it fits in `max` characters, else a prefix of it, `-`, and 10 hex characters of the
 * SHA-256 of the whole name: still unique in practice, still starting and ending with an alphanumeric.
 */
export function shortenName(name: string, max: number = MAX_CHILD_NAME_LENGTH): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, HASH_LENGTH);
  const prefix = name.slice(0, Math.max(0, max - HASH_LENGTH - 1)).replace(/[^a-z0-9]+$/i, "");
  return prefix === "" ? hash : `${prefix}-${hash}`;
}

/** Name of the object of one attempt: `<payload>-<component>-<attempt>`, shortened to 63 characters. */
export function attemptObjectName(payloadName: string, component: string, attempt: number): string {
  const suffix = `-${attempt}`;
  return `${shortenName(`${payloadName}-${component}`, MAX_CHILD_NAME_LENGTH - suffix.length)}${suffix}`;
}

/** Name of a per-component object (the BuildConfig): `<payload>-<component>`, shortened to 63 characters. */
export function componentObjectName(payloadName: string, component: string): string {
  return shortenName(`${payloadName}-${component}`);
}

/** `name`, `namespace` and `uid` of the PayloadBuild; throws when the object was never stored. */
export function payloadIdentity(payloadBuild: PayloadBuildRef): {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
} {
  const { name, namespace, uid } = payloadBuild.metadata;
  if (name === undefined || namespace === undefined || uid === undefined) {
    throw new BuildBackendError(
      `PayloadBuild ${name ?? "(unnamed)"}: metadata.name, namespace and uid are needed to own builds; pass the object as read from the API server`,
    );
  }
  return { name, namespace, uid };
}

/** The labels that find an object again: payload (shortened to 63), component and, when given, attempt. */
export function childLabels(
  payloadName: string,
  component: string,
  attempt?: number,
  builtComponent?: string,
): Record<string, string> {
  const labels: Record<string, string> = {
    [PAYLOAD_BUILD_LABEL]: shortenName(payloadName),
    [COMPONENT_LABEL]: component,
  };
  if (attempt !== undefined) labels[ATTEMPT_LABEL] = String(attempt);
  if (builtComponent !== undefined) labels[BUILT_COMPONENT_LABEL] = builtComponent;
  return labels;
}

/** Label selector (`k=v,k=v`) for every object owned by the PayloadBuild, optionally one component's. */
export function childLabelSelector(payloadName: string, component?: string): string {
  const parts = [`${PAYLOAD_BUILD_LABEL}=${shortenName(payloadName)}`];
  if (component !== undefined) parts.push(`${COMPONENT_LABEL}=${component}`);
  return parts.join(",");
}

/** The controller owner reference to the PayloadBuild (garbage collection deletes the children with it). */
export function payloadOwnerReference(payloadBuild: PayloadBuildRef): OwnerReference {
  const { name, uid } = payloadIdentity(payloadBuild);
  return {
    apiVersion: API_GROUP_VERSION,
    kind: PAYLOAD_BUILD.kind,
    name,
    uid,
    controller: true,
    blockOwnerDeletion: true,
  };
}
