/** The kubeconfig the dev cluster writes for kubectl and client-node. */
import { stringify } from "yaml";

/**
 * A kubeconfig document for a plain-HTTP server with no credentials. `insecure-skip-tls-verify` is
 * set because client-node 2.x refuses `http://` servers otherwise.
 */
export function kubeconfigYaml(url: string, contextName = "payload-dev"): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: contextName, cluster: { server: url, "insecure-skip-tls-verify": true } }],
    users: [{ name: contextName, user: {} }],
    contexts: [
      { name: contextName, context: { cluster: contextName, user: contextName, namespace: "default" } },
    ],
    "current-context": contextName,
    preferences: {},
  });
}
