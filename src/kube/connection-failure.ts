/**
 * Plain words for a request that never got an HTTP answer: which server, and why (connection
 * refused, no such host, TLS, timeout), instead of undici's bare `fetch failed`.
 */

/** The `code` of an error or of the first cause that has one. */
function causeCode(error: unknown): { code?: string; message: string } {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    if (current instanceof Error && current.message !== "fetch failed") message = current.message;
    if ("code" in current && typeof current.code === "string") return { code: current.code, message };
    current = "cause" in current ? current.cause : undefined;
  }
  return { message };
}

/** What went wrong, in words a user acts on (pure). */
export function describeConnectionFailure(error: unknown, server: string): string {
  const { code, message } = causeCode(error);
  const host = (() => {
    try {
      return new URL(server).host;
    } catch {
      return server;
    }
  })();
  if (code === "ECONNREFUSED")
    return `cannot reach ${server}: connection refused (nothing listens on ${host}; is the cluster running?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN")
    return `cannot reach ${server}: DNS lookup of ${host.replace(/:\d+$/, "")} failed (${code})`;
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH")
    return `cannot reach ${server}: no route to ${host} (${code})`;
  if (code === "ECONNRESET") return `cannot reach ${server}: the connection was reset (${code})`;
  if (code === "UND_ERR_CONNECT_TIMEOUT" || code === "ETIMEDOUT" || code === "ABORT_ERR")
    return `cannot reach ${server}: no answer in time (${code})`;
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
    return `cannot reach ${server}: no answer in time (${error.name})`;
  if (
    code !== undefined &&
    (code.startsWith("ERR_TLS_") ||
      code.startsWith("ERR_SSL_") ||
      code.includes("CERT") ||
      code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
      code === "EPROTO")
  )
    return `TLS connection to ${server} failed (${code}: ${message}); check certificate-authority-data / insecure-skip-tls-verify in the kubeconfig`;
  return `cannot reach ${server}: ${code === undefined ? message : `${code}: ${message}`}`;
}
