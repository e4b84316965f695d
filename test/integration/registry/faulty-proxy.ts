/**
 * A tiny HTTP proxy in front of a test registry that can fail, corrupt or guard requests, to test
 * retries, digest verification and bearer-token auth against a real registry behind it.
 * It keeps the client's Host header, so the registry's absolute `Location`s point back at the proxy.
 */
import { createServer, request } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Decides per request: `"pass"`, or handle it here (the hook wrote the response). */
export type ProxyHook = (req: IncomingMessage, res: ServerResponse, url: URL) => "pass" | "handled";

/** A running proxy. */
export interface FaultyProxy {
  readonly host: string;
  /** Requests seen, as `METHOD path`. */
  readonly seen: string[];
  stop(): Promise<void>;
}

/**
 * Starts a proxy to `upstream` (`127.0.0.1:port`); `corrupt(url)` flips a byte of that response's body;
 * `relativeLocations` turns absolute `Location` headers into paths.
 */
export async function startFaultyProxy(
  upstream: string,
  hook: ProxyHook,
  corrupt: (req: IncomingMessage, url: URL) => boolean = () => false,
  relativeLocations = false,
): Promise<FaultyProxy> {
  const [upstreamHost, upstreamPort] = upstream.split(":");
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://proxy");
    seen.push(`${req.method ?? ""} ${url.pathname}`);
    if (hook(req, res, url) === "handled") return;
    const forward = request(
      {
        host: upstreamHost,
        port: Number(upstreamPort),
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        const location = upstreamRes.headers.location;
        if (relativeLocations && location !== undefined) {
          const absolute = new URL(location, "http://proxy");
          upstreamRes.headers.location = `${absolute.pathname}${absolute.search}`;
        }
        if (!corrupt(req, url)) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const parts: Buffer[] = [];
        upstreamRes.on("data", (part: Buffer) => parts.push(part));
        upstreamRes.on("end", () => {
          const body = Buffer.concat(parts);
          if (body.length > 0) body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 0x01;
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          res.end(body);
        });
      },
    );
    forward.on("error", () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    seen,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
