/**
 * `runDemo`: the README's first command. Starts the dev cluster (or, with `controlPlane: "real"`,
 * the real control plane built from upstream; see demo-planes.ts) with the integrated registry and
 * simulated build system, runs the operator as a child process against it, applies the sample
 * PayloadBuild, shows progress, and ends with the release's pullspec@digest, a copy of the release
 * in a local OCI layout (which outlives the demo) and its `release-info` summary. Everything it
 * started is stopped on every path out (success, failure, Ctrl-C).
 */
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { freePort } from "../control-plane/child-process.js";
import { startRegistryServer, type RunningRegistryServer } from "../devcluster/registry/index.js";
import { createKubeClient } from "../kube/kube-client.js";
import { NAMESPACES, SECRETS } from "../kube/resource.js";
import { PAYLOAD_BUILDS } from "../payload-build/payload-build-controller.js";
import { openImageStore, parseImageReference, type RegistryOptions } from "../registry/index.js";
import { readReleaseInfo, type ReleaseInfo } from "../release-image/read-release-info.js";
import { DemoError } from "./demo-error.js";
import { startDevDemoPlane, startRealDemoPlane, type DemoControlPlane } from "./demo-planes.js";
import { followPayloadBuild } from "./follow-payload-build.js";
import { followReleaseStream } from "./follow-release-stream.js";
import { copyToOciLayout } from "./copy-to-oci-layout.js";
import { startOperatorProcess, type OperatorProcess } from "./operator-process.js";

/** What the demo does. */
export interface DemoOptions {
  /** Push the release here (`docker://host/repo`) instead of the dev cluster's registry. */
  readonly to?: string;
  /** OCI layout directory the release is copied to. */
  readonly ociDir: string;
  /** Divides the simulated build durations (1: about half a minute of builds). */
  readonly speed: number;
  /** Registries reached over plain HTTP (for `--to`); the integrated one always is. */
  readonly insecureRegistries: readonly string[];
  /** Give up after this long. */
  readonly timeoutMs: number;
  /** Where to run: the embedded dev cluster (default) or the real control plane built from upstream. */
  readonly controlPlane?: DemoControlPlane;
  /**
   * Leave everything running after the release (the result's `kept` says how to look and stops it);
   * without it everything is stopped before `runDemo` returns.
   */
  readonly keep?: boolean;
  /** `spec.architectures` of the sample payload (e.g. amd64, arm64 for a multi-arch release); unset: the sample's. */
  readonly architectures?: readonly string[];
}

/** Where the demo runs. */
export interface DemoDeps {
  /** Progress and results; `isTTY` switches to the in-place progress bar. */
  readonly out: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  /** The command running payloadctl (the operator is started as `<payloadctl> operator ...`). */
  readonly payloadctl: readonly string[];
  /** The repository root (samples and CRDs). */
  readonly root: string;
  /** Aborts the demo (Ctrl-C); everything started is stopped. */
  readonly signal?: AbortSignal;
}

/** What the demo produced. */
export interface DemoResult {
  /** `registry/repo@sha256:...` the operator pushed. */
  readonly release: string;
  readonly digest: string;
  /** `oci:DIR:TAG` of the local copy. */
  readonly ociReference: string;
  readonly info: ReleaseInfo;
  readonly elapsedMs: number;
  /** With `keep`: what is still running, how to look at it, and how to stop it. */
  readonly kept?: KeptDemo;
}

/** What `--keep` leaves running. */
export interface KeptDemo {
  /** Commands to look at the cluster, the builds, the releases and the registry. */
  readonly lookLines: readonly string[];
  /** Stops the operator, the build system, the cluster and the registry. */
  stop(): Promise<void>;
}

export { DemoError } from "./demo-error.js";

const SAMPLE = "config/samples/payloadbuild.yaml";
const PROFILE = "config/samples/simulation.yaml";

/** The fields of the sample PayloadBuild the demo reads or changes; the rest is passed through. */
const sampleSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().min(1) }),
  spec: z.looseObject({
    release: z.looseObject({
      name: z.string().min(1),
      to: z.string(),
      pushSecret: z.looseObject({ name: z.string().min(1) }).optional(),
    }),
  }),
});
type SampleObject = z.infer<typeof sampleSchema>;

