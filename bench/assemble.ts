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
 * The rows above time `assembleRelease` in this warm Node process (JIT warm, modules loaded), while oc and
 * skopeo/umoci start a fresh process each run; a user of the CLI starts one too. So two more rows time
 * `payloadctl assemble` as a new process, exactly as `npx payloadctl assemble` runs it after
 * bin/payloadctl.js (the pinned `node_modules/node/bin/node --import <tsx loader> src/cli/payloadctl.ts
 * assemble --from-image-stream-file <oc's stream file> ...`; tsx's transform cache is warm after the
 * first run, as for a user's second run): cold, and with `--cache-dir` filled by one untimed CLI run.
 * Their release digests must equal the in-process cold one (the CLI is given `SOURCE_DATE_EPOCH` = the
 * time the release name carries, which the in-process assembly uses; without it the CLI stamps the
 * current time, docs/release-format.md "Created"), so every row times the same work.
 * A client CPU column shows what each tool costs the machine itself: the child's user + system seconds
 * for the process rows (GNU `/usr/bin/time`, Debian package `time`; blank when missing; skopeo+umoci:
 * the sum of its CLI steps) and `process.cpuUsage()` of this process around each in-process call.
 *
 * Where the registry's CPU goes: `--registry-pprof SECONDS` profiles docker-registry (its debug
 * endpoint, `go tool pprof`) while in-process cold assemblies run, after the timed runs, and prints the
 * share of its CPU under a few functions. `--concurrency N` sets how many images the in-process
 * assemblies read at once (default 32, as payloadctl and the operator); `--registry-gogc N` starts the
 * registry with `GOGC=N` (default: Go's 100), to see how much of its cost is its garbage collector.
 *
 * Run: `npx tsx bench/assemble.ts [--components 200] [--operators 60] [--manifests 5] [--cvo-mib 64] [--runs 3]
 * [--concurrency 32] [--registry-gogc N] [--registry-pprof SECONDS]`
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
import { DEFAULT_INSPECT_CONCURRENCY, inspectComponents } from "../src/release-image/inspect-components.js";
import { readReleaseInfo } from "../src/release-image/read-release-info.js";
import { createdFromReleaseName } from "../src/release-image/release-created.js";
import { readTopLayerDirectory, resolveImage } from "../src/release-image/resolve-image.js";
import { writeSyntheticPayload } from "../src/release-image/synthetic-payload.js";
import { startDockerRegistry } from "../test/support/docker-registry.js";
import { startCountingProxy } from "../test/support/counting-proxy.js";
import { canMeasureChildCpu, execWithCpu, type ChildRun } from "./support/child-cpu.js";
import { processCpuMs } from "./support/process-cpu.js";
import { profileRegistry } from "./support/registry-profile.js";
import { freePort } from "../src/control-plane/child-process.js";

const exec = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "..");
const OC = join(ROOT, ".tools/bin/oc");
// What bin/payloadctl.js (the `npx payloadctl` entry) starts: the pinned Node with the tsx loader.
const PINNED_NODE = join(ROOT, "node_modules", "node", "bin", "node");
const TSX_LOADER = join(ROOT, "node_modules", "tsx", "dist", "loader.mjs");
const PAYLOADCTL = join(ROOT, "src", "cli", "payloadctl.ts");

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { value, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);
const min = (values: readonly number[]) => sorted(values)[0] ?? Number.NaN;
const median = (values: readonly number[]) =>
  sorted(values)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

