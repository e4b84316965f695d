/** The integrated registry as a dev cluster addon. */
import { join } from "node:path";
import { startRegistryServer } from "./registry-server.js";
import type { RunningRegistryServer } from "./registry-server.js";

/** What the addon needs from the dev cluster: where it keeps its data. */
export interface RegistryAddonContext {
  /** The dev cluster's data directory; the registry keeps its storage in `<dataDir>/registry`. */
  readonly dataDir: string;
}

/**
 * A dev cluster addon factory: `integratedRegistryAddon({port})(ctx)` starts the registry over
 * `<ctx.dataDir>/registry` and resolves to the running server (`url`, `host`, `stop()`).
 */
export function integratedRegistryAddon(options: { port?: number } = {}) {
  return (ctx: RegistryAddonContext): Promise<RunningRegistryServer> =>
    startRegistryServer({
      dir: join(ctx.dataDir, "registry"),
      ...(options.port === undefined ? {} : { port: options.port }),
    });
}
