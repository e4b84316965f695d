/** Build backends behind one interface (openshift, shipwright, prebuilt) and the ImageStream landed test. */
export * from "./build-backend.js";
export * from "./build-backends.js";
export * from "./build-images.js";
export * from "./build-resources.js";
export * from "./build-schemas.js";
export * from "./child-objects.js";
export * from "./attempt-observation.js";
export * from "./image-stream-schema.js";
export * from "./image-stream-tags.js";
export * from "./openshift-backend.js";
export * from "./shipwright-backend.js";
export * from "./prebuilt-backend.js";
