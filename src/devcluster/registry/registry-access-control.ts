/**
 * OpenShift's integrated registry access control, in front of any Docker Registry HTTP API v2 server
 * (Debian's `docker-registry`, or our integrated registry), written from openshift/image-registry
 * (`pkg/dockerregistry/server/auth.go`, `token.go`):
 *
 * - A request needs an `Authorization` header: a bearer token, or basic credentials whose password is
 *   the token. Without one: 401 with `WWW-Authenticate: Bearer realm="<scheme>://<host>/openshift/token"`.
 * - The token endpoint answers a request without credentials with the token `anonymous`, and a basic
 *   one with its password, once the API server knows who it is (upstream asks for `users/~`; a
 *   kube-apiserver answers the same question with a SelfSubjectReview); 401 when it does not.
 * - A token the API server does not know, and every refused access, get 401 `UNAUTHORIZED` with
 *   `WWW-Authenticate: Basic realm=openshift,error="access denied"` (the distribution access
 *   controller answers a challenge error with 401, never 403).
 * - Access to repository `<namespace>/<name>` is a SelfSubjectAccessReview, with the caller's token,
 *   of `image.openshift.io` `imagestreams/layers` named `<name>` in `<namespace>`: verb `get` to pull,
 *   `update` to push. A refused pull of another repository in a push (a cross-repository blob mount)
 *   only cancels the mount; the upload starts empty, as upstream defers that error.
 *
 * Allowed requests are passed to the registry behind unchanged (its `Host` kept, so the upload
 * locations it answers point back here).
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, fetch } from "undici";

/** Options of {@link startRegistryAccessControl}. */
export interface RegistryAccessControlOptions {
  /** `host:port` of the registry behind (plain HTTP). */
  readonly backend: string;
  /** The API server that authenticates tokens and reviews access. */
  readonly apiServer: { readonly url: string; readonly caPem?: string };
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  readonly port?: number;
}

/** One access review this registry made, as the API server answered it. */
export interface AccessDecision {
  readonly user: string;
  readonly namespace: string;
  readonly name: string;
  readonly verb: "get" | "update";
  readonly allowed: boolean;
}

