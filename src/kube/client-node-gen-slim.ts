/**
 * What `@kubernetes/client-node`'s `KubeConfig` (`dist/config.js`) imports from the package's
 * generated-API barrel (`dist/gen/index.js`), and nothing else: the configuration factory and the
 * server descriptor, taken from their own small modules. {@link registerSlimClientNode} points
 * `config.js`'s import of the barrel here, so the operator never loads the generated models and
 * API classes of every Kubernetes kind (about 24 MiB of heap), which it does not use.
 *
 * Must export exactly the names `config.js` imports from `./gen/index.js` (checked by
 * `test/unit/kube/slim-client-node.test.ts` against the installed package).
 */
export { createConfiguration } from "@kubernetes/client-node/dist/gen/configuration.js";
export { ServerConfiguration } from "@kubernetes/client-node/dist/gen/servers.js";
