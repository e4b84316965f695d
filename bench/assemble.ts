/**
 * Release assembly benchmark: a synthetic 200-component payload (60 operators, 5 manifests each, a CVO
 * with a large incompressible layer) in a local docker-registry. Measures our `assembleRelease` (wall
 * time, bytes uploaded) against two baselines on the same input in the same run: the real
 * `oc adm release new` (built by `npm run release-tools:build`; left out with a note when missing) and
 * skopeo + umoci CLI steps (copy the CVO image to an OCI layout, unpack, add release-manifests, repack,
 * set labels, push). Every tool writes to a new repository each run; runs alternate between the tools
 * so that load from other work hits them alike. Registry caches are warmed once before timing.
 * Ours is measured cold (no content cache: every manifest, config and operator top layer read from the
 * registry, as oc reads them) and warm (a `DirectoryContentCache` filled by one untimed assembly, as a
 * repeated `payloadctl assemble --cache-dir` or the operator's next release of the same components
 * finds it); the ratios are printed for both. Each row also shows the registry's CPU time during the
 * run (`/proc/PID/stat`), and one assembly of each of ours and oc is counted request by request through
 * a proxy (untimed): together they show what the registry is asked and what that costs it.
 *
 * Run: `npx tsx bench/assemble.ts [--components 200] [--operators 60] [--manifests 5] [--cvo-mib 64] [--runs 3]`
 * Prints a Markdown table (min and median of the runs). Never asserts on time.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs, promisify } from "node:util";
import { DirectoryContentCache } from "../src/registry/content-cache.js";
import { ImageStores } from "../src/registry/image-store.js";
import { assembleRelease, type AssembledRelease } from "../src/release-image/assemble-release.js";
import { inspectComponents } from "../src/release-image/inspect-components.js";
import { readReleaseInfo } from "../src/release-image/read-release-info.js";
import { readTopLayerDirectory, resolveImage } from "../src/release-image/resolve-image.js";
import { writeSyntheticPayload } from "../src/release-image/synthetic-payload.js";
import { startDockerRegistry } from "../test/support/docker-registry.js";
import { startCountingProxy } from "../test/support/counting-proxy.js";
import { processCpuMs } from "./support/process-cpu.js";

const exec = promisify(execFile);
const OC = resolve(import.meta.dirname, "../.tools/bin/oc");

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const min = (values: readonly number[]) => sorted(values)[0] ?? Number.NaN;
const median = (values: readonly number[]) =>
  sorted(values)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      components: { type: "string", default: "200" },
      operators: { type: "string", default: "60" },
      manifests: { type: "string", default: "5" },
      "cvo-mib": { type: "string", default: "64" },
      runs: { type: "string", default: "3" },
    },
  });
  const components = Number(values.components);
  const operators = Number(values.operators);
  const manifests = Number(values.manifests);
  const runs = Number(values.runs);
  const cvoBytes = Number(values["cvo-mib"]) * 1024 * 1024;
  const registry = await startDockerRegistry();
  const work = await mkdtemp(join(tmpdir(), "bench-assemble-"));
  try {
    // One factory, as payloadctl uses: one connection pool per registry.
    const stores = new ImageStores({ insecureRegistries: [registry.host] });
    const openStore = (reference: string) => stores.open(reference);
    const content = `${registry.host}/okd/content`;
    const setup = await timed(() =>
      writeSyntheticPayload({
        store: openStore(`docker://${content}`),
        repository: content,
        components,
        operators,
        manifestsPerOperator: manifests,
        baseLayerBytes: cvoBytes,
      }),
    );
    const name = "4.15.0-0.okd-2024-01-02-030405";
    const streamFile = join(work, "stream.json");
    await writeFile(streamFile, JSON.stringify(setup.value.imageStream));
    // Warm the registry's caches (and the page cache) for everybody.
    await inspectComponents(setup.value.components, openStore);
    const hasOc = existsSync(OC);

    const cache = new DirectoryContentCache(join(work, "content-cache"));
    const ours = async (repository: string, cached = false): Promise<AssembledRelease> =>
      assembleRelease(
        {
          source: { kind: "images" },
          images: setup.value.components,
          name,
          to: `docker://${registry.host}/${repository}`,
        },
        { openStore, ...(cached ? { cache } : {}) },
      );
    // Fill the content cache once, untimed (the first assembly of these components, as the operator
    // or a user with --cache-dir made it before).
    await ours("okd/release-cache-fill", true);
    type Run = "ours" | "again" | "warm" | "oc" | "baseline";
    const times: Record<Run, number[]> = { ours: [], again: [], warm: [], oc: [], baseline: [] };
    // The registry's CPU seconds during each run: what the reads cost it, whoever makes them.
    const registryCpu: Record<Run, number[]> = { ours: [], again: [], warm: [], oc: [], baseline: [] };
    const measured = async <T>(run: Run, fn: () => Promise<T>): Promise<{ value: T; seconds: number }> => {
      const before = processCpuMs(registry.pid);
      const result = await timed(fn);
      registryCpu[run].push((processCpuMs(registry.pid) - before) / 1000);
      return result;
    };
    const steps: Record<string, number[]> = {};
    let first: AssembledRelease | undefined;
    let again: AssembledRelease | undefined;
    let ocBytes = 0;
    let baselineBytes = 0;
    for (let run = 0; run < runs; run++) {
      const mine = await measured("ours", () => ours(`okd/release-${run}`));
      times.ours.push(mine.seconds);
      first ??= mine.value;
      const repeat = await measured("again", () => ours(`okd/release-${run}`));
      times.again.push(repeat.seconds);
      again ??= repeat.value;
      const warm = await measured("warm", () => ours(`okd/release-warm-${run}`, true));
      times.warm.push(warm.seconds);
      if (warm.value.digest !== mine.value.digest)
        throw new Error(`the warm assembly gave ${warm.value.digest}, the cold one ${mine.value.digest}`);
      if (hasOc) {
        const repository = `${registry.host}/okd/oc-release-${run}`;
        const oc = await measured("oc", () =>
          exec(OC, [
            "adm",
            "release",
            "new",
            "--insecure=true",
            "--from-image-stream-file",
            streamFile,
            "--reference-mode=source",
            "--name",
            name,
            "--to-image",
            `${repository}:${name}`,
          ]),
        );
        times.oc.push(oc.seconds);
        ocBytes = await newBytes(openStore, repository, name);
      }
      const baseline = await measured("baseline", () =>
        skopeoUmociBaseline(openStore, registry.host, work, run, name, setup.value.components, steps),
      );
      times.baseline.push(baseline.seconds);
      baselineBytes = baseline.value;
    }
    const requests = await countRequests({
      registry: registry.host,
      components: setup.value.components,
      name,
      cache,
      stream: setup.value.imageStream,
      work,
      hasOc,
    });
    const info = await readReleaseInfo(`docker://${registry.host}/okd/release-0:${name}`, { openStore });

    const mib = (bytes: number): string =>
      bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
    const row = (label: string, run: Run, bytes: string) =>
      `| ${label} | ${min(times[run]).toFixed(2)} s | ${median(times[run]).toFixed(2)} s | ${median(registryCpu[run]).toFixed(2)} s | ${bytes} |`;
    const oursMin = min(times.ours);
    const lines = [
      `Payload: ${components} components, ${operators} operators x ${manifests} manifests, CVO base layer ${values["cvo-mib"]} MiB (incompressible); setup ${setup.seconds.toFixed(1)} s; ${runs} runs`,
      `Release: ${info.images.length} images, ${info.manifests.length} manifests, release layer ${mib(first?.layer.size ?? 0)}, digest ${first?.digest}`,
      "",
      "| run | min | median | registry CPU (median) | bytes uploaded |",
      "| --- | ---: | ---: | ---: | ---: |",
      row(
        `payloadctl assembleRelease, new repository (reads ${components} configs + ${operators} top layers, mounts CVO layers)`,
        "ours",
        mib(first?.transfers.uploadedBytes ?? 0),
      ),
      row(
        "payloadctl assembleRelease, same release again (all blobs present)",
        "again",
        mib(again?.transfers.uploadedBytes ?? 0),
      ),
      row(
        "payloadctl assembleRelease, warm content cache, new repository (component reads from the cache)",
        "warm",
        mib(first?.transfers.uploadedBytes ?? 0),
      ),
      ...(hasOc
        ? [
            row(
              "oc adm release new, new repository (same ImageStream input)",
              "oc",
              `${mib(ocBytes)} (layer + config + manifest)`,
            ),
          ]
        : [`| oc adm release new | not run: ${OC} missing (npm run release-tools:build) | | | |`]),
      row("baseline skopeo + umoci (release-manifests given, not computed)", "baseline", mib(baselineBytes)),
      "",
      `Ratios (min / min), cold: oc / ours ${hasOc ? (min(times.oc) / oursMin).toFixed(2) : "n/a"}, skopeo+umoci / ours ${(min(times.baseline) / oursMin).toFixed(2)}`,
      `Ratios (min / min), warm cache: oc / ours ${hasOc ? (min(times.oc) / min(times.warm)).toFixed(2) : "n/a"}, skopeo+umoci / ours ${(min(times.baseline) / min(times.warm)).toFixed(2)}`,
      "",
      "Registry requests of one assembly (through a counting proxy, untimed):",
      ...requests,
      "",
      "Baseline steps (median):",
      ...Object.entries(steps).map(([label, seconds]) => `- ${label}: ${median(seconds).toFixed(2)} s`),
    ];
    console.log(lines.join("\n"));
  } finally {
    await registry.stop();
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * One assembly each of ours (cold, then with the warm cache) and of `oc adm release new`, through a
 * counting proxy in front of the registry: requests by kind and connections opened. One line each.
 */