/** A running access-controlled registry. */
export interface RunningRegistryAccessControl {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`: the registry part of pullspecs. */
  readonly host: string;
  /** Access reviews so far, oldest first. */
  decisions(): readonly AccessDecision[];
  stop(): Promise<void>;
}

/** The token the token endpoint gives requests without credentials. */
const ANONYMOUS_TOKEN = "anonymous";
const REALM = "openshift";
const TOKEN_PATH = "/openshift/token";
const NAME = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*";
const REPOSITORY_PATH = new RegExp(`^/v2/(${NAME})/(?:manifests|blobs|tags)/`);

interface RepositoryAccess {
  readonly repository: string;
  readonly action: "pull" | "push";
}

type Refusal =
  | { readonly kind: "token-required" }
  | { readonly kind: "invalid"; readonly error: string }
  | { readonly kind: "denied"; readonly access: readonly RepositoryAccess[] };

/** Starts the access control in front of `options.backend`. */
export async function startRegistryAccessControl(
  options: RegistryAccessControlOptions,
): Promise<RunningRegistryAccessControl> {
  const api = new ApiServerReviews(options.apiServer);
  const decisions: AccessDecision[] = [];
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(error instanceof Error ? error.message : String(error));
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://registry");
    if (url.pathname === TOKEN_PATH) return serveToken(req, res);
    if (!url.pathname.startsWith("/v2")) {
      res.writeHead(404).end();
      return;
    }
    const token = tokenOf(req.headers.authorization);
    if (typeof token !== "string") return refuse(req, res, token);
    const user = token === "" ? "system:anonymous" : await api.whoAmI(token);
    if (user === undefined) return refuse(req, res, { kind: "denied", access: [] });
    let path = req.url ?? "/";
    for (const access of accessRecords(req.method ?? "GET", url)) {
      const [namespace, name] = splitRepository(access.repository);
      const verb = access.action === "push" ? "update" : "get";
      const allowed =
        namespace !== undefined &&
        name !== undefined &&
        (await api.mayAccessLayers(token, namespace, name, verb));
      decisions.push({ user, namespace: namespace ?? "", name: name ?? "", verb, allowed });
      if (allowed) continue;
      const crossMount = access.action === "pull" && access.repository === url.searchParams.get("from");
      if (!crossMount) return refuse(req, res, { kind: "denied", access: [access] });
      url.searchParams.delete("mount");
      url.searchParams.delete("from");
      path = `${url.pathname}${url.search}`;
    }
    forward(req, res, options.backend, path);
  }

  async function serveToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const header = req.headers.authorization;
    if (header === undefined || header === "") return writeToken(res, ANONYMOUS_TOKEN);
    const token = tokenOf(header);
    if (typeof token !== "string" || !/^basic\s/i.test(header) || token === "") {
      res.writeHead(401, { "content-type": "application/json" }).end();
      return;
    }
    if ((await api.whoAmI(token)) === undefined) {
      res.writeHead(401, { "content-type": "application/json" }).end();
      return;
    }
    writeToken(res, token);
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    decisions: () => [...decisions],
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The token of an `Authorization` header (`""` for the anonymous token), or why there is none. */
function tokenOf(header: string | undefined): string | Refusal {
  const space = header?.indexOf(" ") ?? -1;
  if (header === undefined || space < 0) return { kind: "token-required" };
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === "bearer") return value === ANONYMOUS_TOKEN ? "" : value;
  if (scheme === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const password = colon < 0 ? "" : decoded.slice(colon + 1);
    return password === "" ? { kind: "invalid", error: "failed to decode credentials" } : password;
  }
  return { kind: "token-required" };
}

/** What a request asks of which repositories, as distribution's `appendAccessRecords` lists it. */
function accessRecords(method: string, url: URL): RepositoryAccess[] {
  const match = REPOSITORY_PATH.exec(url.pathname);
  const repository = match?.[1];
  if (repository === undefined) return [];
  if (method === "GET" || method === "HEAD") return [{ repository, action: "pull" }];
  const records: RepositoryAccess[] = [
    { repository, action: "pull" },
    { repository, action: "push" },
  ];
  const from = url.searchParams.get("from");
  if (method === "POST" && url.searchParams.has("mount") && from !== null && from !== repository) {
    records.push({ repository: from, action: "pull" });
  }
  return records;
}

/** `<namespace>/<name>`; upstream refuses a repository without a namespace. */
function splitRepository(repository: string): [string | undefined, string | undefined] {
  const slash = repository.indexOf("/");
  return slash < 0 ? [undefined, undefined] : [repository.slice(0, slash), repository.slice(slash + 1)];
}

function refuse(req: IncomingMessage, res: ServerResponse, refusal: Refusal): void {
  const challenge =
    refusal.kind === "token-required"
      ? `Bearer realm="http://${req.headers.host ?? "registry"}${TOKEN_PATH}"`
      : `Basic realm=${REALM},error="${refusal.kind === "invalid" ? refusal.error : "access denied"}"`;
  const detail =
    refusal.kind === "denied"
      ? refusal.access.map((a) => ({ Type: "repository", Class: "", Name: a.repository, Action: a.action }))
      : [];
  const body = JSON.stringify({
    errors: [{ code: "UNAUTHORIZED", message: "authentication required", detail }],
  });
  res.writeHead(401, {
    "content-type": "application/json; charset=utf-8",
    "docker-distribution-api-version": "registry/2.0",
    "www-authenticate": challenge,
  });
  res.end(body);
}

function writeToken(res: ServerResponse, token: string): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ token, access_token: token }));
}

function forward(req: IncomingMessage, res: ServerResponse, backend: string, path: string): void {
  const [hostname, port] = backend.split(":");
  const forwarded = request({ hostname, port, method: req.method, path, headers: req.headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  forwarded.on("error", () => res.destroy());
  res.on("close", () => forwarded.destroy());
  req.pipe(forwarded);
}

/** The two questions the registry asks the API server, each with the caller's token. */
class ApiServerReviews {
  readonly #url: string;
  readonly #dispatcher: Agent;

  constructor(apiServer: { readonly url: string; readonly caPem?: string }) {
    this.#url = apiServer.url.replace(/\/$/, "");
    this.#dispatcher = new Agent({
      connect: apiServer.caPem === undefined ? {} : { ca: apiServer.caPem },
    });
  }

  /** The user name of `token`, `undefined` when the API server does not authenticate it. */
  async whoAmI(token: string): Promise<string | undefined> {
    const answer = await this.#post(token, "/apis/authentication.k8s.io/v1/selfsubjectreviews", {
      apiVersion: "authentication.k8s.io/v1",
      kind: "SelfSubjectReview",
    });
    if (answer === undefined) return undefined;
    const name = (answer as { status?: { userInfo?: { username?: unknown } } }).status?.userInfo?.username;
    return typeof name === "string" ? name : undefined;
  }

  /** Whether `token` may `verb` `imagestreams/layers` `name` in `namespace`. */
  async mayAccessLayers(token: string, namespace: string, name: string, verb: string): Promise<boolean> {
    const answer = await this.#post(token, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SelfSubjectAccessReview",
      spec: {
        resourceAttributes: {
          namespace,
          verb,
          group: "image.openshift.io",
          resource: "imagestreams/layers",
          name,
        },
      },
    });
    return (answer as { status?: { allowed?: unknown } } | undefined)?.status?.allowed === true;
  }

  /** POSTs `body` as `token` (anonymous when empty); `undefined` when refused (401/403). */
  async #post(token: string, path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.#url}${path}`, {
      method: "POST",
      dispatcher: this.#dispatcher,
      headers: {
        "content-type": "application/json",
        ...(token === "" ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    if (response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok)
      throw new Error(`${path}: API server answered ${response.status}: ${await response.text()}`);
    return response.json();
  }
}
