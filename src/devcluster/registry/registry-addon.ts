/** The integrated registry as a dev cluster addon (stopped with the cluster, in reverse start order). */
import type { DevClusterAddon } from "../dev-cluster.js";
import { startRegistryServer } from "./registry-server.js";
import type { RegistryServerOptions, RunningRegistryServer } from "./registry-server.js";

/**
 * Starts the registry when the dev cluster starts. `onStarted` receives the running server (its
 * `host` is what builds push to). When another addon needs the host at construction time, start the
 * registry first with {@link startRegistryServer} and hand it over with {@link registryAddon}.
 */
export function integratedRegistryAddon(
  options: RegistryServerOptions & { readonly onStarted?: (registry: RunningRegistryServer) => void },
): DevClusterAddon {
  return async () => {
    const registry = await startRegistryServer(options);
    options.onStarted?.(registry);
    return { stop: () => registry.stop() };
  };
}

/** An already started registry as an addon: the dev cluster only stops it. */
export function registryAddon(registry: RunningRegistryServer): DevClusterAddon {
  return async () => ({ stop: () => registry.stop() });
}
