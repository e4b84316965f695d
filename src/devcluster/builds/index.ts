/** The simulated build system: Builds, BuildRuns and image imports that push real images. */
export { buildSystemAddon, startBuildSystem } from "./build-system.js";
export type { BuildSystemAddon, BuildSystemOptions, RunningBuildSystem } from "./build-system.js";
export type { BuildBehaviour } from "./build-behaviour.js";
export { COMPONENT_LABEL } from "./build-request.js";
export {
  componentProfileOf,
  loadSimulationProfile,
  parseSimulationProfile,
  simulationProfileSchema,
} from "./simulation-profile.js";
export type { SimulationProfile, ComponentProfile, ExternalImageProfile } from "./simulation-profile.js";
export { BUILDS, BUILD_CONFIGS, BUILD_RUNS, IMAGE_STREAMS } from "./upstream-objects.js";
export type { BuildObject, BuildRunObject, ImageStreamObject } from "./upstream-objects.js";
export type { BuildahOptions } from "./buildah-build.js";
