/**
 * Serving one watch: initial ADDED events (no resourceVersion or "0"), resume from a version, 410
 * as an ERROR event when the version is too old, selector transitions (an object leaving the
 * selection is sent as DELETED), bookmarks, timeoutSeconds, and fault-injected closes.
 */
import type { ServerResponse } from "node:http";
import type { ObjectStore, StoredEvent } from "./object-store.js";
import { storageKeyOf, groupVersionOf, type ResourceDefinition } from "./resource-definition.js";
import type { ObjectMatcher } from "./selectors.js";
import type { KubeObject, WatchEventType } from "./types.js";

/** Parameters of one watch. */
export interface WatchRequest {
  def: ResourceDefinition;
  namespace: string | undefined;
  matcher: ObjectMatcher | undefined;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
  timeoutSeconds: number | undefined;
  bookmarkIntervalMs: number;
  /** Turns an object into what goes on the wire (apiVersion conversion, Table rendering). */
  encode: (object: KubeObject, first: boolean) => unknown;
  /**
   * Shared cache of encoded event lines, for encodings that do not depend on the watcher (plain
   * JSON at one version): fan-out to many watchers then serialises each event once.
   */
  lineCache?: WeakMap<KubeObject, Map<string, string>> | undefined;
  /** Probability, per delivered event, that the server closes the stream afterwards (fault injection). */
  closeRate: () => number;
  /** When above 0, the server ends the stream after this many ms (fault injection). */
  lifetimeMs?: number;
}

/** Handle to a running watch. */
export interface WatchHandle {
  close(): void;
}

/** Streams a watch to `res` until the client goes away, the timeout fires or a fault closes it. */
export function serveWatch(store: ObjectStore, res: ServerResponse, req: WatchRequest): WatchHandle {
  const key = storageKeyOf(req.def);
  const ns = req.def.namespaced ? req.namespace : undefined;
  let closed = false;
  let first = true;
  const timers: NodeJS.Timeout[] = [];
  res.writeHead(200, {
    "Content-Type": "application/json",
    "Cache-Control": "no-cache, private",
    "Transfer-Encoding": "chunked",
  });
  res.flushHeaders();

  const write = (type: WatchEventType, object: unknown): void => {
    if (closed) return;
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const send = (type: WatchEventType, object: KubeObject): void => {
    if (closed) return;
    const cache = req.lineCache;
    if (cache !== undefined) {
      let lines = cache.get(object);
      if (lines === undefined) cache.set(object, (lines = new Map()));
      let line = lines.get(type);
      if (line === undefined)
        lines.set(type, (line = `${JSON.stringify({ type, object: req.encode(object, first) })}\n`));
      res.write(line);
    } else write(type, req.encode(object, first));
    first = false;
    const rate = req.closeRate();
    if (rate > 0 && Math.random() < rate) close();
  };
  const matches = (o: KubeObject | undefined): boolean =>
    o !== undefined &&
    (ns === undefined || (o.metadata.namespace ?? "") === ns) &&
    (req.matcher === undefined || req.matcher(o));
  const deliver = (e: StoredEvent): void => {
    if (closed) return;
    const now = matches(e.object);
    if (e.type === "MODIFIED") {
      const before = matches(e.previous);
      if (now && before) send("MODIFIED", e.object);
      else if (now) send("ADDED", e.object);
      else if (before) send("DELETED", e.object);
    } else if (now) send(e.type, e.object);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    write("BOOKMARK", {
      kind: req.def.kind,
      apiVersion: groupVersionOf(req.def),
      metadata: {
        resourceVersion: String(store.currentRv),
        ...(annotations === undefined ? {} : { annotations }),
      },
    });
  };

  const unsubscribe = store.subscribe(key, deliver);
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) clearTimeout(t);
    res.end();
  };
  res.on("close", close);

  const rv = req.resourceVersion;
  if (rv === undefined || rv === "" || rv === "0" || req.sendInitialEvents === true) {
    for (const o of store.list(key, ns)) if (matches(o)) send("ADDED", o);
    if (req.sendInitialEvents === true && req.allowBookmarks)
      bookmark({ "k8s.io/initial-events-end": "true" });
  } else {
    const from = Number(rv);
    const events = Number.isFinite(from) ? store.eventsSince(key, from) : "gone";
    if (events === "gone") {
      write("ERROR", {
        kind: "Status",
        apiVersion: "v1",
        metadata: {},
        status: "Failure",
        reason: "Expired",
        code: 410,
        message: Number.isFinite(from)
          ? `too old resource version: ${rv} (${store.oldestResumableRv})`
          : `invalid resource version: ${rv}`,
      });
      close();
      return { close };
    }
    for (const e of events) deliver(e);
  }
  if (req.allowBookmarks) {
    const tick = (): void => {
      if (closed) return;
      bookmark();
      timers.push(setTimeout(tick, req.bookmarkIntervalMs).unref());
    };
    timers.push(setTimeout(tick, req.bookmarkIntervalMs).unref());
  }
  if (req.lifetimeMs !== undefined && req.lifetimeMs > 0)
    timers.push(setTimeout(close, req.lifetimeMs).unref());
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0)
    timers.push(setTimeout(close, req.timeoutSeconds * 1000).unref());
  return { close };
}
