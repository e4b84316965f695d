import { describe, expect, it } from "vitest";
import { GoneError, KubeApiError } from "../../../src/kube/kube-errors.js";
import type { KubeClient, ListResult } from "../../../src/kube/kube-client.js";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import type { WatchEvent, WatchOptions } from "../../../src/kube/kube-watch.js";
import { CONFIG_MAPS } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { StoreWriter } from "../../../src/runtime/store.js";
import { stripManagedFields, Watcher, type WatcherEvent } from "../../../src/runtime/watcher.js";

/** A scripted API: lists come from `objects`, watch streams are driven by the test. */
class ScriptedApi {
  objects = new Map<string, KubeObject>();
  rv = 10;
  lists = 0;
  listFailures = 0;
  streams: {
    options: WatchOptions;
    emit: (e: WatchEvent<KubeObject>) => void;
    end: (err?: Error) => void;
    aborted: boolean;
  }[] = [];

  put(name: string): KubeObject {
    const obj = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: "ns", resourceVersion: String(++this.rv) },
    };
    this.objects.set(name, obj);
    return obj;
  }

  client(): KubeClient {
    const unsupported = (): never => {
      throw new Error("not used by the watcher");
    };
    const listAll = async (): Promise<ListResult<KubeObject>> => {
      this.lists++;
      if (this.listFailures > 0) {
        this.listFailures--;
        throw new KubeApiError(0, "", "connection refused", undefined);
      }
      return { items: [...this.objects.values()], resourceVersion: String(this.rv), continue: undefined };
    };
    return {
      get: unsupported,
      list: unsupported,
      create: unsupported,
      replace: unsupported,
      patch: unsupported,
      replaceStatus: unsupported,
      patchStatus: unsupported,
      delete: unsupported,
      listAll: listAll as KubeClient["listAll"],
      watch: (async (
        _r: unknown,
        options: WatchOptions,
        onEvent: (e: WatchEvent<KubeObject>) => void,
        onDone: (err?: Error) => void,
      ) => {
        const stream = { options, emit: onEvent, end: onDone, aborted: false };
        this.streams.push(stream);
        return { abort: () => void (stream.aborted = true) };
      }) as KubeClient["watch"],
    };
  }
}

