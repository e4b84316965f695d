/**
 * The watcher: keeps a {@link StoreWriter} in step with the API server and tells listeners what
 * changed (kube-rs `watcher` + `reflector`, with client-node's failure modes guarded against).
 *
 * State machine: `listing` (full list, replace the store) -> `watching` (from the list's or last
 * seen resourceVersion) -> on a normal end of the stream, watch again from the last version; on
 * 410 Gone, list again; on any other error, `backoff` (exponential, jittered) and resume.
 *
 * Guarantees:
 * - It never stops on its own: only {@link Watcher.stop} ends it. Every failure is logged and
 *   counted in {@link Watcher.status}.
 * - A stream that delivers nothing (not even a bookmark) for `quietTimeoutMs` is restarted.
 * - Every `resyncIntervalMs`, every cached object is re-announced as `resync`, so controllers
 *   revisit everything even if an event was lost.
 * - Listeners run synchronously inside the watch callback: they must only enqueue keys.
 * - A watched object replacing a cached one shares the parts that did not change with it
 *   (`shareUnchanged`): same values, fewer long-lived copies.
 */
import type { Logger } from "pino";
import { isGone } from "../kube/kube-errors.js";
import type { KubeClient } from "../kube/kube-client.js";
import type { KubeObject } from "../kube/kube-object.js";
import type { WatchEvent, WatchHandle } from "../kube/kube-watch.js";
import type { KubeResource } from "../kube/resource.js";
import { sleep, type CancelTimer, type Clock } from "./clock.js";
import { exponentialBackoffMs } from "./rate-limiter.js";
import { shareUnchanged } from "./share-unchanged.js";
import { keyOfObject, type StoreWriter } from "./store.js";

/** A change seen by the watcher, after the store has been updated. */
export type WatcherEvent<T> =
  | { readonly type: "added"; readonly object: T }
  | { readonly type: "updated"; readonly object: T; readonly previous: T }
  | { readonly type: "deleted"; readonly object: T }
  | { readonly type: "resync"; readonly object: T };

/** Options of {@link Watcher}. Durations are in ms unless the name says otherwise. */
export interface WatcherOptions<T extends KubeObject> {
  readonly client: KubeClient;
  readonly resource: KubeResource<T>;
  readonly store: StoreWriter<T>;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Server-side watch timeout; the stream then ends normally and is resumed. Default 300. */
  readonly timeoutSeconds?: number;
  /** Restart a stream silent for this long. Default 330 000 (a bit over `timeoutSeconds`). */
  readonly quietTimeoutMs?: number;
  /** Re-announce every cached object this often; 0 disables. Default 600 000. */
  readonly resyncIntervalMs?: number;
  /** Backoff after failures: first delay and cap. Defaults 200 and 30 000. */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** List page size. Default 500. */
  readonly pageSize?: number;
  /**
   * Applied to every listed or watched object before it is stored and announced (e.g.
   * {@link stripManagedFields}); must return a plain object and must not throw. Default: none.
   */
  readonly transform?: (object: T) => T;
}

/**
 * Drops `metadata.managedFields` (controller-runtime's `TransformStripManagedFields`): server-side
 * apply bookkeeping that no reconciler reads, and the largest part of a busy object's metadata (an
 * ImageStream of 1,000 tags carries an entry per tag and writer). Objects without it pass as is.
 */
export function stripManagedFields<T extends KubeObject>(object: T): T {
  if (object.metadata.managedFields === undefined) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata } as T;
}

/** Where the watcher is and how it has fared. */
export interface WatcherStatus {
  readonly state: "idle" | "listing" | "watching" | "backoff" | "stopped";
  readonly synced: boolean;
  readonly resourceVersion: string | undefined;
  readonly lists: number;
  readonly watchRestarts: number;
  readonly failures: number;
  readonly lastError: string | undefined;
}

type StreamEnd =
  { readonly kind: "closed" } | { readonly kind: "gone" } | { readonly kind: "error"; readonly error: Error };

/** See the module documentation. */
export class Watcher<T extends KubeObject> {
  readonly #o: WatcherOptions<T>;
  readonly #listeners: ((event: WatcherEvent<T>) => void)[] = [];
  readonly #stop = new AbortController();
  #state: WatcherStatus["state"] = "idle";
  #rv: string | undefined;
  #lists = 0;
  #restarts = 0;
  #failures = 0;
  #consecutiveFailures = 0;
  #eventsInStream = 0;
  #lastError: string | undefined;
  #loop: Promise<void> | undefined;
  #current: WatchHandle | undefined;
  #cancelResync: CancelTimer | undefined;

