/**
 * Watch conformance through client-node's Watch and makeInformer: initial ADDED events, resume from
 * a resourceVersion, 410 Gone as an ERROR event then relist, bookmarks, timeoutSeconds, and
 * selector transitions.
 */
import { makeInformer, Watch, type KubernetesObject, type V1ConfigMap } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { eventually } from "../../support/wait-for.js";
import { devClusterOf, type ClusterFixture, type ServerKind, useClusterFixture } from "./cluster-fixture.js";

/** Defines this file's tests against the server `server`. */
export function watchSuite(server: ServerKind): void {
  let f: ClusterFixture;
  useClusterFixture(server, (started) => (f = started), { bookmarkIntervalMs: 100 });
  // Fault injection, history compaction and the audit ring buffer are the dev cluster's own test
  // hooks: the tests using them run on the dev cluster only.
  const onDevCluster = it.runIf(server === "dev");

  interface Seen {
    type: string;
    name: string;
    rv: string;
    raw: Record<string, unknown>;
  }

  async function watch(
    path: string,
    query: Record<string, string | number | boolean>,
  ): Promise<{ events: Seen[]; done: Promise<unknown>; stop(): void }> {
    const events: Seen[] = [];
    let resolveDone: (e: unknown) => void = () => undefined;
    const done = new Promise((r) => (resolveDone = r));
    const ctl = await new Watch(f.kubeConfig).watch(
      path,
      query,
      (type, obj: unknown) => {
        const o = (obj ?? {}) as { metadata?: { name?: string; resourceVersion?: string } };
        events.push({
          type,
          name: o.metadata?.name ?? "",
          rv: o.metadata?.resourceVersion ?? "",
          raw: o as Record<string, unknown>,
        });
      },
      (err) => resolveDone(err ?? "closed"),
    );
    return { events, done, stop: () => ctl.abort() };
  }

  describe("watch", () => {
    it("sends ADDED for existing objects when no resourceVersion is given, then live events", async () => {
      const ns = await f.namespace();
      await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "old" } } });
      const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, {});
      await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "new" } } });
      await f.core.deleteNamespacedConfigMap({ namespace: ns, name: "old" });
      await eventually(() => w.events.length >= 3, "three events");
      expect(w.events.map((e) => `${e.type} ${e.name}`)).toEqual(["ADDED old", "ADDED new", "DELETED old"]);
      w.stop();
    });

    it("resumes after a reconnect from the last resourceVersion without losing or repeating events", async () => {
      const ns = await f.namespace();
      const list = await f.core.listNamespacedConfigMap({ namespace: ns });
      const first = await watch(`/api/v1/namespaces/${ns}/configmaps`, {
        resourceVersion: list.metadata?.resourceVersion ?? "",
      });
      await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } });
      await eventually(() => first.events.length === 1, "first event");
      first.stop();
      const last = first.events[0]?.rv ?? "";
      await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "b" } } });
      await f.core.patchNamespacedConfigMap({
        namespace: ns,
        name: "a",
        body: [{ op: "add", path: "/data", value: { k: "v" } }],
      });
      const second = await watch(`/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: last });
      await eventually(() => second.events.length >= 2, "replayed events");
      expect(second.events.map((e) => `${e.type} ${e.name}`)).toEqual(["ADDED b", "MODIFIED a"]);
      second.stop();
    });

    // kube-apiserver's watch cache replays every event since the server started, and falls back to
    // etcd below that: a test cannot make it forget a version without evicting its cache.
    onDevCluster(
      "answers a resume from a compacted version with a 410 Expired ERROR event and closes the stream",
      async () => {
        const ns = await f.namespace();
        const cm = await f.core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name: "a" } },
        });
        await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "b" } } });
        devClusterOf(f).compactHistory();
        const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, {
          resourceVersion: cm.metadata?.resourceVersion ?? "",
        });
        await w.done;
        expect(w.events).toHaveLength(1);
        expect(w.events[0]?.type).toBe("ERROR");
        expect(w.events[0]?.raw).toMatchObject({ kind: "Status", code: 410, reason: "Expired" });
      },
    );

    it("refuses a resourceVersion that is no number: 400 on list, 500 on watch before the stream starts", async () => {
      const ns = await f.namespace();
      const message =
        'resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax';
      const list = await f.request("GET", `/api/v1/namespaces/${ns}/configmaps?resourceVersion=abc`);
      expect(list.status).toBe(400);
      expect(await list.json()).toMatchObject({
        reason: "BadRequest",
        message: `invalid resource version: ${message}`,
      });
      const watched = await f.request(
        "GET",
        `/api/v1/namespaces/${ns}/configmaps?watch=true&resourceVersion=abc`,
      );
      expect(watched.status).toBe(500);
      expect(await watched.json()).toMatchObject({ kind: "Status", code: 500, message });
    });

    it("sends bookmarks when allowed and ends the stream after timeoutSeconds", async () => {
      const ns = await f.namespace();
      const list = await f.core.listNamespacedConfigMap({ namespace: ns });
      const started = Date.now();
      const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, {
        resourceVersion: list.metadata?.resourceVersion ?? "",
        allowWatchBookmarks: true,
        timeoutSeconds: 1,
      });
      await w.done;
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      // kube-apiserver sends bookmarks about once a minute (none in a 1 s watch); the dev cluster
      // every bookmarkIntervalMs.
      if (server === "dev")
        expect(w.events.some((e) => e.type === "BOOKMARK" && Number(e.rv) > 0)).toBe(true);
    });

    onDevCluster("ends even idle watches after the injected watch lifetime", async () => {
      const ns = await f.namespace();
      const dev = devClusterOf(f);
      dev.setFaults({ watchLifetimeMs: 150 });
      try {
        const started = Date.now();
        const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, {});
        await w.done;
        expect(Date.now() - started).toBeLessThan(5000);
        expect(w.events).toEqual([]);
      } finally {
        dev.setFaults({});
      }
    });

    it("answers 404 for cluster-scoped kinds under a namespace and 405 for creating namespaced objects without one", async () => {
      expect((await f.request("GET", "/api/v1/namespaces/default/namespaces")).status).toBe(404);
      const post = await f.request("POST", "/api/v1/configmaps", {
        contentType: "application/json",
        body: "{}",
      });
      expect(post.status).toBe(405);
      expect(await post.json()).toMatchObject({ reason: "MethodNotAllowed" });
    });

    it("reports objects leaving a label selection as DELETED and entering it as ADDED", async () => {
      const ns = await f.namespace();
      await f.core.createNamespacedConfigMap({
        namespace: ns,
        body: { metadata: { name: "a", labels: { app: "x" } } },
      });
      const w = await watch(`/api/v1/namespaces/${ns}/configmaps`, { labelSelector: "app=x" });
      await f.core.patchNamespacedConfigMap({
        namespace: ns,
        name: "a",
        body: [{ op: "replace", path: "/metadata/labels/app", value: "y" }],
      });
      await f.core.patchNamespacedConfigMap({
        namespace: ns,
        name: "a",
        body: [{ op: "replace", path: "/metadata/labels/app", value: "x" }],
      });
      await eventually(() => w.events.length >= 3, "transitions");
      expect(w.events.map((e) => e.type)).toEqual(["ADDED", "DELETED", "ADDED"]);
      w.stop();
    });
  });

  describe("informer", () => {
    function startInformer(ns: string): {
      informer: ReturnType<typeof makeInformer<V1ConfigMap>>;
      log: string[];
    } {
      const informer = makeInformer<V1ConfigMap>(f.kubeConfig, `/api/v1/namespaces/${ns}/configmaps`, () =>
        f.core.listNamespacedConfigMap({ namespace: ns }),
      );
      const log: string[] = [];
      informer.on("add", (o: KubernetesObject) => log.push(`add ${o.metadata?.name}`));
      informer.on("update", (o: KubernetesObject) => log.push(`update ${o.metadata?.name}`));
      informer.on("delete", (o: KubernetesObject) => log.push(`delete ${o.metadata?.name}`));
      informer.on("error", (e: unknown) => log.push(`error ${String(e)}`));
      return { informer, log };
    }

    it("tracks adds, updates and deletes", async () => {
      const ns = await f.namespace();
      const { informer, log } = startInformer(ns);
      await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "before" } } });
      await informer.start();
      await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } });
      await f.core.patchNamespacedConfigMap({
        namespace: ns,
        name: "a",
        body: [{ op: "add", path: "/data", value: { k: "v" } }],
      });
      await f.core.deleteNamespacedConfigMap({ namespace: ns, name: "before" });
      await eventually(() => log.length >= 4, "informer events");
      expect(log).toEqual(["add before", "add a", "update a", "delete before"]);
      await informer.stop();
    });

    onDevCluster(
      "relists after 410 Gone, and resumes a stream closed after an event without a relist",
      async () => {
        const ns = await f.namespace();
        const dev = devClusterOf(f);
        const { informer, log } = startInformer(ns);
        await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "a" } } });
        await informer.start();
        await eventually(() => log.length >= 1, "the initial list");

        // Move the global resourceVersion past the informer's, compact, and drop its watch: the resume
        // gets 410 Gone and the informer relists.
        const lists = (): number =>
          dev.audit.filter({ verb: "list", resource: "configmaps", namespace: ns }).length;
        expect(lists()).toBe(1);
        const other = await f.namespace();
        await f.core.createNamespacedConfigMap({
          namespace: other,
          body: { metadata: { name: "elsewhere" } },
        });
        dev.compactHistory();
        dev.closeWatches();
        await eventually(() => lists() === 2, "a relist after 410", 10_000);
        await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "after" } } });
        await eventually(() => informer.get("after", ns) !== undefined, "informer to see 'after'", 10_000);
        expect(
          informer
            .list(ns)
            .map((o) => o.metadata?.name)
            .sort(),
        ).toEqual(["a", "after"]);
        expect(log.filter((l) => l.startsWith("error"))).toEqual([]);

        // A stream closed by a fault after an event is resumed without a relist.
        dev.setFaults({ watchCloseRate: 1 });
        await f.core.createNamespacedConfigMap({
          namespace: ns,
          body: { metadata: { name: "during-faults" } },
        });
        dev.setFaults({});
        await f.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "later" } } });
        await eventually(() => informer.get("later", ns) !== undefined, "informer to see 'later'", 10_000);
        expect(informer.get("during-faults", ns)).toBeDefined();
        await informer.stop();
      },
    );
  });
}
