/**
 * Web UI benchmark: how long the operator spends building a page from its informer stores, and how
 * big the page is. The live build view of a synthetic PayloadBuild of 100, 1,000 and 2,000 components
 * (model + SVG graph + timeline + HTML), the streams overview and a stream page for 20 streams of 50
 * releases, the latest-accepted API, and end to end over HTTP (the server on 127.0.0.1, sequential
 * GETs of the build page: p50 and p95). Times are wall-clock medians of `--repeat` runs.
 *
 * Run: `npx tsx bench/web.ts [--sizes 100,1000,2000] [--repeat 20]`
 */
import { parseArgs } from "node:util";
import { pino } from "pino";
import type { KubeObject } from "../src/kube/kube-object.js";
import { StoreWriter } from "../src/runtime/store.js";
import { payloadBuildModel } from "../src/web/payload-build-model.js";
import { latestResponse } from "../src/web/release-api.js";
import { streamModels } from "../src/web/release-streams-model.js";
import { renderDocument } from "../src/web/render-layout.js";
import { payloadBuildPage } from "../src/web/render-payload-build.js";
import { streamPage, streamsOverviewPage } from "../src/web/render-release-pages.js";
import { startWebServer } from "../src/web/web-server.js";
import { webSourceOf } from "../src/web/web-source.js";

const { values } = parseArgs({
  options: { sizes: { type: "string", default: "100,1000,2000" }, repeat: { type: "string", default: "20" } },
});
const sizes = (values.sizes ?? "").split(",").map(Number);
const repeat = Number(values.repeat);
const T0 = Date.parse("2026-12-01T00:00:00Z");
const iso = (s: number) => new Date(T0 + s * 1000).toISOString();

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function time(run: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

/** A PayloadBuild of `n` components, each `from` one of the 8 before it; a third landed, a tenth building. */
function payloadBuild(n: number): KubeObject {
  const names = Array.from({ length: n }, (_, i) => `component-${String(i).padStart(5, "0")}`);
  const components = names.map((name, i) =>
    i === 0
      ? { name, image: "quay.io/centos/centos:stream9" }
      : {
          name,
          source: { git: { uri: `https://github.com/okd-project/${name}` } },
          from: names[Math.max(0, i - 1 - (i % 8))],
        },
  );
  const status = names.map((name, i) =>
    i < n / 3
      ? {
          name,
          state: "Landed",
          startedAt: iso(i),
          completedAt: iso(i + 30),
          attempts: 1,
          image: `r/x@sha256:${"a".repeat(64)}`,
        }
      : i < n / 3 + n / 10
        ? { name, state: "Building", startedAt: iso(i), attempts: 1 }
        : { name, state: "Waiting" },
  );
  return {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: "okd", namespace: "okd-build", creationTimestamp: iso(0) },
    spec: { imageStream: "release", components },
    status: {
      phase: "Building",
      startedAt: iso(0),
      counts: {
        total: n,
        landed: Math.ceil(n / 3),
        building: Math.ceil(n / 10),
        waiting: n - Math.ceil(n / 3) - Math.ceil(n / 10),
        failed: 0,
        blocked: 0,
      },
      plan: { levels: 10, criticalPath: names.slice(0, 10) },
      components: status,
    },
  };
}

function streams(count: number, releases: number): KubeObject[] {
  return Array.from({ length: count }, (_, s) => ({
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "ReleaseStream",
    metadata: { name: `stream-${s}`, namespace: "okd" },
    spec: { name: `4.${s}.0-0.okd`, source: { imageStream: "in" }, to: `docker://quay.io/okd/stream-${s}` },
    status: {
      releases: Array.from({ length: releases }, (_, r) => ({
        name: `4.${s}.0-0.okd-2026-11-${String(1 + (r % 28)).padStart(2, "0")}-${String(r).padStart(6, "0")}`,
        phase: r % 5 === 0 ? "Rejected" : "Accepted",
        digest: `sha256:${"b".repeat(64)}`,
        image: `quay.io/okd/stream-${s}@sha256:${"b".repeat(64)}`,
        createdAt: iso(r * 3600),
        verifications: [{ name: "e2e", state: r % 5 === 0 ? "Failed" : "Succeeded", attempts: 1 }],
      })),
    },
  }));
}

console.log("live build view (model + SVG + HTML), median of", repeat);
console.log("components  render ms  page KiB");
const now = T0 + 3_600_000;
for (const n of sizes) {
  const pb = payloadBuild(n);
  const ms = time(() => renderDocument(payloadBuildPage(payloadBuildModel(pb, now))));
  const size = renderDocument(payloadBuildPage(payloadBuildModel(pb, now))).value.length / 1024;
  console.log(`${String(n).padStart(10)}  ${ms.toFixed(2).padStart(9)}  ${size.toFixed(0).padStart(8)}`);
}

const objects = streams(20, 50);
console.log("\n20 streams x 50 releases, median of", repeat);
console.log(
  `  overview page:          ${time(() => renderDocument(streamsOverviewPage(streamModels(objects), now, true))).toFixed(2)} ms`,
);
console.log(
  `  one stream page:        ${time(() => {
    const models = streamModels(objects);
    const first = models[0];
    if (first !== undefined) renderDocument(streamPage(first, now));
  }).toFixed(2)} ms`,
);
console.log(
  `  latest API (?in=...):   ${time(() => latestResponse(streamModels(objects), "stream-3", new URLSearchParams("in=>4.3.0-0 <4.4.0-0&rel=2"))).toFixed(2)} ms`,
);

const streamStore = new StoreWriter<KubeObject>();
streamStore.replace(objects);
const buildStore = new StoreWriter<KubeObject>();
const http = Math.max(...sizes);
buildStore.replace([payloadBuild(http)]);
const server = await startWebServer({
  host: "127.0.0.1",
  port: 0,
  source: webSourceOf(streamStore, buildStore, () => undefined),
  readRelease: () => Promise.reject(new Error("no registry in this benchmark")),
  logger: pino({ level: "silent" }),
});
const latencies: number[] = [];
for (let i = 0; i < repeat * 5; i++) {
  const start = performance.now();
  await (await fetch(`${server.url}/payloadbuild/okd-build/okd?fragment=live`)).text();
  latencies.push(performance.now() - start);
}
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0;
console.log(
  `\nHTTP GET of the ${http}-component build view's live fragment, ${latencies.length} sequential requests:`,
);
console.log(`  p50 ${pct(0.5).toFixed(2)} ms   p95 ${pct(0.95).toFixed(2)} ms`);
await server.close();