  constructor(options: WatcherOptions<T>) {
    this.#o = options;
  }

  /** Adds a listener; it runs after the store is updated and must not block or throw. */
  on(listener: (event: WatcherEvent<T>) => void): void {
    this.#listeners.push(listener);
  }

  /** Starts listing and watching in the background. Calling it twice does nothing. */
  start(): void {
    if (this.#loop !== undefined) return;
    this.#loop = this.#run();
    this.#scheduleResync();
  }

  /** Stops the watch and waits for the loop to end. */
  async stop(): Promise<void> {
    this.#stop.abort();
    this.#cancelResync?.();
    this.#current?.abort();
    await this.#loop;
    this.#state = "stopped";
  }

  /** A snapshot of the state machine. */
  status(): WatcherStatus {
    return {
      state: this.#state,
      synced: this.#o.store.isSynced(),
      resourceVersion: this.#rv,
      lists: this.#lists,
      watchRestarts: this.#restarts,
      failures: this.#failures,
      lastError: this.#lastError,
    };
  }

  async #run(): Promise<void> {
    const signal = this.#stop.signal;
    while (!signal.aborted) {
      if (this.#rv === undefined) {
        this.#state = "listing";
        try {
          await this.#list();
          this.#consecutiveFailures = 0;
        } catch (err: unknown) {
          await this.#backoff(err instanceof Error ? err : new Error(String(err)), "list");
        }
        continue;
      }
      this.#state = "watching";
      const startedAt = this.#o.clock.now();
      const end = await this.#watchOnce(this.#rv);
      if (signal.aborted) break;
      this.#restarts++;
      if (end.kind === "gone") {
        this.#o.logger.info(
          { resource: this.#o.resource.plural, resourceVersion: this.#rv },
          "watch resourceVersion expired (410); relisting",
        );
        this.#rv = undefined;
      } else if (end.kind === "error") {
        await this.#backoff(end.error, "watch");
      } else if (this.#o.clock.now() - startedAt < 1000 && this.#eventsInStream === 0) {
        // A stream that ends at once with nothing in it: back off instead of spinning.
        await this.#backoff(new Error("watch stream ended at once without events"), "watch");
      }
    }
  }