async function eventually(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function setup(
  options: {
    quietTimeoutMs?: number;
    resyncIntervalMs?: number;
    transform?: (o: KubeObject) => KubeObject;
  } = {},
) {
  const api = new ScriptedApi();
  const clock = new ManualClock();
  const store = new StoreWriter<KubeObject>();
  const watcher = new Watcher({
    client: api.client(),
    resource: CONFIG_MAPS,
    store,
    clock,
    logger: silentLogger(),
    quietTimeoutMs: options.quietTimeoutMs ?? 60_000,
    resyncIntervalMs: options.resyncIntervalMs ?? 0,
    backoffInitialMs: 1000,
    backoffMaxMs: 8000,
    ...(options.transform === undefined ? {} : { transform: options.transform }),
  });
  const events: WatcherEvent<KubeObject>[] = [];
  watcher.on((e) => events.push(e));
  return { api, clock, store, watcher, events };
}

describe("Watcher", () => {
  it("stores and announces listed and watched objects as the transform returns them (managedFields stripped)", async () => {
    const { api, store, watcher, events } = setup({ transform: stripManagedFields });
    const withFields = (obj: KubeObject): KubeObject => ({
      ...obj,
      metadata: { ...obj.metadata, managedFields: [{ manager: "kubectl", operation: "Apply" }] },
    });
    api.objects.set("a", withFields(api.put("a")));
    watcher.start();
    await eventually(() => api.streams.length === 1, "watch");
    api.streams[0]?.emit({ type: "ADDED", object: withFields(api.put("b")) });
    expect(store.get("ns/a")?.metadata).toEqual({ name: "a", namespace: "ns", resourceVersion: "11" });
    expect(store.get("ns/b")?.metadata.managedFields).toBeUndefined();
    expect(store.get("ns/b")?.metadata.resourceVersion).toBe("12");
    expect(events.map((e) => e.object.metadata.managedFields)).toEqual([undefined, undefined]);
    await watcher.stop();
  });

  it("caches a modified object sharing the unchanged parts of the version it replaces, and announces that one", async () => {
    const { api, store, watcher, events } = setup();
    const version = (rv: string, data: Record<string, string>): KubeObject => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "a", namespace: "ns", resourceVersion: rv, labels: { app: "x" } },
      data,
    });
    api.objects.set("a", version("11", { one: "1", two: "2" }));
    watcher.start();
    await eventually(() => api.streams.length === 1, "watch");
    const first = store.get("ns/a");
    api.streams[0]?.emit({ type: "MODIFIED", object: version("12", { one: "1", two: "3" }) });
    const second = store.get("ns/a");
    expect(second).toEqual(version("12", { one: "1", two: "3" }));
    expect(second?.metadata.labels).toBe(first?.metadata.labels);
    expect(Object.isFrozen(second?.["data"])).toBe(true);
    const updated = events.at(-1);
    expect(updated?.type === "updated" ? [updated.object, updated.previous] : []).toEqual([second, first]);
    expect(updated?.object).toBe(second);
    await watcher.stop();
  });

  it("lists, then watches from the list's version and resumes from the last seen version after the stream ends", async () => {
    const { api, store, watcher, events } = setup();
    api.put("a");
    watcher.start();
    await eventually(() => api.streams.length === 1, "first watch");
    expect(store.isSynced()).toBe(true);
    expect(api.streams[0]?.options.resourceVersion).toBe("11");
    expect(api.streams[0]?.options.allowWatchBookmarks).toBe(true);
    api.streams[0]?.emit({ type: "ADDED", object: api.put("b") });
    api.streams[0]?.emit({ type: "BOOKMARK", resourceVersion: "20" });
    api.streams[0]?.end();
    await eventually(() => api.streams.length === 2, "resumed watch");
    expect(api.streams[1]?.options.resourceVersion).toBe("20");
    expect(api.lists).toBe(1);
    expect(store.get("ns/b")).toBeDefined();
    expect(events.map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual(["added:a", "added:b"]);
    await watcher.stop();
  });

  it("relists after 410 Gone and reports objects deleted while it was away", async () => {
    const { api, store, watcher, events } = setup();
    api.put("a");
    api.put("b");
    watcher.start();
    await eventually(() => api.streams.length === 1, "watch");
    api.objects.delete("a");
    api.put("c");
    api.streams[0]?.emit({
      type: "ERROR",
      error: new GoneError(410, "Expired", "too old resource version", undefined),
    });
    await eventually(() => api.streams.length === 2, "watch after relist");
    expect(api.lists).toBe(2);
    expect(
      store
        .list()
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(["b", "c"]);
    expect(events.slice(2).map((e) => `${e.type}:${e.object.metadata.name}`)).toEqual([
      "deleted:a",
      "added:c",
    ]);
    await watcher.stop();
  });

  it("restarts a stream that stays quiet past the watchdog timeout", async () => {
    const { api, clock, watcher } = setup({ quietTimeoutMs: 5000 });
    watcher.start();
    await eventually(() => api.streams.length === 1, "watch");
    clock.advance(4000);
    api.streams[0]?.emit({ type: "BOOKMARK", resourceVersion: "15" });
    clock.advance(4000);
    expect(api.streams.length).toBe(1);
    clock.advance(1001);
    await eventually(() => api.streams.length === 2, "restarted watch");
    expect(api.streams[0]?.aborted).toBe(true);
    expect(api.streams[1]?.options.resourceVersion).toBe("15");
    expect(watcher.status().watchRestarts).toBe(1);
    await watcher.stop();
  });

  it("keeps retrying a failing list with exponential backoff instead of stopping", async () => {
    const { api, clock, watcher } = setup();
    api.listFailures = 3;
    watcher.start();
    await eventually(() => api.lists === 1 && watcher.status().state === "backoff", "first failure");
    clock.advance(1300);
    await eventually(() => api.lists === 2 && watcher.status().state === "backoff", "second failure");
    clock.advance(2600);
    await eventually(() => api.lists === 3 && watcher.status().state === "backoff", "third failure");
    clock.advance(5200);
    await eventually(() => api.streams.length === 1, "watching at last");
    expect(watcher.status()).toMatchObject({
      synced: true,
      failures: 3,
      lastError: expect.stringContaining("connection refused"),
    });
    await watcher.stop();
  });

  it("re-announces every cached object at each resync", async () => {
    const { api, clock, watcher, events } = setup({ resyncIntervalMs: 10_000 });
    api.put("a");
    api.put("b");
    watcher.start();
    await eventually(() => api.streams.length === 1, "watch");
    clock.advance(10_000);
    expect(
      events
        .filter((e) => e.type === "resync")
        .map((e) => e.object.metadata.name)
        .sort(),
    ).toEqual(["a", "b"]);
    await watcher.stop();
  });
});
