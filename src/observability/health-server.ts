/**
 * The probe and metrics endpoint: `/healthz` (the process serves), `/readyz` (every readiness
 * check passes, e.g. all stores synced) and `/metrics` (Prometheus text from the registry).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Registry } from "prom-client";

/** A named readiness check: true when ready. */
export interface ReadinessCheck {
  readonly name: string;
  check(): boolean;
}

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  readonly registry: Registry;
  readonly readiness: () => readonly ReadinessCheck[];
  /** Default 127.0.0.1; use 0.0.0.0 in a pod. */
  readonly host?: string;
  /** Default 0 (a random free port). */
  readonly port?: number;
}

/** A running server. */
export interface HealthServer {
  readonly port: number;
  /** `http://host:port`. */
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the server; resolves once it listens. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz" || path === "/livez") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("ok\n");
      return;
    }
    if (path === "/readyz") {
      const failing = options
        .readiness()
        .filter((c) => !c.check())
        .map((c) => c.name);
      const body = failing.length === 0 ? "ok\n" : failing.map((n) => `[-] ${n} not ready\n`).join("");
      res.writeHead(failing.length === 0 ? 200 : 503, { "Content-Type": "text/plain" }).end(body);
      return;
    }
    if (path === "/metrics") {
      options.registry.metrics().then(
        (text) => res.writeHead(200, { "Content-Type": options.registry.contentType }).end(text),
        (err: unknown) =>
          res
            .writeHead(500, { "Content-Type": "text/plain" })
            .end(`metrics failed: ${err instanceof Error ? err.message : String(err)}\n`),
      );
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" }).end("not found\n");
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
