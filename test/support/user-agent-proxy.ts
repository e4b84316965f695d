/**
 * A transparent HTTP proxy in front of the dev cluster that stamps every request with a
 * `User-Agent`, so the dev cluster's audit log can tell one client (the operator process under
 * test) from the others (kubectl, the simulated build system, the test itself). Streams (watches)
 * pass through unbuffered. On 127.0.0.1, random port; stopped by handle.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A running proxy. */
export interface UserAgentProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  stop(): Promise<void>;
}

/** Starts a proxy to `target` (`http://127.0.0.1:PORT`) that sets `User-Agent: userAgent`. */
export async function startUserAgentProxy(target: string, userAgent: string): Promise<UserAgentProxy> {
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const forwarded = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host, "user-agent": userAgent },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => res.destroy());
    res.on("close", () => forwarded.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
