/** The dev cluster's integrated image registry. */
export { startRegistryServer } from "./registry-server.js";
export type { RegistryServerOptions, RunningRegistryServer } from "./registry-server.js";
export { integratedRegistryAddon, registryAddon } from "./registry-addon.js";
export { startRegistryAccessControl } from "./registry-access-control.js";
export type {
  AccessDecision,
  RegistryAccessControlOptions,
  RunningRegistryAccessControl,
} from "./registry-access-control.js";
