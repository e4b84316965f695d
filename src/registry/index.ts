/** The registry module's public surface: the only module that talks to registries and OCI layout dirs. */
export * from "./image-store.js";
export * from "./image-reference.js";
export * from "./media-types.js";
export * from "./manifest-schemas.js";
export { copyImage } from "./copy-image.js";
export type { CopyResult } from "./copy-image.js";
export { sha256Digest, createDigestVerifier, verifyBytes } from "./digest.js";
export { parseDockerConfig } from "./docker-config.js";
export type { Credentials, CredentialStore } from "./docker-config.js";
export { REF_NAME_ANNOTATION } from "./oci-layout-store.js";
