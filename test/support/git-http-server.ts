/**
 * Serves the git repositories under a directory over smart HTTP on 127.0.0.1 (random port): a
 * small Node HTTP server running Debian git's `git http-backend` as a CGI program per request,
 * as Apache's mod_cgi would. Optional HTTP basic auth. `git ls-remote` and `git clone` work
 * against it. Stopped with `stop()`.
 */
import { spawn } from "node:child_process";
import { access } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** Where Debian's git installs the CGI program. */
export const GIT_HTTP_BACKEND = "/usr/lib/git-core/git-http-backend";

/** True when `git` and `git http-backend` are installed. */
export async function hasGitHttpBackend(): Promise<boolean> {
  return access(GIT_HTTP_BACKEND).then(
    () => true,
    () => false,
  );
}

/** Options of {@link startGitHttpServer}. */
export interface GitHttpServerOptions {
  /** Directory holding the repositories (`<root>/<name>.git`). */
  readonly root: string;
  /** Require these credentials (HTTP basic). */
  readonly basicAuth?: { readonly username: string; readonly password: string };
}

/** A running server. */
export interface RunningGitHttpServer {
  /** `http://127.0.0.1:<port>`: a repository is `${url}/<name>.git`. */
  readonly url: string;
  /** Requests served, by path and query (for asserting how often refs were read). */
  readonly requests: string[];
  stop(): Promise<void>;
}

/** Starts the server; see the module documentation. */
export async function startGitHttpServer(options: GitHttpServerOptions): Promise<RunningGitHttpServer> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? "");
    if (options.basicAuth !== undefined && !authorized(req, options.basicAuth)) {
      res.writeHead(401, { "WWW-Authenticate": 'Basic realm="git"', "Content-Type": "text/plain" });
      res.end("authentication required\n");
      return;
    }
    runCgi(req, res, options);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function authorized(req: IncomingMessage, auth: { username: string; password: string }): boolean {
  const header = req.headers.authorization ?? "";
  if (!header.startsWith("Basic ")) return false;
  return Buffer.from(header.slice(6), "base64").toString("utf8") === `${auth.username}:${auth.password}`;
}

function runCgi(req: IncomingMessage, res: ServerResponse, options: GitHttpServerOptions): void {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const child = spawn(GIT_HTTP_BACKEND, [], {
    env: {
      PATH: process.env["PATH"] ?? "/usr/bin:/bin",
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: "1",
      REQUEST_METHOD: req.method ?? "GET",
      PATH_INFO: decodeURIComponent(url.pathname),
      QUERY_STRING: url.search.replace(/^\?/, ""),
      CONTENT_TYPE: req.headers["content-type"] ?? "",
      REMOTE_ADDR: "127.0.0.1",
      REMOTE_USER: options.basicAuth?.username ?? "",
      GATEWAY_INTERFACE: "CGI/1.1",
      SERVER_PROTOCOL: "HTTP/1.1",
      ...(req.headers["content-encoding"] === undefined
        ? {}
        : { HTTP_CONTENT_ENCODING: String(req.headers["content-encoding"]) }),
      ...(req.headers["git-protocol"] === undefined
        ? {}
        : { GIT_PROTOCOL: String(req.headers["git-protocol"]) }),
    },
    stdio: ["pipe", "pipe", "pipe"],
  });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let headersDone = false;
  child.stdout.on("data", (chunk: Buffer) => {
    if (headersDone) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf("\r\n\r\n");
    const lf = head.indexOf("\n\n");
    const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf : lf;
    if (end < 0) return;
    const separator = end === crlf ? 4 : 2;
    headersDone = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString("latin1").split(/\r?\n/)) {
      const colon = line.indexOf(":");
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === "status") status = Number.parseInt(value, 10);
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + separator));
  });
  child.stdout.on("end", () => {
    if (!headersDone) res.writeHead(502, { "Content-Type": "text/plain" });
    res.end();
  });
  child.on("error", () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}
