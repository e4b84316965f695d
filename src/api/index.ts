/** The payload.okd.io/v1alpha1 API: schemas, types, parsers, condition helpers and CRDs. */
export * from "./group.js";
export * from "./problems.js";
export * from "./common.js";
export * from "./limits.js";
export * from "./condition.js";
export * from "./payload-build.js";
export * from "./release-stream.js";
export * from "./crd-schema.js";
export * from "./crds.js";
