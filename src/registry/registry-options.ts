/** Options shared by every registry connection: credentials, TLS, retries and injected effects. */

/** How retries on 5xx, 429 and connection errors back off. */
export interface RetryPolicy {
  /** Attempts in total, first one included (default 5). */
  readonly attempts: number;
  /** First delay in milliseconds, doubled each retry (default 200). */
  readonly baseDelayMs: number;
  /** Upper bound of one delay, `Retry-After` included (default 10 000). */
  readonly maxDelayMs: number;
}

/** Connection options for `docker://` stores; ignored by `oci:` stores. */
export interface RegistryOptions {
  /**
   * A `kubernetes.io/dockerconfigjson` document or a skopeo/podman `--authfile` (the same JSON):
   * `{"auths": {"host[:port]": {"auth": base64(user:pass)} | {"username", "password"}}}`.
   * Given as text or already parsed; validated when the store is opened.
   */
  readonly dockerConfigJson?: string | unknown;
  /** Registries (`host[:port]`) that are reached over plain HTTP with no TLS (skopeo's `--tls-verify=false`). */
  readonly insecureRegistries?: readonly string[];
  /** PEM CA certificates trusted in addition to the system ones, for registries with a private CA. */
  readonly caBundle?: string;
  /** Retry policy; defaults as documented on {@link RetryPolicy}. */
  readonly retry?: Partial<RetryPolicy>;
  /** `User-Agent` sent with every request. */
  readonly userAgent?: string;
  /**
   * Bytes per PATCH for chunked uploads: blobs larger than this are sent in chunks, one chunk held in
   * memory at a time (each chunk is retried on its own). Default: no chunking, every blob goes in one
   * streamed PUT (fastest, nothing buffered). Set it for registries or proxies that limit request sizes.
   */
  readonly chunkSize?: number;
  /** Tags asked for per page when listing tags (`n`); `Link` headers are followed either way (default 1000). */
  readonly tagPageSize?: number;
  /** Injected sleep, for tests (default `setTimeout`). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Injected clock in epoch milliseconds, for token expiry (default `Date.now`). */
  readonly now?: () => number;
}
