/**
 * HTTP to one registry over `fetch` (undici): scheme selection, authentication (anonymous, basic, bearer
 * tokens from the `WWW-Authenticate` challenge, cached per scope until expiry), and retries with backoff
 * on 5xx, 429 (`Retry-After` honoured) and connection errors. Knows nothing of manifests or blobs.
 */
import { rootCertificates } from "node:tls";
import type { Readable } from "node:stream";
import { Agent, fetch } from "undici";
import type { Dispatcher, Response } from "undici";
import { z } from "zod";
import { parseAuthChallenges } from "./auth-challenge.js";
import { lookupCredentials } from "./docker-config.js";
import type { CredentialStore, Credentials } from "./docker-config.js";
import { isTlsError, isUnreachable, parseErrorBody, responseError, transportError } from "./http-errors.js";
import { RegistryError } from "./registry-error.js";
import type { RegistryOptions, RetryPolicy } from "./registry-options.js";

/** One request to the registry. */
export interface RegistryRequest {
  readonly method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  /** A path (`/v2/...`) or an absolute URL (an upload `Location`). */
  readonly url: string;
  /** Token scopes the request needs, e.g. `repository:okd/release:pull,push`. */
  readonly scopes: readonly string[];
  /** Repository named in authentication errors. */
  readonly repository: string;
  /** What is being done, for error messages: `GET manifest host/repo:tag`. */
  readonly what: string;
  /** Statuses that are success for this request; anything else becomes a {@link RegistryError}. */
  readonly ok: readonly number[];
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * A byte array is re-sent on retries (one larger than 1 MiB is streamed from, not copied: it must not
   * change until the request is answered, and a redirect other than 303 is not followed); a stream is
   * sent once.
   */
  readonly body?: Uint8Array | Readable;
}

const tokenResponseSchema = z.looseObject({
  token: z.string().optional(),
  access_token: z.string().optional(),
  expires_in: z.number().optional(),
});

/** Byte-array bodies larger than this are sent as a stream over the bytes rather than copied by fetch. */
const STREAMED_BYTES_ABOVE = 1024 * 1024;
const STREAMED_SLICE = 256 * 1024;

const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/** The HTTP host for a registry name: Docker Hub's API lives on `registry-1.docker.io`. */
export function registryApiHost(registry: string): string {
  return registry === "docker.io" ? "registry-1.docker.io" : registry;
}

/** Delay before retry `attempt` (1-based): `Retry-After` (seconds or HTTP date) if given, else exponential. */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfter: string | null,
  now: number,
): number {
  let delay = policy.baseDelayMs * 2 ** (attempt - 1);
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) delay = seconds * 1000;
    else if (!Number.isNaN(Date.parse(retryAfter))) delay = Math.max(0, Date.parse(retryAfter) - now);
  }
  return Math.min(delay, policy.maxDelayMs);
}

/** A connection to one registry; holds its token cache. Create one per store (cheap). */
export class RegistryClient {
  readonly registry: string;
  private readonly insecure: boolean;
  private readonly retry: RetryPolicy;
  private readonly dispatcher: Dispatcher | undefined;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly userAgent: string;
  private base: Promise<string> | undefined;
  /** Set once the registry asked for Basic auth: credentials are then sent up front. */
  private usesBasic = false;
  /** Set once the registry answered any request: from then on, connection failures are retried. */
  private answered = false;
  private readonly tokens = new Map<
    string,
    { scopes: ReadonlySet<string>; authorization: string; expiresAt: number }
  >();

  /** `registry` is `host[:port]`; credentials come from the options' parsed docker config. */
  constructor(
    registry: string,
    options: RegistryOptions,
    private readonly credentials: CredentialStore,
  ) {
    this.registry = registry;
    this.insecure = (options.insecureRegistries ?? []).includes(registry);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
    this.userAgent = options.userAgent ?? "okd-payload-operator";
    if (this.insecure) this.dispatcher = new Agent({ connect: { rejectUnauthorized: false } });
    else if (options.caBundle !== undefined) {
      this.dispatcher = new Agent({ connect: { ca: [...rootCertificates, options.caBundle] } });
    }
  }

