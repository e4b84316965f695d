/** API group, version and kind names of the custom resources this project serves. */

/** The API group of both kinds. */
export const API_GROUP = "payload.okd.io";
/** The only served and stored version. */
export const API_VERSION = "v1alpha1";
/** `apiVersion` as it appears in objects: `payload.okd.io/v1alpha1`. */
export const API_GROUP_VERSION = `${API_GROUP}/${API_VERSION}`;

/** Names of the PayloadBuild kind: kind, plural (the REST resource), singular, short names, list kind. */
export const PAYLOAD_BUILD = {
  kind: "PayloadBuild",
  listKind: "PayloadBuildList",
  plural: "payloadbuilds",
  singular: "payloadbuild",
  shortNames: ["pb"],
  categories: ["okd", "payload"],
} as const;

/** Names of the ReleaseStream kind: kind, plural (the REST resource), singular, short names, list kind. */
export const RELEASE_STREAM = {
  kind: "ReleaseStream",
  listKind: "ReleaseStreamList",
  plural: "releasestreams",
  singular: "releasestream",
  // Not "rs": kubectl already resolves that to ReplicaSets.
  shortNames: ["rstream"],
  categories: ["okd", "payload"],
} as const;