  async #list(): Promise<void> {
    const list = await this.#o.client.listAll(this.#o.resource, {
      ...(this.#o.namespace === undefined ? {} : { namespace: this.#o.namespace }),
      ...(this.#o.labelSelector === undefined ? {} : { labelSelector: this.#o.labelSelector }),
      ...(this.#o.fieldSelector === undefined ? {} : { fieldSelector: this.#o.fieldSelector }),
      limit: this.#o.pageSize ?? 500,
    });
    if (this.#stop.signal.aborted) return;
    this.#lists++;
    const transform = this.#o.transform;
    const changes = this.#o.store.replace(transform === undefined ? list.items : list.items.map(transform));
    this.#rv = list.resourceVersion;
    for (const object of changes.deleted) this.#emit({ type: "deleted", object });
    for (const object of changes.added) this.#emit({ type: "added", object });
    for (const { previous, current } of changes.updated)
      this.#emit({ type: "updated", object: current, previous });
    this.#o.logger.debug(
      { resource: this.#o.resource.plural, count: list.items.length, resourceVersion: this.#rv },
      "listed",
    );
  }

  #watchOnce(resourceVersion: string): Promise<StreamEnd> {
    return new Promise((resolve) => {
      let ended = false;
      let cancelWatchdog: CancelTimer | undefined;
      const quietMs = this.#o.quietTimeoutMs ?? 330_000;
      const onStop = (): void => end({ kind: "closed" });
      const end = (result: StreamEnd): void => {
        if (ended) return;
        ended = true;
        this.#stop.signal.removeEventListener("abort", onStop);
        cancelWatchdog?.();
        this.#current?.abort();
        this.#current = undefined;
        resolve(result);
      };
      const armWatchdog = (): void => {
        cancelWatchdog?.();
        cancelWatchdog = this.#o.clock.setTimer(() => {
          this.#o.logger.warn(
            { resource: this.#o.resource.plural, quietMs },
            "watch stream quiet too long; restarting it",
          );
          end({ kind: "closed" });
        }, quietMs);
      };
      this.#eventsInStream = 0;
      const onEvent = (event: WatchEvent<T>): void => {
        if (ended) return;
        this.#eventsInStream++;
        armWatchdog();
        const next = this.#handle(event);
        if (next !== undefined) end(next);
      };
      armWatchdog();
      this.#o.client
        .watch(
          this.#o.resource,
          {
            resourceVersion,
            timeoutSeconds: this.#o.timeoutSeconds ?? 300,
            allowWatchBookmarks: true,
            ...(this.#o.namespace === undefined ? {} : { namespace: this.#o.namespace }),
            ...(this.#o.labelSelector === undefined ? {} : { labelSelector: this.#o.labelSelector }),
            ...(this.#o.fieldSelector === undefined ? {} : { fieldSelector: this.#o.fieldSelector }),
          },
          onEvent,
          (err) =>
            end(
              err === undefined
                ? { kind: "closed" }
                : isGone(err)
                  ? { kind: "gone" }
                  : { kind: "error", error: err },
            ),
        )
        .then(
          (handle) => {
            if (ended || this.#stop.signal.aborted) {
              handle.abort();
              end({ kind: "closed" });
            } else this.#current = handle;
          },
          (err: unknown) =>
            end({ kind: "error", error: err instanceof Error ? err : new Error(String(err)) }),
        );
      this.#stop.signal.addEventListener("abort", onStop, { once: true });
    });
  }

  /** Applies one event to the store; returns how the stream must end, if it must. */
  #handle(event: WatchEvent<T>): StreamEnd | undefined {
    switch (event.type) {
      case "ADDED":
      case "MODIFIED": {
        const received = this.#o.transform === undefined ? event.object : this.#o.transform(event.object);
        // The cached version keeps the unchanged parts of the one it replaces (see shareUnchanged).
        const object = shareUnchanged(this.#o.store.get(keyOfObject(received)), received);
        const previous = this.#o.store.apply(object);
        this.#rv = object.metadata.resourceVersion ?? this.#rv;
        this.#consecutiveFailures = 0;
        this.#emit(
          previous === undefined ? { type: "added", object } : { type: "updated", object, previous },
        );
        return undefined;
      }
      case "DELETED": {
        const previous = this.#o.store.delete(event.object);
        this.#rv = event.object.metadata.resourceVersion ?? this.#rv;
        this.#consecutiveFailures = 0;
        this.#emit({ type: "deleted", object: previous ?? event.object });
        return undefined;
      }
      case "BOOKMARK":
        this.#rv = event.resourceVersion;
        return undefined;
      case "ERROR":
        return isGone(event.error) ? { kind: "gone" } : { kind: "error", error: event.error };
      case "INVALID":
        this.#failures++;
        this.#lastError = event.error.message;
        this.#o.logger.warn(
          { resource: this.#o.resource.plural, err: event.error.message },
          "skipping an invalid watch event",
        );
        return undefined;
    }
  }

  async #backoff(error: Error, phase: string): Promise<void> {
    this.#failures++;
    this.#lastError = error.message;
    const delay = exponentialBackoffMs(
      this.#consecutiveFailures,
      this.#o.backoffInitialMs ?? 200,
      this.#o.backoffMaxMs ?? 30_000,
    );
    const jittered = Math.round(delay * (0.8 + 0.4 * Math.random()));
    this.#consecutiveFailures++;
    this.#state = "backoff";
    this.#o.logger.warn(
      { resource: this.#o.resource.plural, phase, err: error.message, retryInMs: jittered },
      "watcher failed; retrying",
    );
    await sleep(this.#o.clock, jittered, this.#stop.signal);
  }

  #emit(event: WatcherEvent<T>): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (err: unknown) {
        this.#o.logger.error(
          { resource: this.#o.resource.plural, err: err instanceof Error ? err.message : String(err) },
          "watch listener threw",
        );
      }
    }
  }

  #scheduleResync(): void {
    const every = this.#o.resyncIntervalMs ?? 600_000;
    if (every <= 0 || this.#stop.signal.aborted) return;
    this.#cancelResync = this.#o.clock.setTimer(() => {
      if (this.#o.store.isSynced())
        for (const object of this.#o.store.list()) this.#emit({ type: "resync", object });
      this.#scheduleResync();
    }, every);
  }
}
