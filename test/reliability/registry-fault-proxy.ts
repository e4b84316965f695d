/**
 * A fault-injecting HTTP proxy in front of a Docker Registry HTTP API v2 server (Debian's
 * `docker-registry`): some requests are answered 5xx without reaching the registry, some blob
 * transfers are cut in the middle (the connection reset after part of the body), some responses
 * are slowed down. On 127.0.0.1, random port; counts what it injected.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** What to inject; rates are fractions (0..1) of requests. */
export interface RegistryFaults {
  /** Requests answered 500, 502 or 503 (never forwarded). */
  readonly errorRate: number;
  /** Blob transfers (GET of a blob, PATCH/PUT of an upload) cut after part of the body. */
  readonly resetRate: number;
  /** Requests delayed by `slowMs` before being forwarded. */
  readonly slowRate: number;
  readonly slowMs: number;
}

/** No faults. */
export const NO_REGISTRY_FAULTS: RegistryFaults = { errorRate: 0, resetRate: 0, slowRate: 0, slowMs: 0 };

/** What to do with one request. */
export type RegistryFaultDecision =
  | { readonly kind: "forward" }
  | { readonly kind: "error"; readonly code: 500 | 502 | 503 }
  | { readonly kind: "reset" }
  | { readonly kind: "slow"; readonly ms: number };

/** True for a request that moves a blob's bytes (download, or upload chunk/commit). */
export function isBlobTransfer(method: string, path: string): boolean {
  if (method === "GET") return /^\/v2\/.+\/blobs\/sha256:[0-9a-f]{64}$/.test(path);
  return (method === "PATCH" || method === "PUT") && /^\/v2\/.+\/blobs\/uploads\//.test(path);
}

/** Decides the fate of one request (pure; `random` in [0, 1)). `/v2/` pings are never touched. */
export function decideRegistryFault(
  method: string,
  path: string,
  faults: RegistryFaults,
  random: () => number,
): RegistryFaultDecision {
  if (path === "/v2/" || path === "/v2") return { kind: "forward" };
  if (isBlobTransfer(method, path) && random() < faults.resetRate) return { kind: "reset" };
  if (random() < faults.errorRate) {
    const codes = [500, 502, 503] as const;
    return { kind: "error", code: codes[Math.floor(random() * codes.length)] ?? 500 };
  }
  if (random() < faults.slowRate) return { kind: "slow", ms: faults.slowMs };
  return { kind: "forward" };
}

/** Counts of what the proxy did. */
export interface RegistryFaultCounts {
  requests: number;
  errors: number;
  resets: number;
  slow: number;
}

/** A running proxy. */
export interface RegistryFaultProxy {
  /** `127.0.0.1:<port>`, to use in place of the registry's host. */
  readonly host: string;
  readonly counts: RegistryFaultCounts;
  /** Changes the faults from now on. */
  setFaults(faults: RegistryFaults): void;
  stop(): Promise<void>;
}

/** Starts a proxy to the registry at `target` (`127.0.0.1:PORT`, plain HTTP). */
export async function startRegistryFaultProxy(
  target: string,
  initial: RegistryFaults = NO_REGISTRY_FAULTS,
  random: () => number = Math.random,
): Promise<RegistryFaultProxy> {
  const upstream = new URL(`http://${target}`);
  let faults = initial;
  const counts: RegistryFaultCounts = { requests: 0, errors: 0, resets: 0, slow: 0 };
  let host = "";

  const forward = (req: IncomingMessage, res: ServerResponse, cutResponse: boolean): void => {
    const forwarded = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        // Location headers name the registry: rewrite them to the proxy so uploads come back here.
        const headers = { ...answer.headers };
        const location = headers.location;
        if (typeof location === "string") headers.location = location.replace(upstream.host, host);
        res.writeHead(answer.statusCode ?? 502, headers);
        if (!cutResponse) {
          answer.pipe(res);
          return;
        }
        const length = Number(answer.headers["content-length"] ?? 0);
        let sent = 0;
        answer.on("data", (chunk: Buffer) => {
          const room = Math.max(1, Math.floor(length / 2)) - sent;
          if (room <= 0) return;
          res.write(chunk.subarray(0, room));
          sent += Math.min(room, chunk.length);
          if (sent >= Math.max(1, Math.floor(length / 2))) {
            answer.destroy();
            res.socket?.resetAndDestroy();
          }
        });
        answer.on("end", () => res.socket?.resetAndDestroy());
      },
    );
    forwarded.on("error", () => res.destroy());
    res.on("close", () => forwarded.destroy());
    req.pipe(forwarded);
  };

  const server = createServer((req, res) => {
    counts.requests += 1;
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const method = req.method ?? "GET";
    const decision = decideRegistryFault(method, path, faults, random);
    switch (decision.kind) {
      case "error":
        counts.errors += 1;
        req.resume();
        res.writeHead(decision.code, { "content-type": "application/json" });
        res.end(JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected fault" }] }));
        return;
      case "reset":
        counts.resets += 1;
        if (method === "GET") return forward(req, res, true);
        // An upload: take part of the body, then reset the connection.
        req.once("data", () => req.socket.resetAndDestroy());
        req.once("end", () => req.socket.resetAndDestroy());
        return;
      case "slow":
        counts.slow += 1;
        setTimeout(() => forward(req, res, false), decision.ms);
        return;
      case "forward":
        return forward(req, res, false);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    counts,
    setFaults: (f) => {
      faults = f;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
