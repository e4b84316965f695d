/**
 * Loading `@kubernetes/client-node` without its generated API. The operator uses the package's
 * `KubeConfig` (kubeconfig loading, in-cluster config, authentication), `Watch` and the HTTP request
 * types only, and imports them from their own modules (`dist/config.js`, `dist/watch.js`,
 * `dist/gen/http/*`). But `dist/config.js` imports two names from the barrel `dist/gen/index.js`, which
 * loads the models and API classes of every Kubernetes kind: about 24 MiB of live heap and 50 MiB of
 * resident memory that an idle operator would otherwise carry.
 */
import { registerHooks } from "node:module";
// Imported here so the build (tsc over the import graph of payloadctl.ts) emits and ships it.
import "./client-node-gen-slim.js";

const CONFIG_MODULE = "/@kubernetes/client-node/dist/config.js";
const GEN_BARREL = "/@kubernetes/client-node/dist/gen/index.js";
/** The replacement barrel, resolved like any import of this module (tsx maps `.js` to `.ts`). */
const SLIM_BARREL = "./client-node-gen-slim.js";

let registered = false;

/**
 * Registers a module resolution hook (in this thread, `module.registerHooks`) that resolves
 * `dist/config.js`'s import of `./gen/index.js` to `client-node-gen-slim.ts`, which exports the
 * same two names from their own small modules. Every other import resolves as before (code that
 * imports the package's main entry still gets the whole package). Only modules loaded after this
 * call are affected: call it before importing anything that imports `KubeConfig`, from a module
 * that does not (the `payloadctl` entry does, then imports the program dynamically). Calling it
 * again does nothing.
 */
export function registerSlimClientNode(): void {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, nextResolve) {
      const resolved = nextResolve(specifier, context);
      if (!resolved.url.endsWith(GEN_BARREL) || context.parentURL?.endsWith(CONFIG_MODULE) !== true)
        return resolved;
      return nextResolve(SLIM_BARREL, { ...context, parentURL: import.meta.url });
    },
  });
}
