/**
 * A plain-HTTP reverse proxy in front of one registry that counts the requests passing through it, by
 * method and kind (`GET manifest`, `GET blob`, `HEAD blob`, `POST upload`...) and the TCP connections
 * clients opened: what a tool asks of the registry, whichever tool it is (`oc`, ours). Bodies are
 * streamed both ways. Adds a hop: for counting, never for timing.
 */
import { Agent, createServer, request, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** A running proxy: point clients at `host` instead of the registry. */
export interface CountingProxy {
  /** `127.0.0.1:<port>` */
  readonly host: string;
  /** Requests so far by `METHOD kind`. */
  counts(): Record<string, number>;
  /** Requests so far in all. */
  total(): number;
  /** TCP connections clients opened so far. */
  connections(): number;
  /** Forgets the counts. */
  reset(): void;
  close(): Promise<void>;
}

/** What a registry request is about: manifest, blob, upload, tags, ping. */
export function requestKind(method: string, url: string): string {
  const path = url.split("?")[0] ?? "";
  const kind = path.includes("/blobs/uploads")
    ? "upload"
    : path.includes("/manifests/")
      ? "manifest"
      : path.includes("/blobs/")
        ? "blob"
        : path.endsWith("/tags/list")
          ? "tags"
          : path === "/v2/" || path === "/v2"
            ? "ping"
            : "other";
  return `${method} ${kind}`;
}

/** Starts a counting proxy to `target` (`host:port`, plain HTTP) on 127.0.0.1, a random port. */
export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const [targetHost = "127.0.0.1", targetPort = "80"] = target.split(":");
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let counts: Record<string, number> = {};
  let connections = 0;
  let listening = "";
  const server = createServer((incoming: IncomingMessage, outgoing) => {
    const key = requestKind(incoming.method ?? "GET", incoming.url ?? "/");
    counts[key] = (counts[key] ?? 0) + 1;
    const upstream = request(
      {
        host: targetHost,
        port: Number(targetPort),
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target },
        agent,
      },
      (answer) => {
        const headers = { ...answer.headers };
        // Upload locations name the registry: clients must come back through the proxy.
        if (typeof headers.location === "string")
          headers.location = headers.location.replace(`//${target}/`, `//${listening}/`);
        outgoing.writeHead(answer.statusCode ?? 502, headers);
        answer.pipe(outgoing);
      },
    );
    upstream.on("error", (error) => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end(String(error));
    });
    incoming.pipe(upstream);
  });
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  listening = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host: listening,
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((sum, n) => sum + n, 0),
    connections: () => connections,
    reset: () => {
      counts = {};
      connections = 0;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      agent.destroy();
    },
  };
}