async function readSample(root: string): Promise<SampleObject> {
  const parsed = sampleSchema.safeParse(parse(await readFile(join(root, SAMPLE), "utf8")));
  if (!parsed.success) {
    throw new DemoError(
      `${SAMPLE}: expected a PayloadBuild with metadata.name, metadata.namespace and spec.release: ${parsed.error.message}`,
    );
  }
  return parsed.data;
}

/** The registry host of a `docker://` destination; a {@link DemoError} for anything else. */
function hostOf(to: string): string {
  const ref = parseImageReference(to);
  if (ref.transport !== "docker") throw new DemoError(`--to ${to}: must be docker://REGISTRY/REPOSITORY`);
  return ref.registry;
}

/** The "how to look" lines of `--keep` (pure). */
export function keptDemoLines(at: {
  kubeconfig: string;
  namespace: string;
  name: string;
  stream: string;
  registry: string;
  pushed: string;
  operatorLog: string;
  /** Base URL of the operator's web UI. */
  web: string;
}): string[] {
  return [
    "Everything is still running (--keep); look at it from another terminal:",
    `  export KUBECONFIG=${at.kubeconfig}`,
    "  kubectl get payloadbuilds,releasestreams,imagestreams,builds,jobs -A",
    `  kubectl describe payloadbuild ${at.name} -n ${at.namespace}`,
    `  npx payloadctl status ${at.name} -n ${at.namespace}`,
    `  npx payloadctl releases ${at.stream} -n ${at.namespace}`,
    `  curl -s http://${at.registry}/v2/_catalog          # the integrated registry`,
    // by digest: the demo pushes no :latest, so a bare repository names nothing
    `  skopeo inspect --tls-verify=false docker://${at.pushed}`,
    `  npx payloadctl release-info docker://${at.pushed} --insecure-registry ${at.registry}`,
    `  curl -s ${at.web}/api/v1/releasestream/${at.stream}/latest          # the web UI's API; open ${at.web}/ in a browser`,
    `  tail -f ${at.operatorLog}          # the operator's log`,
    "Press Ctrl-C to stop everything.",
  ];
}