  /**
   * Sends `request`, authenticating on a 401 challenge and retrying transient failures.
   * Returns the response when its status is in `request.ok`; throws a {@link RegistryError} otherwise.
   */
  async send(request: RegistryRequest): Promise<Response> {
    const base = await this.baseUrl();
    const url = new URL(request.url, base).toString();
    let authorization = this.cachedAuthorization(request.scopes, request.repository);
    for (let round = 0; ; round++) {
      const response = await this.fetchWithRetry(url, request, authorization);
      if (response.status === 401 && round === 0 && !isStream(request.body)) {
        const challenge = response.headers.get("www-authenticate") ?? "";
        await response.body?.cancel();
        authorization = await this.authorize(challenge, request);
        continue;
      }
      if (response.status === 401) {
        const text = request.method === "HEAD" ? "" : await response.text().catch(() => "");
        throw this.unauthorized(request.repository, registryAnswer(response, text));
      }
      if (!request.ok.includes(response.status)) {
        const text = request.method === "HEAD" ? "" : await response.text().catch(() => "");
        throw responseError(response.status, text, request.what);
      }
      return response;
    }
  }

  /** `https://host` or, for an insecure registry that does not speak TLS, `http://host`. Pings `/v2/` once. */
  baseUrl(): Promise<string> {
    this.base ??= this.resolveBase();
    return this.base;
  }

  private async resolveBase(): Promise<string> {
    const host = registryApiHost(this.registry);
    if (!this.insecure) return `https://${host}`;
    try {
      const response = await fetch(`https://${host}/v2/`, this.init("GET", undefined, {}));
      await response.body?.cancel();
      return `https://${host}`;
    } catch {
      return `http://${host}`;
    }
  }

  private init(method: string, body: Uint8Array | Readable | undefined, headers: Record<string, string>) {
    // fetch copies a byte-array body whole on every call; a large one goes as a stream over its bytes
    // instead (fresh for every attempt, same Content-Length), so a chunk is never held twice.
    const large = body instanceof Uint8Array && body.length > STREAMED_BYTES_ABOVE;
    return {
      method,
      headers: {
        "user-agent": this.userAgent,
        ...headers,
        ...(large ? { "content-length": String(body.length) } : {}),
      },
      redirect: "follow" as const,
      ...(this.dispatcher === undefined ? {} : { dispatcher: this.dispatcher }),
      ...(body === undefined
        ? {}
        : large
          ? { body: streamOf(body), duplex: "half" as const }
          : isStream(body)
            ? { body, duplex: "half" as const }
            : { body }),
    };
  }

