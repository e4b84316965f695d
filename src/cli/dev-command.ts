/**
 * `payloadctl dev [--port N] [--kubeconfig FILE] [--data DIR] [--crds PATH...]`: runs the dev
 * cluster in the foreground, writes a kubeconfig, prints how to point kubectl at it, and stops
 * cleanly on Ctrl-C (SIGINT) or SIGTERM.
 */
import { resolve } from "node:path";
import { Command, InvalidArgumentError } from "commander";
import { startDevCluster, type DevCluster, type DevClusterOptions } from "../devcluster/dev-cluster.js";
import { processIo, type CliIo } from "./cli-io.js";

/** What the command needs from its surroundings; tests pass their own. */
export interface DevCommandDeps {
  io: CliIo;
  start: (options: DevClusterOptions) => Promise<DevCluster>;
  /** Resolves when the cluster should stop (default: SIGINT or SIGTERM), with the reason. */
  waitForStop: () => Promise<string>;
}

function waitForSignal(): Promise<string> {
  return new Promise((done) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      done(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`expected a port number 0-65535, got "${value}"`);
  return port;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Builds the `dev` command. */
export function devCommand(deps: Partial<DevCommandDeps> = {}): Command {
  const io = deps.io ?? processIo;
  const start = deps.start ?? startDevCluster;
  const waitForStop = deps.waitForStop ?? waitForSignal;
  return new Command("dev")
    .description("Run a local dev Kubernetes API server (kubectl-compatible) with the payload CRDs")
    .option("-p, --port <port>", "port on 127.0.0.1 (default: a free port)", parsePort)
    .option("--kubeconfig <file>", "where to write the kubeconfig (default: a temporary file)")
    .option("--data <dir>", "keep objects in this directory across restarts (default: memory only)")
    .option(
      "--crds <path>",
      "CRD YAML file or directory to load (repeatable; default: the repository's crds/)",
      collect,
    )
    .action(async (options: { port?: number; kubeconfig?: string; data?: string; crds?: string[] }) => {
      const clusterOptions: DevClusterOptions = {};
      if (options.port !== undefined) clusterOptions.port = options.port;
      if (options.kubeconfig !== undefined) clusterOptions.kubeconfigPath = resolve(options.kubeconfig);
      if (options.data !== undefined) clusterOptions.dataDir = resolve(options.data);
      if (options.crds !== undefined) clusterOptions.crdDirs = options.crds.map((p) => resolve(p));
      const cluster = await start(clusterOptions);
      io.stdout.write(
        [
          `dev cluster listening on ${cluster.url}${options.data === undefined ? " (in memory)" : ` (data in ${clusterOptions.dataDir ?? ""})`}`,
          `kubeconfig: ${cluster.kubeconfigPath}`,
          "",
          "Point kubectl at it:",
          `  export KUBECONFIG=${cluster.kubeconfigPath}`,
          "  kubectl get payloadbuilds -A",
          "",
          "Press Ctrl-C to stop.",
          "",
        ].join("\n"),
      );
      const reason = await waitForStop();
      await cluster.stop();
      io.stdout.write(`dev cluster stopped (${reason})\n`);
    });
}