/** Runs the demo (see the module documentation). */
export async function runDemo(options: DemoOptions, deps: DemoDeps): Promise<DemoResult> {
  const started = Date.now();
  if (options.to !== undefined) hostOf(options.to); // fail before starting anything
  const say = (text: string): void => {
    deps.out.write(`${text}\n`);
  };
  const work = await mkdtemp(join(tmpdir(), "payload-demo-"));
  const stops: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
  let operator: OperatorProcess | undefined;
  let kept = false;
  try {
    const sample = await readSample(deps.root);
    const registry: RunningRegistryServer = await startRegistryServer({ dir: join(work, "registry") });
    stops.push(() => registry.stop());
    const insecure = [registry.host, ...options.insecureRegistries];
    const planeOptions = {
      root: deps.root,
      work,
      registry,
      profile: join(deps.root, PROFILE),
      speed: options.speed,
      say,
    };
    const cluster =
      options.controlPlane === "real"
        ? await startRealDemoPlane(planeOptions)
        : await startDevDemoPlane(planeOptions);
    stops.push(() => cluster.stop());
    for (const [label, value] of cluster.description) say(`${`${label}:`.padEnd(22)}${value}`);
    say(`integrated registry:  ${registry.host}`);

    const logFile = join(work, "operator.log");
    const web = `http://127.0.0.1:${await freePort()}`;
    operator = await startOperatorProcess({
      payloadctl: deps.payloadctl,
      kubeconfig: cluster.operatorKubeconfig,
      logFile,
      cwd: deps.root,
      args: [
        "--metrics-addr",
        "127.0.0.1:0",
        "--status-interval",
        "500",
        "--build-retry-delay",
        "1",
        "--web-addr",
        web.slice("http://".length),
        ...insecure.flatMap((host) => ["--insecure-registry", host]),
      ],
    });
    const running = operator;
    stops.push(() => running.stop());
    say(`operator:             payloadctl operator (pid ${operator.pid})`);

    const { name, namespace } = sample.metadata;
    const release = sample.spec.release;
    const to = options.to ?? `docker://${registry.host}/${namespace}/okd-release`;
    const client = createKubeClient(cluster.kubeConfig, { requestTimeoutMs: 10_000 });
    await client.create(NAMESPACES, { metadata: { name: namespace } });
    if (release.pushSecret !== undefined) {
      await client.create(SECRETS, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: release.pushSecret.name, namespace },
        type: "kubernetes.io/dockerconfigjson",
        data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths: {} })).toString("base64") },
      });
    }
    const architectures = options.architectures === undefined ? {} : { architectures: options.architectures };
    await client.create(PAYLOAD_BUILDS, {
      ...sample,
      spec: { ...sample.spec, ...architectures, release: { ...release, to } },
    });
    say(`watch it meanwhile:   kubectl --kubeconfig ${cluster.kubeconfigPath} get payloadbuilds -A -w`);
    say(`live build view:      ${web}/payloadbuild/${namespace}/${name}  (release streams: ${web}/)`);
    say(`applied ${SAMPLE}: PayloadBuild ${namespace}/${name}, release ${release.name} -> ${to}\n`);

    const status = await followPayloadBuild({
      client,
      namespace,
      name,
      operator,
      started,
      timeoutMs: options.timeoutMs,
      out: deps.out,
      signal: deps.signal,
    });
    const pushed = status.release?.image ?? "";
    const digest = status.release?.digest ?? pushed.split("@")[1] ?? "";
    const registryOptions: RegistryOptions = { insecureRegistries: insecure };
    const ociDir = resolve(options.ociDir);
    await mkdir(ociDir, { recursive: true });
    const ociReference = `oci:${ociDir}:${release.name}`;
    const copy = await copyToOciLayout(
      openImageStore(`docker://${pushed}`, registryOptions),
      digest,
      openImageStore(ociReference),
      release.name,
    );
    const info = await readReleaseInfo(ociReference, {
      openStore: (ref) => openImageStore(ref, registryOptions),
    });
    const elapsedMs = Date.now() - started;
    const shown = relative(process.cwd(), ociDir);
    const shortReference =
      shown !== "" && !shown.startsWith("..") ? `oci:${shown}:${release.name}` : ociReference;
    say(`\nrelease ${release.name} pushed in ${(elapsedMs / 1000).toFixed(1)} s:`);
    say(`  ${pushed}`);
    say(`copied to an OCI layout (kept after the demo; the dev cluster's registry is not):`);
    say(`  ${shortReference}`);
    if (copy.converted)
      say(`  (stored with OCI media types, as skopeo copy does, so its manifest digest is ${copy.digest})`);
    say("");
    const stream = await followReleaseStream({
      root: deps.root,
      client,
      operator,
      to: `docker://${hostOf(to)}/${namespace}/okd-stream`,
      namespace,
      ...(release.pushSecret === undefined ? {} : { pushSecret: release.pushSecret.name }),
      timeoutMs: Math.max(10_000, options.timeoutMs - (Date.now() - started)),
      say,
      tty: deps.out.isTTY === true,
    });
    say(`
release ${stream.accepted} cut, verified and Accepted; payloadctl releases ${stream.stream} -n ${namespace}:`);
    deps.out.write(stream.table);
    say("");
    const result = {
      release: pushed,
      digest,
      ociReference: shortReference,
      info,
      elapsedMs: Date.now() - started,
    };
    if (options.keep !== true) return result;
    kept = true;
    const lookLines = keptDemoLines({
      kubeconfig: cluster.kubeconfigPath,
      namespace,
      name,
      stream: stream.stream,
      registry: registry.host,
      pushed,
      operatorLog: logFile,
      web,
    });
    return {
      ...result,
      kept: {
        lookLines,
        stop: async () => {
          for (const stop of stops.reverse()) await stop().catch(() => undefined);
        },
      },
    };
  } catch (error) {
    if (error instanceof DemoError || operator === undefined) throw error;
    const message = error instanceof Error ? error.message : String(error);
    const log = await operator.tail();
    throw new DemoError(
      `${message}\n${log.trim() === "" ? "(the operator wrote nothing to its log)" : `operator log:\n${log}`}`,
    );
  } finally {
    if (!kept) for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