  private async fetchWithRetry(
    url: string,
    request: RegistryRequest,
    authorization: string | undefined,
  ): Promise<Response> {
    const headers = { ...request.headers, ...(authorization === undefined ? {} : { authorization }) };
    const replayable = !isStream(request.body);
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.retry.attempts || !replayable;
      let response: Response;
      try {
        response = await fetch(url, this.init(request.method, request.body, headers));
        this.answered = true;
      } catch (error) {
        // A registry that has never answered and refuses connections (or whose name does not resolve)
        // is down or misnamed, not flaky: say so at once instead of after every retry.
        if (last || isTlsError(error) || (!this.answered && isUnreachable(error)))
          throw transportError(error, this.registry, request.what);
        await this.sleep(retryDelayMs(attempt, this.retry, null, this.now()));
        continue;
      }
      if ((response.status >= 500 || response.status === 429) && !last) {
        const delay = retryDelayMs(attempt, this.retry, response.headers.get("retry-after"), this.now());
        await response.body?.cancel();
        await this.sleep(delay);
        continue;
      }
      return response;
    }
  }

  private cachedAuthorization(scopes: readonly string[], repository: string): string | undefined {
    if (this.usesBasic) {
      const credentials = lookupCredentials(this.credentials, this.registry, repository);
      return credentials === undefined ? undefined : basic(credentials);
    }
    // A token granted for a set of scopes serves any request that needs a subset of them.
    for (const token of this.tokens.values()) {
      if (token.expiresAt > this.now() && scopes.every((scope) => token.scopes.has(scope)))
        return token.authorization;
    }
    return undefined;
  }

  private async authorize(header: string, request: RegistryRequest): Promise<string> {
    const challenges = parseAuthChallenges(header);
    const credentials = lookupCredentials(this.credentials, this.registry, request.repository);
    const bearer = challenges.find((c) => c.scheme === "bearer");
    if (bearer !== undefined) {
      const realm = bearer.params.realm;
      if (realm === undefined)
        throw new RegistryError("PROTOCOL", `${request.what}: bearer challenge without a realm`);
      return this.fetchToken(realm, bearer.params.service, request, credentials);
    }
    if (challenges.some((c) => c.scheme === "basic")) {
      if (credentials === undefined) throw this.unauthorized(request.repository);
      this.usesBasic = true;
      return basic(credentials);
    }
    throw new RegistryError(
      "UNAUTHORIZED",
      `${request.what}: unsupported authentication challenge "${header}"`,
      {
        status: 401,
      },
    );
  }

  private async fetchToken(
    realm: string,
    service: string | undefined,
    request: RegistryRequest,
    credentials: Credentials | undefined,
  ): Promise<string> {
    const tokenUrl = new URL(realm);
    if (service !== undefined) tokenUrl.searchParams.set("service", service);
    for (const scope of request.scopes) tokenUrl.searchParams.append("scope", scope);
    const what = `token from ${tokenUrl.origin}${tokenUrl.pathname} for ${this.registry}/${request.repository}`;
    const headers: Record<string, string> =
      credentials === undefined ? {} : { authorization: basic(credentials) };
    const response = await this.fetchWithRetry(
      tokenUrl.toString(),
      {
        method: "GET",
        url: tokenUrl.toString(),
        scopes: [],
        repository: request.repository,
        what,
        ok: [200],
      },
      headers.authorization,
    );
    if (response.status === 401 || response.status === 403) {
      const text = await response.text().catch(() => "");
      throw this.unauthorized(request.repository, registryAnswer(response, text));
    }
    if (response.status !== 200) throw responseError(response.status, await response.text(), `get ${what}`);
    const parsed = tokenResponseSchema.safeParse(await response.json());
    const token = parsed.success ? (parsed.data.token ?? parsed.data.access_token) : undefined;
    if (token === undefined)
      throw new RegistryError("PROTOCOL", `get ${what}: the response carries no token`);
    const lifetime = parsed.success ? (parsed.data.expires_in ?? 60) : 60;
    const authorization = `Bearer ${token}`;
    this.tokens.set(request.scopes.join(" "), {
      scopes: new Set(request.scopes),
      authorization,
      expiresAt: this.now() + Math.max(lifetime - 10, 1) * 1000,
    });
    return authorization;
  }

  /** `answer` is what the registry said ({@link registryAnswer}), appended when known. */
  private unauthorized(repository: string, answer?: string): RegistryError {
    const given = lookupCredentials(this.credentials, this.registry, repository) !== undefined;
    const message = given
      ? `authentication failed for ${this.registry}/${repository}: the registry rejected the credentials given (check pushSecret/authfile)`
      : `authentication required for ${this.registry}/${repository}: provide credentials (pushSecret/authfile)`;
    return new RegistryError("UNAUTHORIZED", answer === undefined ? message : `${message}; ${answer}`, {
      status: 401,
    });
  }
}

/**
 * What a registry said when it refused a request: status, distribution error code and message, and
 * the `error` parameter of its challenge (OpenShift's registry answers a denied pull with 401 and
 * `WWW-Authenticate: Basic realm=openshift,error="access denied"`).
 */
export function registryAnswer(response: Response, bodyText: string): string {
  const parsed = parseErrorBody(bodyText);
  const challenge = parseAuthChallenges(response.headers.get("www-authenticate") ?? "").find(
    (c) => c.params.error !== undefined,
  );
  const parts = [
    `HTTP ${response.status}`,
    ...(parsed === undefined ? [] : [`${parsed.code}: ${parsed.message}`]),
    ...(challenge?.params.error === undefined ? [] : [`error="${challenge.params.error}"`]),
  ];
  return `the registry answered ${parts.join(", ")}`;
}

function basic(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/**
 * A web stream over `bytes` in slices of {@link STREAMED_SLICE} bytes, not copied: `bytes` must not change
 * until the request is answered.
 */
function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + STREAMED_SLICE));
      offset += STREAMED_SLICE;
    },
  });
}

function isStream(body: Uint8Array | Readable | undefined): body is Readable {
  return body !== undefined && !(body instanceof Uint8Array);
}
