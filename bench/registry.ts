/**
 * Registry client blob-transfer benchmark: one image with a large incompressible layer (default
 * 256 MiB) pushed as a stream to Debian's `docker-registry`, then copied with `copyImage` to
 * another repository of the same registry (cross-repository mount), to the dev cluster's
 * integrated registry (streamed through, verified), and from there to an `oci:` layout; and a
 * verified `openBlob` read of the layer against a bare `fetch` of the same blob in the same run
 * (the baseline: ratio = verified / bare). Each step: wall time and the peak RSS of this process
 * above its RSS at the step's start (the integrated registry runs in this process; docker-registry
 * does not). Steps run `--runs` times (default 2). Prints figures; never asserts on time.
 *
 * Run: `npx tsx bench/registry.ts [--layer-mib 256] [--runs 2] [--chunk-mib 32]`
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { startRegistryServer } from "../src/devcluster/registry/index.js";
import {
  copyImage,
  OCI_CONFIG,
  OCI_LAYER_TAR,
  OCI_MANIFEST,
  openImageStore,
  sha256Digest,
  type ImageStore,
} from "../src/registry/index.js";
import { startDockerRegistry } from "../test/support/docker-registry.js";
import { incompressibleDigest, incompressibleStream } from "./support/incompressible-blob.js";
import { measureStep } from "./support/peak-rss.js";

const { values } = parseArgs({
  options: {
    "layer-mib": { type: "string", default: "256" },
    runs: { type: "string", default: "2" },
    "chunk-mib": { type: "string", default: "32" },
  },
});
const layerBytes = Number(values["layer-mib"]) * 1024 * 1024;
const runs = Number(values.runs);
const chunkBytes = Number(values["chunk-mib"]) * 1024 * 1024;
const MIB = 1024 * 1024;

/** Pushes config, the streamed layer and the manifest; returns the manifest digest. */
async function pushImage(store: ImageStore, layerDigest: string, tag: string): Promise<string> {
  const config = new TextEncoder().encode(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      rootfs: { type: "layers", diff_ids: [layerDigest] },
    }),
  );
  const configDigest = sha256Digest(config);
  await store.putBlob({ digest: configDigest, size: config.length }, config);
  await store.putBlob({ digest: layerDigest, size: layerBytes }, incompressibleStream(layerBytes));
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: OCI_CONFIG, digest: configDigest, size: config.length },
      layers: [{ mediaType: OCI_LAYER_TAR, digest: layerDigest, size: layerBytes }],
    }),
  );
  return store.putManifest(tag, manifest, OCI_MANIFEST);
}

/** Reads a stream to its end, discarding the bytes; returns how many there were. */
async function drain(stream: AsyncIterable<Uint8Array> | Readable): Promise<number> {
  let bytes = 0;
  for await (const chunk of stream) bytes += (chunk as Uint8Array).length;
  return bytes;
}

interface Row {
  readonly step: string;
  readonly seconds: number[];
  readonly rss: number[];
}

async function main(): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), "bench-registry-"));
  const docker = await startDockerRegistry();
  const integrated = await startRegistryServer({ dir: join(work, "integrated") });
  const options = { insecureRegistries: [docker.host, integrated.host] };
  const rows = new Map<string, Row>();
  const record = (step: string, m: { seconds: number; peakRssDeltaBytes: number }): void => {
    const row = rows.get(step) ?? { step, seconds: [], rss: [] };
    row.seconds.push(m.seconds);
    row.rss.push(m.peakRssDeltaBytes);
    rows.set(step, row);
  };
  try {
    const layerDigest = await incompressibleDigest(layerBytes);
    for (let run = 1; run <= runs; run++) {
      const repo = (name: string) => `docker://${docker.host}/bench/${name}-${run}`;
      const source = openImageStore(repo("pushed"), options);
      const push = await measureStep(() => pushImage(source, layerDigest, "v1"));
      record("push the layer as a stream to docker-registry (one streamed PUT, the default)", push);
      const chunked = openImageStore(repo("chunked"), { ...options, chunkSize: chunkBytes });
      record(
        `the same push in ${chunkBytes / MIB} MiB PATCH chunks (\`chunkSize\`)`,
        await measureStep(() => pushImage(chunked, layerDigest, "v1")),
      );
      const mounted = await measureStep(() =>
        copyImage(source, "v1", openImageStore(repo("mounted"), options), "v1"),
      );
      record("`copyImage` to another repository of the same registry (cross-repo mount)", mounted);
      const toIntegrated = openImageStore(`docker://${integrated.host}/bench/copied-${run}`, options);
      record(
        "`copyImage` docker-registry -> integrated registry (streamed through, verified)",
        await measureStep(() => copyImage(source, "v1", toIntegrated, "v1")),
      );
      const layout = openImageStore(`oci:${join(work, `layout-${run}`)}`);
      record(
        "`copyImage` integrated registry -> `oci:` layout",
        await measureStep(() => copyImage(toIntegrated, "v1", layout, "v1")),
      );
      const bare = await measureStep(async () => {
        const response = await fetch(`${docker.url}/v2/bench/pushed-${run}/blobs/${layerDigest}`);
        if (!response.ok || response.body === null) throw new Error(`GET blob: HTTP ${response.status}`);
        return drain(response.body);
      });
      record("baseline: bare `fetch` of the layer from docker-registry, bytes discarded", bare);
      const verified = await measureStep(async () => drain(await source.openBlob(layerDigest)));
      record("`openBlob` of the layer from docker-registry (sha256 verified), bytes discarded", verified);
      if (bare.value !== layerBytes || verified.value !== layerBytes) throw new Error("short read");
    }
  } finally {
    await integrated.stop();
    await docker.stop();
    await rm(work, { recursive: true, force: true });
  }
  const range = (xs: number[], f: (x: number) => string): string => {
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    return xs.length === 1 || f(lo) === f(hi) ? f(lo) : `${f(lo)}–${f(hi)}`;
  };
  console.log(`Registry blob transfer: Node ${process.version}, layer ${layerBytes / MIB} MiB, ${runs} runs`);
  console.log("");
  console.log("| step | wall time | peak RSS above the step's start |");
  console.log("| --- | ---: | ---: |");
  for (const row of rows.values())
    console.log(
      `| ${row.step} | ${range(row.seconds, (x) => `${x.toFixed(2)} s`)} | ${range(row.rss, (x) => `${(x / MIB).toFixed(0)} MiB`)} |`,
    );
  const bare = rows.get("baseline: bare `fetch` of the layer from docker-registry, bytes discarded");
  const verified = rows.get(
    "`openBlob` of the layer from docker-registry (sha256 verified), bytes discarded",
  );
  if (bare !== undefined && verified !== undefined) {
    const ratios = verified.seconds.map((v, i) => v / (bare.seconds[i] ?? v));
    console.log("");
    console.log(`verified read / bare fetch, per run: ${ratios.map((r) => r.toFixed(2)).join(", ")}`);
  }
}

await main();
