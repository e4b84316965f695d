/**
 * `payloadctl dev [--port N] [--kubeconfig FILE] [--write-env FILE] [--data DIR] [--crds PATH...]
 * [--registry-port N] [--speed N]`: the local cluster, in the foreground, for as long as the user likes: the dev cluster
 * (which serves what `kubectl apply -f deploy/install.yaml` needs), its integrated registry, the
 * simulated build system (Builds, BuildRuns and image imports that push real images there) and the
 * simulated job runner; the same environment as the demo. It prints the kubeconfig, the registry and
 * the exact `payloadctl operator` command line to run against it, writes `--write-env` (a shell file
 * exporting KUBECONFIG and REGISTRY, for `. ./FILE` in another terminal; removed on stop) once all is
 * up, and stops everything on Ctrl-C (SIGINT), SIGTERM or SIGHUP.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { startDevCluster, type DevCluster, type DevClusterOptions } from "../devcluster/dev-cluster.js";
import { buildSystemAddon } from "../devcluster/builds/index.js";
import { jobRunnerAddon } from "../devcluster/jobs/index.js";
import { registryAddon, startRegistryServer } from "../devcluster/registry/index.js";
import type { RunningRegistryServer } from "../devcluster/registry/index.js";
import { packageRoot } from "../demo/package-root.js";
import { processIo, type CliIo } from "./cli-io.js";

/** What the command needs from its surroundings; tests pass their own. */
export interface DevCommandDeps {
  io: CliIo;
  start: (options: DevClusterOptions) => Promise<DevCluster>;
  startRegistry: (options: { dir: string; port?: number }) => Promise<RunningRegistryServer>;
  /** Resolves when the cluster should stop (default: SIGINT, SIGTERM or SIGHUP), with the reason. */
  waitForStop: () => Promise<string>;
}

const STOP_SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

/**
 * Resolves with the first stop signal. The handlers stay installed (ignoring repeats) until the
 * returned `release` is called, so a second Ctrl-C or a relayed copy of the signal cannot kill the
 * process half way through stopping and leave the registry or a build behind.
 */
function waitForSignal(): { stopped: Promise<string>; release: () => void } {
  let resolveStop: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((done) => {
    resolveStop = done;
  });
  const onSignal = (signal: NodeJS.Signals): void => resolveStop(signal);
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  return {
    stopped,
    release: () => {
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    },
  };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`);
  return port;
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`must be a number > 0, got "${value}"`);
  return n;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

interface DevFlags {
  port?: number;
  kubeconfig?: string;
  writeEnv?: string;
  data?: string;
  crds?: string[];
  registryPort?: number;
  speed: number;
}

/** Single-quotes a value for a POSIX shell. */
function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/** The `--write-env` text: KUBECONFIG and REGISTRY exported for a POSIX shell (pure). */
export function renderDevEnvFile(kubeconfigPath: string, registryHost: string): string {
  return [
    "# written by `payloadctl dev` while it runs (removed when it stops); load with: . ./FILE",
    `export KUBECONFIG=${shellQuote(kubeconfigPath)}`,
    `export REGISTRY=${shellQuote(registryHost)}`,
    "",
  ].join("\n");
}

/** The lines `payloadctl dev` prints once everything is up (pure). */
export function renderDevClusterBanner(
  cluster: { url: string; kubeconfigPath: string },
  registryHost: string,
  dataDir: string | undefined,
): string {
  return [
    `dev cluster:          ${cluster.url}${dataDir === undefined ? " (in memory)" : ` (objects and images kept in ${dataDir})`}`,
    `kubeconfig:           ${cluster.kubeconfigPath}`,
    `integrated registry:  ${registryHost} (plain HTTP; Builds and BuildRuns push here, ImageStreams point here)`,
    "simulated builds:     Builds, BuildRuns and image imports run and push images; Jobs run to completion",
    "",
    "Point kubectl at it:",
    `  export KUBECONFIG=${cluster.kubeconfigPath}`,
    "  kubectl get payloadbuilds -A",
    "",
    "Run the operator against it (another terminal, from this repository):",
    `  npx payloadctl operator --kubeconfig ${cluster.kubeconfigPath} --insecure-registry ${registryHost}`,
    "",
    "Push releases to the integrated registry (spec.release.to):",
    `  docker://${registryHost}/NAMESPACE/REPOSITORY`,
    "",
    "The Deployment of deploy/install.yaml is accepted but runs no pod here (there is no kubelet);",
    "the operator runs as the local process above instead.",
    "",
    "Press Ctrl-C to stop.",
    "",
  ].join("\n");
}

