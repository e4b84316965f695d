/**
 * Resource descriptors (with their lenient schemas) of the kinds the build backends create or read:
 * the reconciler watches them, RBAC is generated from them.
 */
import { kubeResource, type KubeResource } from "../kube/resource.js";
import {
  buildConfigSchema,
  buildRunSchema,
  buildSchema,
  type Build,
  type BuildConfig,
  type BuildRun,
} from "./build-schemas.js";
import { imageStreamSchema, type ImageStream } from "./image-stream-schema.js";

/** `image.openshift.io/v1` ImageStream (read; spec tags written for prebuilt and shipwright components). */
export const IMAGE_STREAMS: KubeResource<ImageStream> = kubeResource(
  {
    group: "image.openshift.io",
    version: "v1",
    kind: "ImageStream",
    plural: "imagestreams",
    namespaced: true,
  },
  imageStreamSchema,
);

/** `build.openshift.io/v1` BuildConfig (one per component, the template users see). */
export const BUILD_CONFIGS: KubeResource<BuildConfig> = kubeResource(
  {
    group: "build.openshift.io",
    version: "v1",
    kind: "BuildConfig",
    plural: "buildconfigs",
    namespaced: true,
  },
  buildConfigSchema,
);

/** `build.openshift.io/v1` Build (one per attempt). */
export const BUILDS: KubeResource<Build> = kubeResource(
  { group: "build.openshift.io", version: "v1", kind: "Build", plural: "builds", namespaced: true },
  buildSchema,
);

/** `shipwright.io/v1beta1` BuildRun (one per attempt, with an embedded build spec). */
export const BUILD_RUNS: KubeResource<BuildRun> = kubeResource(
  { group: "shipwright.io", version: "v1beta1", kind: "BuildRun", plural: "buildruns", namespaced: true },
  buildRunSchema,
);
