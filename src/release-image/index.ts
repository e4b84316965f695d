/**
 * Release assembly: the `oc adm release new` / `oc adm release info` of this project. Everything else in
 * this directory is reachable from here; other modules import this file.
 */
export { assembleRelease } from "./assemble-release.js";
export type {
  AssembleReleaseDeps,
  AssembleReleaseInput,
  AssembledRelease,
  ReleasePlatformImage,
  ReleaseSource,
} from "./assemble-release.js";
export { ALLOWED_VERSION_KEYS, parseBuildVersions } from "./build-versions.js";
export type { ComponentVersion } from "./build-versions.js";
export { checkCvoManifest, checkOperatorManifest } from "./check-manifest.js";
export {
  componentsFromImageReferences,
  componentsFromImageStream,
  mergeComponents,
  parseComponentMappings,
} from "./component-sources.js";
export type { ReleaseComponentInput } from "./component-sources.js";
export { imageStreamSchema, parseImageStream } from "./image-stream.js";
export type { ImageStream } from "./image-stream.js";
export { nameReleaseManifests } from "./name-release-manifests.js";
export { planReleasePayload, OPERATOR_LABEL } from "./plan-release-payload.js";
export type { ReleasePayloadInput, ReleasePayloadPlan, ReleaseReport } from "./plan-release-payload.js";
export { readReleaseInfo } from "./read-release-info.js";
export type { ReleaseInfo } from "./read-release-info.js";
export { ReleaseAssemblyError } from "./release-assembly-error.js";
export { parseReleaseMetadata, writeImageReferences, writeReleaseMetadata } from "./release-documents.js";
export type { ReleaseMetadata } from "./release-documents.js";
export { isSemver } from "./semver.js";
export { writeSyntheticPayload } from "./synthetic-payload.js";
export type { SyntheticPayload, SyntheticPayloadOptions } from "./synthetic-payload.js";
export { verifyReleasePayload } from "./verify-release-payload.js";
export { BASE_DIGEST_LABEL, RELEASE_LABEL } from "./write-release-image.js";
