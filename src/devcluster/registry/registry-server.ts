/**
 * The dev cluster's integrated image registry, like OpenShift's: the OCI distribution API over a
 * directory, on 127.0.0.1, plain HTTP, no authentication. skopeo, buildah and our registry client
 * talk to it like to any registry (`--tls-verify=false` / `insecureRegistries`).
 */
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  deleteBlob,
  getBlob,
  patchUpload,
  putUpload,
  startUpload,
  uploadStatus,
  cancelUpload,
} from "./blob-handlers.js";
import { DistributionError, sendDistributionError } from "./distribution-error.js";
import type { Exchange, UploadSession } from "./exchange.js";
import { deleteManifest, getManifest, putManifest } from "./manifest-handlers.js";
import { RegistryStorage } from "./registry-storage.js";

/** Options of {@link startRegistryServer}. */
export interface RegistryServerOptions {
  /** Storage directory (created if missing; kept on stop). */
  readonly dir: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
}

/** A running integrated registry. */
export interface RunningRegistryServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`: the registry part of pullspecs. */
  readonly host: string;
  /** Stops listening and closes open connections. */
  stop(): Promise<void>;
}

const NAME = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*";
const REFERENCE = "[\\w][\\w.-]{0,127}|sha256:[a-f0-9]{64}|[a-z0-9]+:[a-zA-Z0-9=_-]+";

type Handler = (ex: Exchange, ...params: string[]) => Promise<void>;
interface Route {
  readonly pattern: RegExp;
  readonly methods: Readonly<Record<string, Handler>>;
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/v2\/?$/, methods: { GET: ping, HEAD: ping } },
  { pattern: /^\/v2\/_catalog$/, methods: { GET: catalog } },
  { pattern: new RegExp(`^/v2/(${NAME})/tags/list$`), methods: { GET: tagList } },
  {
    pattern: new RegExp(`^/v2/(${NAME})/manifests/(${REFERENCE})$`),
    methods: { GET: getManifest, HEAD: getManifest, PUT: putManifest, DELETE: deleteManifest },
  },
  { pattern: new RegExp(`^/v2/(${NAME})/blobs/uploads/?$`), methods: { POST: startUpload } },
  {
    pattern: new RegExp(`^/v2/(${NAME})/blobs/uploads/([a-f0-9-]{36})$`),
    methods: { GET: uploadStatus, PATCH: patchUpload, PUT: putUpload, DELETE: cancelUpload },
  },
  {
    pattern: new RegExp(`^/v2/(${NAME})/blobs/([^/]+)$`),
    methods: { GET: getBlob, HEAD: getBlob, DELETE: deleteBlob },
  },
];

async function ping(ex: Exchange): Promise<void> {
  ex.res.writeHead(200, { "content-type": "application/json", "content-length": 2 });
  ex.res.end(ex.req.method === "HEAD" ? undefined : "{}");
}

/** One page of a sorted list after `last`, at most `n` long, and whether more follow. */
export function paginate(
  all: readonly string[],
  n: string | null,
  last: string | null,
): { page: string[]; more: boolean } {
  const after = last === null ? [...all] : all.filter((x) => x > last);
  const limit = n === null ? Infinity : Number(n);
  if (n !== null && (!Number.isInteger(limit) || limit < 0))
    throw new DistributionError("UNSUPPORTED", `invalid n=${n ?? ""}`, undefined, 400);
  return { page: after.slice(0, limit), more: after.length > limit };
}

function sendList(
  ex: Exchange,
  path: string,
  key: string,
  body: Record<string, unknown>,
  page: string[],
  more: boolean,
): void {
  const headers: Record<string, string | number> = { "content-type": "application/json" };
  const lastItem = page[page.length - 1];
  if (more && lastItem !== undefined) {
    headers.link = `<${path}?n=${ex.url.searchParams.get("n") ?? page.length}&last=${encodeURIComponent(lastItem)}>; rel="next"`;
  }
  const text = JSON.stringify({ ...body, [key]: page });
  headers["content-length"] = Buffer.byteLength(text);
  ex.res.writeHead(200, headers);
  ex.res.end(text);
}

async function tagList(ex: Exchange, name: string): Promise<void> {
  if (!(await ex.storage.repoExists(name)))
    throw new DistributionError("NAME_UNKNOWN", `repository name not known to registry: ${name}`, { name });
  const { page, more } = paginate(
    await ex.storage.listTags(name),
    ex.url.searchParams.get("n"),
    ex.url.searchParams.get("last"),
  );
  sendList(ex, `/v2/${name}/tags/list`, "tags", { name }, page, more);
}

async function catalog(ex: Exchange): Promise<void> {
  const { page, more } = paginate(
    await ex.storage.listRepositories(),
    ex.url.searchParams.get("n"),
    ex.url.searchParams.get("last"),
  );
  sendList(ex, "/v2/_catalog", "repositories", {}, page, more);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  storage: RegistryStorage,
  sessions: Map<string, UploadSession>,
): Promise<void> {
  const host = req.headers.host ?? "127.0.0.1";
  const url = new URL(req.url ?? "/", `http://${host}`);
  const ex: Exchange = { req, res, url, storage, sessions, base: `http://${host}` };
  res.setHeader("docker-distribution-api-version", "registry/2.0");
  const head = req.method === "HEAD";
  try {
    for (const route of ROUTES) {
      const match = route.pattern.exec(url.pathname);
      if (match === null) continue;
      const handler = route.methods[req.method ?? ""];
      if (handler === undefined)
        throw new DistributionError("UNSUPPORTED", `${req.method ?? ""} ${url.pathname} is not supported`);
      await handler(ex, ...match.slice(1).map((p) => p ?? ""));
      return;
    }
    if (url.pathname.startsWith("/v2/"))
      throw new DistributionError(
        "NAME_INVALID",
        `invalid repository name or path: ${url.pathname}`,
        undefined,
        404,
      );
    throw new DistributionError("UNSUPPORTED", `not found: ${url.pathname}`, undefined, 404);
  } catch (error) {
    req.resume();
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const distribution =
      error instanceof DistributionError
        ? error
        : new DistributionError("UNSUPPORTED", `internal error: ${(error as Error).message}`, undefined, 500);
    sendDistributionError(res, distribution, head);
  }
}

/** Starts the registry on 127.0.0.1 over `dir`; resolves once it listens. */
export async function startRegistryServer(options: RegistryServerOptions): Promise<RunningRegistryServer> {
  const storage = new RegistryStorage(options.dir);
  const sessions = new Map<string, UploadSession>();
  const server = createServer((req, res) => {
    void handle(req, res, storage, sessions);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = `127.0.0.1:${port}`;
  return {
    url: `http://${host}`,
    host,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