async function countRequests(input: {
  registry: string;
  components: readonly { tag: string; pullspec: string }[];
  name: string;
  cache: DirectoryContentCache;
  stream: Record<string, unknown>;
  work: string;
  hasOc: boolean;
}): Promise<string[]> {
  const proxy = await startCountingProxy(input.registry);
  const lines: string[] = [];
  const describe = (label: string): void => {
    const counts = Object.entries(proxy.counts())
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([kind, n]) => `${kind} ${n}`);
    lines.push(
      `- ${label}: ${proxy.total()} requests over ${proxy.connections()} connections (${counts.join(", ")})`,
    );
    proxy.reset();
  };
  const via = (text: string): string => text.replaceAll(input.registry, proxy.host);
  try {
    for (const warm of [false, true]) {
      // A new factory each time: its own connection pool and scheme probe, as a new process has.
      const stores = new ImageStores({ insecureRegistries: [proxy.host] });
      await assembleRelease(
        {
          source: { kind: "images" },
          images: input.components.map((c) => ({ ...c, pullspec: via(c.pullspec) })),
          name: input.name,
          to: `docker://${proxy.host}/okd/counted-${warm ? "warm" : "cold"}`,
        },
        { openStore: (reference) => stores.open(reference), ...(warm ? { cache: input.cache } : {}) },
      );
      describe(warm ? "ours, warm content cache" : "ours, cold (no cache)");
    }
    if (input.hasOc) {
      const streamFile = join(input.work, "stream-counted.json");
      await writeFile(streamFile, via(JSON.stringify(input.stream)));
      await exec(OC, [
        "adm",
        "release",
        "new",
        "--insecure=true",
        "--from-image-stream-file",
        streamFile,
        "--reference-mode=source",
        "--name",
        input.name,
        "--to-image",
        `${proxy.host}/okd/counted-oc:${input.name}`,
      ]);
      describe("oc adm release new");
    }
  } finally {
    await proxy.close();
  }
  return lines;
}

