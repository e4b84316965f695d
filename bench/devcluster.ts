/**
 * Dev cluster throughput through @kubernetes/client-node: creates per second (sequential and 16
 * concurrent), listing 10,000 objects (one page and pages of 500), and watch fan-out to 20
 * watchers. Prints figures; asserts nothing.
 *
 *   npx tsx bench/devcluster.ts [--objects 10000] [--watchers 20] [--events 2000]
 */
import { parseArgs } from "node:util";
import { CoreV1Api, Watch } from "@kubernetes/client-node";
import pLimit from "p-limit";
import { startDevCluster } from "../src/devcluster/dev-cluster.js";

const { values } = parseArgs({
  options: {
    objects: { type: "string", default: "10000" },
    watchers: { type: "string", default: "20" },
    events: { type: "string", default: "2000" },
  },
});
const objects = Number(values.objects);
const watchers = Number(values.watchers);
const events = Number(values.events);

const cluster = await startDevCluster({ crdDirs: [] });
const core = cluster.kubeConfig.makeApiClient(CoreV1Api);
await core.createNamespace({ body: { metadata: { name: "bench" } } });
const body = (
  name: string,
): { metadata: { name: string; labels: Record<string, string> }; data: Record<string, string> } => ({
  metadata: { name, labels: { app: "bench", shard: String(name.length % 4) } },
  data: { component: name, image: `quay.io/okd/scos-content@sha256:${"0".repeat(64)}` },
});
const ms = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;
const row = (what: string, value: string): void => console.log(`| ${what} | ${value} |`);

console.log("| measurement | result |\n| --- | ---: |");

let t = process.hrtime.bigint();
const sequential = Math.min(2000, objects);
for (let i = 0; i < sequential; i++)
  await core.createNamespacedConfigMap({ namespace: "bench", body: body(`seq-${i}`) });
row(`create, sequential (${sequential} ConfigMaps)`, `${Math.round(sequential / (ms(t) / 1000))} objects/s`);

const limit = pLimit(16);
const rest = objects - sequential;
t = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: rest }, (_, i) =>
    limit(() => core.createNamespacedConfigMap({ namespace: "bench", body: body(`par-${i}`) })),
  ),
);
row(`create, 16 concurrent (${rest} ConfigMaps)`, `${Math.round(rest / (ms(t) / 1000))} objects/s`);

await core.createNamespace({ body: { metadata: { name: "bench-raw" } } });
const rawCount = 2000;
t = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: rawCount }, (_, i) =>
    limit(async () => {
      const res = await fetch(`${cluster.url}/api/v1/namespaces/bench-raw/configmaps`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body(`raw-${i}`)),
      });
      await res.arrayBuffer();
    }),
  ),
);
row(
  `create, 16 concurrent over raw HTTP fetch (${rawCount} ConfigMaps)`,
  `${Math.round(rawCount / (ms(t) / 1000))} objects/s`,
);

t = process.hrtime.bigint();
const all = await core.listNamespacedConfigMap({ namespace: "bench" });
row(
  `list ${all.items.length} objects, one page (client-node, incl. deserialisation)`,
  `${ms(t).toFixed(0)} ms`,
);

t = process.hrtime.bigint();
const raw = await fetch(`${cluster.url}/api/v1/namespaces/bench/configmaps`);
const bytes = (await raw.arrayBuffer()).byteLength;
row(
  `list ${all.items.length} objects, one page (raw HTTP, ${(bytes / 1048576).toFixed(1)} MiB)`,
  `${ms(t).toFixed(0)} ms`,
);

t = process.hrtime.bigint();
let pages = 0;
let token: string | undefined;
do {
  const page = await core.listNamespacedConfigMap({
    namespace: "bench",
    limit: 500,
    ...(token === undefined ? {} : { _continue: token }),
  });
  token = page.metadata?._continue;
  pages++;
} while (token);
row(`list ${all.items.length} objects in ${pages} pages of 500`, `${ms(t).toFixed(0)} ms`);

t = process.hrtime.bigint();
const selected = await core.listNamespacedConfigMap({ namespace: "bench", labelSelector: "shard=1" });
row(
  `list with label selector (${selected.items.length} of ${all.items.length} match)`,
  `${ms(t).toFixed(0)} ms`,
);

const rv = all.metadata?.resourceVersion ?? "";
const received = new Array<number>(watchers).fill(0);
const watch = new Watch(cluster.kubeConfig);
const controllers = await Promise.all(
  received.map((_, i) =>
    watch.watch(
      "/api/v1/namespaces/bench/configmaps",
      { resourceVersion: rv },
      () => (received[i] = (received[i] ?? 0) + 1),
      () => undefined,
    ),
  ),
);
t = process.hrtime.bigint();
await Promise.all(
  Array.from({ length: events }, (_, i) =>
    limit(() =>
      core.patchNamespacedConfigMap({
        namespace: "bench",
        name: `seq-${i % sequential}`,
        body: [{ op: "replace", path: "/data/image", value: `v${i}` }],
      }),
    ),
  ),
);
const writesDone = ms(t);
while (received.some((n) => n < events)) await new Promise((r) => setTimeout(r, 5));
const delivered = ms(t);
row(
  `watch fan-out: ${events} updates to ${watchers} watchers (${events * watchers} events)`,
  `${delivered.toFixed(0)} ms (writes done at ${writesDone.toFixed(0)} ms; ${Math.round((events * watchers) / (delivered / 1000))} events/s delivered)`,
);
for (const c of controllers) c.abort();

const mem = process.memoryUsage();
row("process heap after the run", `${(mem.heapUsed / 1048576).toFixed(0)} MiB`);
await cluster.stop();