/** Builds the `dev` command. */
export function devCommand(deps: Partial<DevCommandDeps> = {}): Command {
  const io = deps.io ?? processIo;
  const start = deps.start ?? startDevCluster;
  const startRegistry = deps.startRegistry ?? startRegistryServer;
  return new Command("dev")
    .description(
      "Run the local cluster in the foreground: a kubectl-compatible API server with the payload CRDs, its integrated registry, simulated builds and Jobs",
    )
    .option("-p, --port <port>", "API server port on 127.0.0.1 (default: a free port)", parsePort)
    .option("--kubeconfig <file>", "where to write the kubeconfig (default: a temporary file)")
    .option(
      "--write-env <file>",
      "once up, write a shell file exporting KUBECONFIG and REGISTRY (load it with `. ./FILE`); removed on stop",
    )
    .option(
      "--data <dir>",
      "keep objects and images in this directory across restarts (default: memory only)",
    )
    .option(
      "--crds <path>",
      "CRD YAML file or directory to load (repeatable; default: the repository's crds/)",
      collect,
    )
    .option(
      "--registry-port <port>",
      "integrated registry port on 127.0.0.1 (default: a free port)",
      parsePort,
    )
    .option("--speed <n>", "divide the simulated build and Job durations by n", parseSpeed, 1)
    .action(async (flags: DevFlags) => {
      // Signals are caught from the start, so one arriving while starting still stops everything.
      const signals = waitForSignal();
      const stop = {
        stopped: (): Promise<string> => (deps.waitForStop ? deps.waitForStop() : signals.stopped),
        release: signals.release,
      };
      const root = packageRoot();
      const dataDir = flags.data === undefined ? undefined : resolve(flags.data);
      const scratch =
        dataDir === undefined ? await mkdtemp(join(tmpdir(), "payload-dev-registry-")) : undefined;
      const registry = await startRegistry({
        dir: dataDir === undefined ? (scratch ?? "") : join(dataDir, "registry"),
        ...(flags.registryPort === undefined ? {} : { port: flags.registryPort }),
      });
      const clusterOptions: DevClusterOptions = {
        crdDirs: (flags.crds ?? [join(root, "crds")]).map((p) => resolve(p)),
        addons: [
          registryAddon(registry),
          buildSystemAddon({
            registry,
            profile: join(root, "config/samples/simulation.yaml"),
            speed: flags.speed,
          }),
          jobRunnerAddon({ speed: flags.speed }),
        ],
      };
      if (flags.port !== undefined) clusterOptions.port = flags.port;
      if (flags.kubeconfig !== undefined) clusterOptions.kubeconfigPath = resolve(flags.kubeconfig);
      if (dataDir !== undefined) clusterOptions.dataDir = dataDir;
      let cluster: DevCluster;
      try {
        cluster = await start(clusterOptions);
      } catch (error) {
        await registry.stop();
        if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
        stop.release();
        throw error;
      }
      const envFile = flags.writeEnv === undefined ? undefined : resolve(flags.writeEnv);
      if (envFile !== undefined)
        await writeFile(envFile, renderDevEnvFile(cluster.kubeconfigPath, registry.host));
      io.stdout.write(renderDevClusterBanner(cluster, registry.host, dataDir));
      const reason = await stop.stopped();
      io.stdout.write(`stopping (${reason}) ...\n`);
      try {
        if (envFile !== undefined) await rm(envFile, { force: true });
        await cluster.stop();
        if (scratch !== undefined) await rm(scratch, { recursive: true, force: true });
      } finally {
        stop.release();
      }
      io.stdout.write(`dev cluster stopped (${reason})\n`);
    });
}