/** Bytes of a release's new blobs: its top layer, config and manifest (the rest is mounted). */
async function newBytes(
  openStore: (reference: string) => ReturnType<ImageStores["open"]>,
  repository: string,
  tag: string,
): Promise<number> {
  const manifest = await openStore(`docker://${repository}`).getManifest(tag);
  const parsed = JSON.parse(Buffer.from(manifest.bytes).toString("utf8")) as {
    config: { size: number };
    layers: { size: number }[];
  };
  return manifest.bytes.length + parsed.config.size + (parsed.layers.at(-1)?.size ?? 0);
}

/** skopeo + umoci given the release-manifests files our plan produced; returns the bytes it pushed. */
async function skopeoUmociBaseline(
  openStore: (reference: string) => ReturnType<ImageStores["open"]>,
  host: string,
  work: string,
  run: number,
  name: string,
  components: readonly { tag: string; pullspec: string }[],
  steps: Record<string, number[]>,
): Promise<number> {
  const cvo = components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
  const layout = join(work, `oci-${run}`);
  const bundle = join(work, `bundle-${run}`);
  const step = async (label: string, command: string, args: string[]): Promise<void> => {
    const result = await timed(() => exec(command, args, { maxBuffer: 64 * 1024 * 1024 }));
    (steps[label] ??= []).push(result.seconds);
  };
  await step("skopeo copy CVO -> oci:", "skopeo", [
    "copy",
    "--quiet",
    "--src-tls-verify=false",
    `docker://${cvo}`,
    `oci:${layout}:cvo`,
  ]);
  await step("umoci unpack", "umoci", ["unpack", "--image", `${layout}:cvo`, bundle]);
  const addStart = process.hrtime.bigint();
  const dir = join(bundle, "rootfs", "release-manifests");
  await mkdir(dir, { recursive: true });
  const layerFiles = await readReleaseLayerFiles(openStore, `${host}/okd/release-0`, name);
  for (const [file, data] of layerFiles) await writeFile(join(dir, file), data);
  (steps["write release-manifests"] ??= []).push(Number(process.hrtime.bigint() - addStart) / 1e9);
  await step("umoci repack", "umoci", ["repack", "--image", `${layout}:cvo`, bundle]);
  await step("umoci config (labels)", "umoci", [
    "config",
    "--image",
    `${layout}:cvo`,
    "--clear=config.labels",
    "--config.label",
    `io.openshift.release=${name}`,
    "--config.label",
    `io.openshift.release.base-image-digest=${cvo.split("@")[1] ?? ""}`,
  ]);
  const target = `docker://${host}/okd/release-baseline-${run}:${name}`;
  await step("skopeo copy oci: -> registry", "skopeo", [
    "copy",
    "--quiet",
    "--dest-tls-verify=false",
    `oci:${layout}:cvo`,
    target,
  ]);
  const raw = JSON.parse(
    (await exec("skopeo", ["inspect", "--raw", "--tls-verify=false", target])).stdout,
  ) as {
    config: { size: number };
    layers: { size: number }[];
  };
  return raw.config.size + raw.layers.reduce((sum, l) => sum + l.size, 0);
}

/** The files of the release layer, read back through release-info's reader. */
async function readReleaseLayerFiles(
  openStore: (reference: string) => ReturnType<ImageStores["open"]>,
  repository: string,
  name: string,
): Promise<Map<string, Buffer>> {
  const store = openStore(`docker://${repository}`);
  const image = await resolveImage(store, name, "release");
  const files = await readTopLayerDirectory(store, image, "release-manifests", "release", 64 * 1024 * 1024);
  return new Map(
    files.filter((f) => f.type === "file").map((f) => [f.path.slice("release-manifests/".length), f.content]),
  );
}

await main();
