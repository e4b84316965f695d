/** The dev cluster's integrated image registry. */
export { startRegistryServer } from "./registry-server.js";
export type { RegistryServerOptions, RunningRegistryServer } from "./registry-server.js";
export { integratedRegistryAddon } from "./registry-addon.js";
export type { RegistryAddonContext } from "./registry-addon.js";
