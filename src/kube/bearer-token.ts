/**
 * The bearer token the operator authenticates to the API server with, for services that accept it
 * in the API server's stead (OpenShift's integrated registry takes it as a password).
 */
import type { RequestOptions } from "node:https";
import type { KubeConfig } from "@kubernetes/client-node/dist/config.js";

/**
 * Returns a reader of the current bearer token of `kubeConfig`'s user: a `token`, the in-cluster
 * ServiceAccount token file (re-read every minute, as the API client does, so a rotated token is
 * picked up) or an exec
 * plugin's token. Resolves to `undefined` when the user authenticates otherwise (client certificate,
 * basic auth).
 */
export function bearerTokenSource(kubeConfig: KubeConfig): () => Promise<string | undefined> {
  return async () => {
    const options: RequestOptions = { headers: {} };
    await kubeConfig.applyToHTTPSOptions(options);
    const headers = (options.headers ?? {}) as Record<string, unknown>;
    const authorization = headers["Authorization"] ?? headers["authorization"];
    if (typeof authorization !== "string") return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    return match?.[1];
  };
}
