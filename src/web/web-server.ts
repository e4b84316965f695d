/**
 * The web UI's HTTP server (`payloadctl operator --web-addr HOST:PORT`; off unless set): read-only
 * (GET and HEAD only, anything else is 405), pages and JSON from the informer stores, static assets
 * of its own (nothing from a CDN), and `/events`, a server-sent-event stream that says "change"
 * whenever a ReleaseStream or PayloadBuild changes (at most every `debounceMs`), which the pages'
 * script turns into an in-place update. Every response forbids inline scripts and framing.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { CommitLog } from "./commit-log.js";
import type { ReleaseContentReader } from "./release-content.js";
import { route } from "./routes.js";
import { LIVE_SCRIPT } from "./static/live-script.js";
import { STYLESHEET } from "./static/styles.js";
import type { WebSource } from "./web-source.js";

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly source: WebSource;
  readonly readRelease: ReleaseContentReader;
  /** Lists the changelog's commits; a finished fetch is a `change` for the live pages too. */
  readonly commitLog?: CommitLog;
  /** Longest a release page waits for commits being fetched (default 1500 ms). */
  readonly commitWaitMs?: number;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Shortest time between two `change` events to one client. Default 250 ms. */
  readonly debounceMs?: number;
  /** Most open `/events` streams; more are refused with 503 (the pages then need a reload). Default 256. */
  readonly maxEventClients?: number;
  /** Comment line sent to idle event streams so proxies keep them open. Default 15 s. */
  readonly keepAliveMs?: number;
}

/** A running web server. */
export interface WebServer {
  /** `http://host:port` */
  readonly url: string;
  close(): Promise<void>;
}

const STATIC: Readonly<Record<string, { type: string; body: string }>> = {
  "/static/app.css": { type: "text/css; charset=utf-8", body: STYLESHEET },
  "/static/live.js": { type: "text/javascript; charset=utf-8", body: LIVE_SCRIPT },
};

const SECURITY_HEADERS = {
  "Content-Security-Policy":
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
} as const;

/** Starts the server; resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const now = options.now ?? Date.now;
  const debounceMs = options.debounceMs ?? 250;
  const clients = new Set<ServerResponse>();
  let pending: NodeJS.Timeout | undefined;
  const changed = (): void => {
    if (pending !== undefined) return;
    pending = setTimeout(() => {
      pending = undefined;
      for (const c of clients) c.write(`event: change\ndata: ${now()}\n\n`);
    }, debounceMs);
  };
  const unsubscribeSource = options.source.onChange(changed);
  const unsubscribeCommits = options.commitLog?.onSettled(changed);
  const keepAlive = setInterval(() => {
    for (const c of clients) c.write(": keep-alive\n\n");
  }, options.keepAliveMs ?? 15_000);
  keepAlive.unref();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, {
        Allow: "GET, HEAD",
        "Content-Type": "text/plain; charset=utf-8",
        ...SECURITY_HEADERS,
      });
      res.end("read-only: only GET and HEAD are served\n");
      return;
    }
    const url = new URL(req.url ?? "/", "http://localhost");
    const asset = STATIC[url.pathname];
    if (asset !== undefined) {
      res.writeHead(200, { "Content-Type": asset.type, "Cache-Control": "no-cache", ...SECURITY_HEADERS });
      res.end(req.method === "HEAD" ? undefined : asset.body);
      return;
    }
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204, SECURITY_HEADERS);
      res.end();
      return;
    }
    if (url.pathname === "/events") {
      if (clients.size >= (options.maxEventClients ?? 256)) {
        res.writeHead(503, {
          "Content-Type": "text/plain; charset=utf-8",
          "Retry-After": "30",
          ...SECURITY_HEADERS,
        });
        res.end("too many live pages open; reload later\n");
        return;
      }
      res.writeHead(200, {
        "Content-Type": "text/event-stream",
        "Cache-Control": "no-cache",
        Connection: "keep-alive",
        ...SECURITY_HEADERS,
      });
      res.write("retry: 2000\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    const answer = await route(url, {
      source: options.source,
      readRelease: options.readRelease,
      now,
      commitLog: options.commitLog,
      commitWaitMs: options.commitWaitMs,
    });
    res.writeHead(answer.status, {
      "Content-Type": answer.contentType,
      "Cache-Control": "no-cache",
      ...(url.pathname.startsWith("/api/") || url.pathname === "/graph"
        ? { "Access-Control-Allow-Origin": "*" }
        : {}),
      ...(answer.location === undefined ? {} : { Location: answer.location }),
      ...SECURITY_HEADERS,
    });
    res.end(req.method === "HEAD" ? undefined : answer.body);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.logger.error({ err: error, url: req.url }, "web request failed");
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end("internal error; see the operator's log\n");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    close: async () => {
      unsubscribeSource();
      unsubscribeCommits?.();
      clearInterval(keepAlive);
      if (pending !== undefined) clearTimeout(pending);
      for (const c of clients) c.end();
      clients.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
