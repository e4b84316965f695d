/**
 * One raw watch stream over client-node's `Watch`, with events parsed and failures typed.
 * Reconnecting, relisting and backoff are the watcher's job (`src/runtime/watcher.ts`).
 */
import type { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import { Watch } from "@kubernetes/client-node/dist/watch.js";
import { z } from "zod";
import type { KubeApiError } from "./kube-errors.js";
import { GoneError, kubeErrorFrom, parseStatus } from "./kube-errors.js";
import type { KubeObject } from "./kube-object.js";
import { apiVersionOf, resourcePath, type KubeResource } from "./resource.js";

/** Query options of one watch request. */
export interface WatchOptions {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Start after this version (from a list or the last event). Required by the API for resuming. */
  readonly resourceVersion?: string;
  /** Ask the server to end the stream after this many seconds (it then ends normally). */
  readonly timeoutSeconds?: number;
  /** Ask for BOOKMARK events carrying newer resourceVersions. Default true. */
  readonly allowWatchBookmarks?: boolean;
}

/**
 * What a watch delivers: object changes, bookmarks (a newer resourceVersion, no object),
 * `ERROR` (a `Status` sent in the stream, e.g. 410 Gone when the version is too old) and
 * `INVALID` (an object that failed the resource's schema; it is skipped, not applied).
 */
export type WatchEvent<T> =
  | { readonly type: "ADDED" | "MODIFIED" | "DELETED"; readonly object: T }
  | { readonly type: "BOOKMARK"; readonly resourceVersion: string }
  | { readonly type: "ERROR"; readonly error: KubeApiError }
  | { readonly type: "INVALID"; readonly error: Error };

/** Stops the stream. `onDone` is still called once, with no error. */
export interface WatchHandle {
  abort(): void;
}

const bookmarkSchema = z.looseObject({ metadata: z.looseObject({ resourceVersion: z.string() }) });

/** Maps one raw watch line to a typed event (pure). */
export function toWatchEvent<T extends KubeObject>(
  resource: KubeResource<T>,
  type: string,
  raw: unknown,
): WatchEvent<T> {
  if (type === "BOOKMARK") {
    const bookmark = bookmarkSchema.safeParse(raw);
    if (bookmark.success)
      return { type: "BOOKMARK", resourceVersion: bookmark.data.metadata.resourceVersion };
    return {
      type: "INVALID",
      error: new Error(`${resource.kind} watch: BOOKMARK without metadata.resourceVersion`),
    };
  }
  if (type === "ERROR") {
    const status = parseStatus(raw);
    return { type: "ERROR", error: kubeErrorFrom(status?.code ?? 500, raw, `watch ${resource.plural}`) };
  }
  if (type === "ADDED" || type === "MODIFIED" || type === "DELETED") {
    const withType =
      typeof raw === "object" && raw !== null
        ? { apiVersion: apiVersionOf(resource), kind: resource.kind, ...raw }
        : raw;
    const parsed = resource.schema.safeParse(withType);
    if (parsed.success) return { type, object: parsed.data };
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return {
      type: "INVALID",
      error: new Error(`${resource.kind} watch ${type}: object does not match its schema: ${issues}`),
    };
  }
  return { type: "INVALID", error: new Error(`${resource.kind} watch: unknown event type ${type}`) };
}

const errorWithStatusCode = z.looseObject({ statusCode: z.number() });

/** Starts one watch request; see {@link KubeClient.watch} for the contract. */
export async function startWatch<T extends KubeObject>(
  kubeConfig: KubeConfig,
  resource: KubeResource<T>,
  options: WatchOptions,
  onEvent: (event: WatchEvent<T>) => void,
  onDone: (err?: Error) => void,
): Promise<WatchHandle> {
  let aborted = false;
  let finished = false;
  const finish = (err?: Error): void => {
    if (finished) return;
    finished = true;
    onDone(aborted ? undefined : err);
  };
  const path = resourcePath(resource, { namespace: options.namespace });
  const query = {
    resourceVersion: options.resourceVersion,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    timeoutSeconds: options.timeoutSeconds,
    allowWatchBookmarks: options.allowWatchBookmarks ?? true,
  };
  let controller: AbortController | undefined;
  try {
    controller = await new Watch(kubeConfig).watch(
      path,
      query,
      (type: string, raw: unknown) => {
        // client-node swallows exceptions thrown here; never let one escape silently.
        if (finished) return;
        try {
          onEvent(toWatchEvent(resource, type, raw));
        } catch (err: unknown) {
          finish(err instanceof Error ? err : new Error(String(err)));
          controller?.abort();
        }
      },
      (err: unknown) => finish(toDoneError(err, path)),
    );
  } catch (err: unknown) {
    finish(toDoneError(err, path) ?? new Error(`watch ${path} failed to start`));
  }
  return {
    abort() {
      aborted = true;
      controller?.abort();
      finish();
    },
  };
}

function toDoneError(err: unknown, path: string): Error | undefined {
  if (err === null || err === undefined) return undefined;
  // client-node 2.x ends an idle stream (30 s without data) with a TimeoutError: a normal end.
  if (err instanceof Error && err.name === "TimeoutError") return undefined;
  if (err instanceof DOMException && err.name === "TimeoutError") return undefined;
  const withCode = errorWithStatusCode.safeParse(err);
  if (withCode.success) {
    const error = kubeErrorFrom(withCode.data.statusCode, undefined, `watch ${path}`);
    return error.code === 410 ? new GoneError(410, "Expired", error.message, undefined) : error;
  }
  return err instanceof Error ? err : new Error(`watch ${path}: ${String(err)}`);
}