/** Functions of docker-registry 2.8 whose cumulative CPU share `--registry-pprof` prints. */
const REGISTRY_HOTSPOTS = {
  "every request: the URL router rebuilt, regular expressions compiled (v2.NewURLBuilderFromRequest)":
    "v2.NewURLBuilderFromRequest",
  "every blob GET: a 4 MiB read buffer allocated and zeroed (storage.(*fileReader).reader)":
    "storage.(*fileReader).reader",
  "serving blobs, all of it (storage.(*blobServer).ServeBlob)": "storage.(*blobServer).ServeBlob",
  "serving manifests (handlers.(*manifestHandler).GetManifest)": "handlers.(*manifestHandler).GetManifest",
  "allocation (runtime.mallocgc)": "runtime.mallocgc",
  "the garbage collector's background marking (runtime.gcBgMarkWorker)": "runtime.gcBgMarkWorker",
} as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      components: { type: "string", default: "200" },
      operators: { type: "string", default: "60" },
      manifests: { type: "string", default: "5" },
      "cvo-mib": { type: "string", default: "64" },
      runs: { type: "string", default: "3" },
      concurrency: { type: "string", default: String(DEFAULT_INSPECT_CONCURRENCY) },
      "registry-gogc": { type: "string" },
      "registry-pprof": { type: "string" },
    },
  });
  const concurrency = Number(values.concurrency);
  const gogc = values["registry-gogc"];
  const pprofSeconds = values["registry-pprof"] === undefined ? undefined : Number(values["registry-pprof"]);
  const debugPort = pprofSeconds === undefined ? undefined : await freePort();
  const components = Number(values.components);
  const operators = Number(values.operators);
  const manifests = Number(values.manifests);
  const runs = Number(values.runs);
  const cvoBytes = Number(values["cvo-mib"]) * 1024 * 1024;
  const registry = await startDockerRegistry({
    ...(gogc === undefined ? {} : { env: { GOGC: gogc } }),
    ...(debugPort === undefined ? {} : { debugPort }),
  });
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
          concurrency,
        },
        { openStore, ...(cached ? { cache } : {}) },
      );
    // `payloadctl assemble` as a new process, as `npx payloadctl assemble` starts it after the bin
    // wrapper. SOURCE_DATE_EPOCH: the CLI stamps the current time otherwise; in-process assemblies are
    // created at the time the release name carries, and the rows must time the same release.
    const createdFromName = createdFromReleaseName(name);
    if (createdFromName === undefined) throw new Error(`release name ${name} carries no time`);
    const cliEnv = { ...process.env, SOURCE_DATE_EPOCH: String(createdFromName.getTime() / 1000) };
    for (const file of [PINNED_NODE, TSX_LOADER])
      if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm ci\` in ${ROOT}`);
    const cliCache = join(work, "cli-cache");
    const cli = async (repository: string, cached: boolean): Promise<ChildRun & { digest: string }> => {
      const result = await execWithCpu(
        PINNED_NODE,
        [
          "--import",
          `file://${TSX_LOADER}`,
          PAYLOADCTL,
          "assemble",
          "--from-image-stream-file",
          streamFile,
          "--insecure-registry",
          registry.host,
          "--name",
          name,
          "--to",
          `docker://${registry.host}/${repository}`,
          ...(cached ? ["--cache-dir", cliCache] : []),
        ],
        { cwd: ROOT, env: cliEnv },
      );
      // Its output line: `<digest> <name> <created>`.
      const digest = result.stdout.trim().split(/\s+/)[0] ?? "";
      return { ...result, digest };
    };
    // Fill the content caches once, untimed (the first assembly of these components, as the operator
    // or a user with --cache-dir made it before).
    await ours("okd/release-cache-fill", true);
    const cliFill = await cli("okd/cli-release-cache-fill", true);
    type Run = "ours" | "again" | "warm" | "cli" | "cliWarm" | "oc" | "baseline";
    const perRun = (): Record<Run, number[]> => ({
      ours: [],
      again: [],
      warm: [],
      cli: [],
      cliWarm: [],
      oc: [],
      baseline: [],
    });
    const times = perRun();
    // The registry's CPU seconds during each run: what the reads cost it, whoever makes them.
    const registryCpu = perRun();
    // The client's own CPU seconds: this process's for in-process runs, the child's for the others.
    const clientCpu = perRun();
    const measured = async <T>(run: Run, fn: () => Promise<T>): Promise<{ value: T; seconds: number }> => {
      const before = processCpuMs(registry.pid);
      const result = await timed(fn);
      registryCpu[run].push((processCpuMs(registry.pid) - before) / 1000);
      times[run].push(result.seconds);
      return result;
    };
    const inProcess = async <T>(run: Run, fn: () => Promise<T>): Promise<T> => {
      const before = process.cpuUsage();
      const result = await measured(run, fn);
      const used = process.cpuUsage(before);
      clientCpu[run].push((used.user + used.system) / 1e6);
      return result.value;
    };
    const child = async <T extends { cpuSeconds?: number }>(run: Run, fn: () => Promise<T>): Promise<T> => {
      const { value } = await measured(run, fn);
      if (value.cpuSeconds !== undefined) clientCpu[run].push(value.cpuSeconds);
      return value;
    };
    const steps: Record<string, number[]> = {};
    let first: AssembledRelease | undefined;
    let again: AssembledRelease | undefined;
    const sameRelease = (label: string, digest: string): void => {
      if (digest !== first?.digest)
        throw new Error(
          `the ${label} gave ${digest || "no digest"}, the in-process cold one ${first?.digest}`,
        );
    };
    let cliBytes = 0;
    let cliWarmBytes = 0;
    let ocBytes = 0;
    let baselineBytes = 0;
    for (let run = 0; run < runs; run++) {
      const mine = await inProcess("ours", () => ours(`okd/release-${run}`));
      first ??= mine;
      if (run === 0) sameRelease("untimed CLI run that filled --cache-dir", cliFill.digest);
      const repeat = await inProcess("again", () => ours(`okd/release-${run}`));
      again ??= repeat;
      const warm = await inProcess("warm", () => ours(`okd/release-warm-${run}`, true));
      sameRelease("warm in-process assembly", warm.digest);
      const cliRepository = `okd/cli-release-${run}`;
      sameRelease(
        "payloadctl assemble process",
        (await child("cli", () => cli(cliRepository, false))).digest,
      );
      cliBytes = await newBytes(openStore, `${registry.host}/${cliRepository}`, name);
      const cliWarmRepository = `okd/cli-release-warm-${run}`;
      sameRelease(
        "payloadctl assemble --cache-dir process",
        (await child("cliWarm", () => cli(cliWarmRepository, true))).digest,
      );
      cliWarmBytes = await newBytes(openStore, `${registry.host}/${cliWarmRepository}`, name);
      if (hasOc) {
        const repository = `${registry.host}/okd/oc-release-${run}`;
        await child("oc", () =>
          execWithCpu(OC, [
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
        ocBytes = await newBytes(openStore, repository, name);
      }
      const baseline = await child("baseline", () =>
        skopeoUmociBaseline(openStore, registry.host, work, run, name, setup.value.components, steps),
      );
      baselineBytes = baseline.bytes;
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
    let profiled = 0;
    const profile =
      pprofSeconds === undefined || debugPort === undefined
        ? undefined
        : await profileRegistry(
            debugPort,
            pprofSeconds,
            async () => {
              await ours(`okd/release-pprof-${profiled++}`);
            },
            REGISTRY_HOTSPOTS,
            work,
          );

    const mib = (bytes: number): string =>
      bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(2)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
    const cpu = (run: Run): string =>
      clientCpu[run].length === 0 ? "" : `${median(clientCpu[run]).toFixed(2)} s`;
    const row = (label: string, run: Run, bytes: string) =>
      `| ${label} | ${min(times[run]).toFixed(2)} s | ${median(times[run]).toFixed(2)} s | ${median(registryCpu[run]).toFixed(2)} s | ${cpu(run)} | ${bytes} |`;
    const ratios = (label: string, ours: Run, oursName: string): string =>
      `Ratios (min / min), ${label}: oc / ${oursName} ${hasOc ? (min(times.oc) / min(times[ours])).toFixed(2) : "n/a"}, skopeo+umoci / ${oursName} ${(min(times.baseline) / min(times[ours])).toFixed(2)}`;
    const lines = [
      `Payload: ${components} components, ${operators} operators x ${manifests} manifests, CVO base layer ${values["cvo-mib"]} MiB (incompressible); setup ${setup.seconds.toFixed(1)} s; ${runs} runs`,
      `Release: ${info.images.length} images, ${info.manifests.length} manifests, release layer ${mib(first?.layer.size ?? 0)}, digest ${first?.digest} (every row's release has it)`,
      "",
      "| run | min | median | registry CPU (median) | client CPU (median) | bytes uploaded |",
      "| --- | ---: | ---: | ---: | ---: | ---: |",
      row(
        `payloadctl assembleRelease in-process, new repository (reads ${components} configs + ${operators} top layers, mounts CVO layers)`,
        "ours",
        mib(first?.transfers.uploadedBytes ?? 0),
      ),
      row(
        "payloadctl assembleRelease in-process, same release again (all blobs present)",
        "again",
        mib(again?.transfers.uploadedBytes ?? 0),
      ),
      row(
        "payloadctl assembleRelease in-process, warm content cache, new repository (component reads from the cache)",
        "warm",
        mib(first?.transfers.uploadedBytes ?? 0),
      ),
      row(
        "payloadctl assemble, new process, cold (pinned node --import tsx src/cli/payloadctl.ts assemble --from-image-stream-file, as `npx payloadctl assemble` runs it after bin/payloadctl.js), new repository",
        "cli",
        `${mib(cliBytes)} (layer + config + manifest)`,
      ),
      row(
        "payloadctl assemble, new process, --cache-dir warm (filled by one untimed CLI run), new repository",
        "cliWarm",
        `${mib(cliWarmBytes)} (layer + config + manifest)`,
      ),
      ...(hasOc
        ? [
            row(
              "oc adm release new, new repository (same ImageStream input)",
              "oc",
              `${mib(ocBytes)} (layer + config + manifest)`,
            ),
          ]
        : [`| oc adm release new | not run: ${OC} missing (npm run release-tools:build) | | | | |`]),
      row("baseline skopeo + umoci (release-manifests given, not computed)", "baseline", mib(baselineBytes)),
      "",
      `Client CPU: user + system seconds; in-process rows: this process (process.cpuUsage()) during the call; process rows: the child (${canMeasureChildCpu() ? "/usr/bin/time" : "blank: /usr/bin/time missing, apt-get install time"}); skopeo + umoci: its CLI steps summed.`,
      "",
      ratios("in-process, cold", "ours", "ours"),
      ratios("in-process, warm cache", "warm", "ours"),
      ratios("new process, cold", "cli", "payloadctl"),
      ratios("new process, --cache-dir warm", "cliWarm", "payloadctl"),
      "",
      "Registry requests of one assembly (through a counting proxy, untimed):",
      ...requests,
      ...(profile === undefined
        ? []
        : [
            "",
            `Registry CPU while in-process cold assemblies ran (pprof, ${pprofSeconds} s, ${profile.runs} assemblies, ${profile.totalSeconds.toFixed(2)} s of registry CPU sampled), share under:`,
            ...profile.hotspots.map((h) => `- ${h.label}: ${(h.share * 100).toFixed(0)} %`),
          ]),
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

/**
 * skopeo + umoci given the release-manifests files our plan produced; returns the bytes it pushed and,
 * when GNU time is installed, the CPU seconds of its CLI steps summed.
 */
async function skopeoUmociBaseline(
  openStore: (reference: string) => ReturnType<ImageStores["open"]>,
  host: string,
  work: string,
  run: number,
  name: string,
  components: readonly { tag: string; pullspec: string }[],
  steps: Record<string, number[]>,
): Promise<{ bytes: number; cpuSeconds?: number }> {
  const cvo = components.find((c) => c.tag === "cluster-version-operator")?.pullspec ?? "";
  const layout = join(work, `oci-${run}`);
  const bundle = join(work, `bundle-${run}`);
  let cpuSeconds: number | undefined;
  const step = async (label: string, command: string, args: string[]): Promise<void> => {
    const result = await timed(() => execWithCpu(command, args));
    (steps[label] ??= []).push(result.seconds);
    if (result.value.cpuSeconds !== undefined) cpuSeconds = (cpuSeconds ?? 0) + result.value.cpuSeconds;
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
  const bytes = raw.config.size + raw.layers.reduce((sum, l) => sum + l.size, 0);
  return cpuSeconds === undefined ? { bytes } : { bytes, cpuSeconds };
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
