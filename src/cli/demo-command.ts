/**
 * `payloadctl demo [--to docker://...] [--oci-dir DIR] [--speed N] [--insecure-registry HOST] [--control-plane dev|real] [--keep] [--architectures amd64,arm64]`
 * (`npm run demo`): a full payload build on an embedded cluster in about a minute (see `runDemo`).
 * Every flag is checked before anything starts. Ctrl-C stops everything it started; with `--keep`
 * everything stays up after the release until Ctrl-C. A failure exits 1 with what went wrong.
 */
import { Command, InvalidArgumentError } from "commander";
import { ARCHITECTURES } from "../api/index.js";
import { packageRoot } from "../demo/package-root.js";
import { DEMO_CONTROL_PLANES, type DemoControlPlane } from "../demo/demo-planes.js";
import { DemoError, runDemo } from "../demo/run-demo.js";
import { renderReleaseInfoText } from "./release-info-command.js";
import { parseImageReference } from "../registry/index.js";
import { collectList } from "./assemble-command.js";
import { CliError } from "./cli-io.js";

interface DemoFlags {
  to?: string;
  ociDir: string;
  speed: number;
  insecureRegistry?: string[];
  timeout: number;
  controlPlane: DemoControlPlane;
  keep?: boolean;
  architectures?: string[];
}

/** `--architectures amd64,arm64`: OKD's architectures, each once. */
export function parseDemoArchitectures(value: string): string[] {
  const list = value.split(",").map((a) => a.trim());
  const unknown = list.filter((a) => !(ARCHITECTURES as readonly string[]).includes(a));
  if (unknown.length > 0 || list.length === 0 || new Set(list).size !== list.length) {
    throw new InvalidArgumentError(
      `give distinct architectures from ${ARCHITECTURES.join(", ")}, comma-separated (e.g. amd64,arm64)${unknown.length > 0 ? `; unknown: ${unknown.join(", ")}` : ""}`,
    );
  }
  return list;
}

/** `--to`: a `docker://REGISTRY/REPOSITORY[:TAG]` the release can be pushed to, checked up front. */
export function parseDemoDestination(value: string): string {
  const rest = value.replace(/^[a-z-]+:(\/\/)?/, "");
  // quay.io/me/release (a registry host first) keeps its path; oci:/tmp/x and the like get a sample.
  const example = `docker://${/^[a-z0-9.-]+(:\d+)?\/[^/]/i.test(rest) && rest.split("/")[0]?.includes(".") === true ? rest : "quay.io/me/okd-release"}`;
  if (!value.startsWith("docker://"))
    throw new InvalidArgumentError(`must be docker://REGISTRY/REPOSITORY[:TAG], e.g. ${example}`);
  try {
    const ref = parseImageReference(value);
    if (ref.transport === "docker" && ref.digest !== undefined)
      throw new InvalidArgumentError(
        "must not name a digest: the release's digest is only known once pushed",
      );
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    throw new InvalidArgumentError(error instanceof Error ? error.message : String(error));
  }
  return value;
}

function parseControlPlane(value: string): DemoControlPlane {
  const plane = DEMO_CONTROL_PLANES.find((p) => p === value);
  if (plane === undefined) throw new InvalidArgumentError(`must be one of ${DEMO_CONTROL_PLANES.join(", ")}`);
  return plane;
}

function parseSpeed(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a number > 0");
  return n;
}

/** How this very process runs payloadctl (the same node, loader flags and entry script). */
function currentPayloadctl(): string[] {
  const script = process.argv[1];
  if (script === undefined) throw new CliError("cannot tell how payloadctl was started (no argv[1])");
  return [process.execPath, ...process.execArgv, script];
}

/** Builds the `demo` command. */
export function demoCommand(): Command {
  return new Command("demo")
    .description(
      "Build the sample payload end to end on an embedded dev cluster (operator, simulated builds, release)",
    )
    .option(
      "--to <docker://registry/repo>",
      "push the release here (default: the dev cluster's registry)",
      parseDemoDestination,
    )
    .option("--oci-dir <dir>", "copy the release into this OCI layout directory", ".demo/release-oci")
    .option("--speed <n>", "divide the simulated build durations by n", parseSpeed, 1)
    .option(
      "--insecure-registry <host...>",
      "registries (host[:port]) reached over plain HTTP, for --to (repeatable)",
      collectList,
    )
    .option("--timeout <seconds>", "give up after this long", parseSpeed, 300)
    .option(
      "--control-plane <dev|real>",
      "dev: the embedded dev cluster; real: etcd + kube-apiserver + kube-controller-manager built from upstream (needs Go)",
      parseControlPlane,
      "dev",
    )
    .option(
      "--architectures <list>",
      "build the sample for these architectures (e.g. amd64,arm64: per-architecture builds, image indexes and a multi-arch release)",
      parseDemoArchitectures,
    )
    .option(
      "--keep",
      "leave the cluster, registry, builds and operator running after the release; Ctrl-C stops them",
    )
    .action(async (flags: DemoFlags) => {
      const abort = new AbortController();
      // Installed until the end, so a second Ctrl-C (or a relayed copy) cannot kill the process
      // half way through stopping what it started.
      const onSignal = (): void => abort.abort();
      process.on("SIGINT", onSignal);
      process.on("SIGTERM", onSignal);
      try {
        const result = await runDemo(
          {
            ...(flags.to === undefined ? {} : { to: flags.to }),
            ociDir: flags.ociDir,
            speed: flags.speed,
            insecureRegistries: flags.insecureRegistry ?? [],
            timeoutMs: flags.timeout * 1000,
            controlPlane: flags.controlPlane,
            keep: flags.keep === true,
            ...(flags.architectures === undefined ? {} : { architectures: flags.architectures }),
          },
          { out: process.stdout, payloadctl: currentPayloadctl(), root: packageRoot(), signal: abort.signal },
        );
        process.stdout.write(renderReleaseInfoText(result.info));
        process.stdout.write(
          [
            "",
            "Read it again any time:",
            `  npm run payloadctl -- release-info ${result.ociReference}`,
            `  skopeo inspect ${result.ociReference}`,
            "",
          ].join("\n"),
        );
        if (result.kept !== undefined) {
          process.stdout.write(`${result.kept.lookLines.join("\n")}\n`);
          if (!abort.signal.aborted)
            await new Promise((done) => abort.signal.addEventListener("abort", done, { once: true }));
          process.stdout.write("stopping the operator, builds, cluster and registry ...\n");
          await result.kept.stop();
          process.stdout.write("stopped\n");
        }
      } catch (error) {
        if (error instanceof DemoError) throw new CliError(`demo failed: ${error.message}`);
        throw error;
      } finally {
        process.off("SIGINT", onSignal);
        process.off("SIGTERM", onSignal);
      }
    });
}
