/**
 * `payloadctl operator`: runs the operator against the current kubeconfig (the container's
 * entry point). Logs are JSON lines on stdout; SIGTERM/SIGINT stop it gracefully (exit 0);
 * losing the leader Lease exits 1.
 */
import { Command, InvalidArgumentError } from "commander";
import { OKD_PAYLOAD_STRATEGY, type ShipwrightStrategyRef } from "../builds/build-backend.js";
import { startOperator, type OperatorConfig } from "../main.js";
import { DEFAULT_INTEGRATED_REGISTRY } from "../payload-build/integrated-registry.js";
import { collectList } from "./assemble-command.js";

/** Parsed flags of `payloadctl operator`. */
interface OperatorFlags {
  kubeconfig?: string;
  namespace?: string;
  metricsAddr: string;
  webAddr?: string;
  webGitHosts?: string[];
  leaderElect?: boolean;
  leaderElectionNamespace?: string;
  insecureRegistry?: string[];
  registryCa?: string;
  /** `--no-release-read-ahead` sets false. */
  releaseReadAhead?: boolean;
  serviceCa?: string;
  integratedRegistry?: string[];
  logLevel: string;
  statusInterval?: number;
  reconcileDebounce?: number;
  buildRetryDelay?: number;
  verifyRetryDelay?: number;
  buildPushSecret?: string;
  buildServiceAccount?: string;
  shipwrightStrategy?: ShipwrightStrategyRef;
  shipwrightServiceAccount?: string;
}

/** Parses `--shipwright-strategy`: `ClusterBuildStrategy/NAME`, `BuildStrategy/NAME`, or `NAME` (cluster). */
export function parseShipwrightStrategy(value: string): ShipwrightStrategyRef {
  const slash = value.indexOf("/");
  const kind = slash < 0 ? "ClusterBuildStrategy" : value.slice(0, slash);
  const name = slash < 0 ? value : value.slice(slash + 1);
  if (
    (kind !== "ClusterBuildStrategy" && kind !== "BuildStrategy") ||
    !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)
  ) {
    throw new InvalidArgumentError(
      `"${value}" must be ClusterBuildStrategy/NAME or BuildStrategy/NAME (e.g. ${OKD_PAYLOAD_STRATEGY.kind}/${OKD_PAYLOAD_STRATEGY.name})`,
    );
  }
  return { kind, name };
}

/** Parses `HOST:PORT` (`:8080` means all interfaces; `0` as port picks a free one; `off` disables). */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
  if (value === "off" || value === "") return undefined;
  const colon = value.lastIndexOf(":");
  const host = colon <= 0 ? "0.0.0.0" : value.slice(0, colon).replace(/^\[(.*)\]$/, "$1");
  const port = Number(colon < 0 ? value : value.slice(colon + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`"${value}" must be HOST:PORT (e.g. 127.0.0.1:8080, :8080) or "off"`);
  }
  return { host, port };
}

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

/** The environment variables `payloadctl operator` reads (a flag wins over its variable). */
export const OPERATOR_ENVIRONMENT: readonly { readonly name: string; readonly description: string }[] = [
  {
    name: "WATCH_NAMESPACE",
    description:
      "the one namespace to watch, as --namespace; empty or unset: all namespaces (the Deployment sets it; config/namespaced to the pod's namespace)",
  },
  {
    name: "POD_NAMESPACE",
    description:
      "the namespace the operator runs in, where its leader election Lease lives, as --leader-election-namespace",
  },
  {
    name: "KUBECONFIG",
    description: "kubeconfig file when --kubeconfig is not given (else ~/.kube/config or in-cluster)",
  },
];

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * The namespace to watch from `--namespace` or else `WATCH_NAMESPACE`: `undefined` (all namespaces)
 * when neither is set or the value is empty. Throws naming the source for anything but one
 * namespace name (OLM's comma-separated `olm.targetNamespaces` of several namespaces included).
 */
export function watchNamespaceOf(flag: string | undefined, variable: string | undefined): string | undefined {
  const source = flag !== undefined ? "--namespace" : "WATCH_NAMESPACE";
  const value = (flag ?? variable ?? "").trim();
  if (value === "") return undefined;
  if (value.includes(",")) {
    throw new InvalidArgumentError(
      `${source} "${value}": the operator watches one namespace or all of them (empty); install it once per namespace, or cluster-wide`,
    );
  }
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new InvalidArgumentError(
      `${source} "${value}": must be a namespace name (lowercase DNS label, at most 63 characters)`,
    );
  }
  return value;
}

/**
 * The operator configuration, parsed once from the flags and the environment
 * ({@link OPERATOR_ENVIRONMENT}; a flag wins over its variable). Throws an
 * `InvalidArgumentError` naming the flag or variable for a bad value.
 */
export function operatorConfigFromFlags(
  flags: OperatorFlags,
  env: Readonly<Record<string, string | undefined>> = {},
): OperatorConfig {
  const namespace = watchNamespaceOf(flags.namespace, env["WATCH_NAMESPACE"]);
  const podNamespace = env["POD_NAMESPACE"]?.trim() || undefined;
  const leaderElectionNamespace = flags.leaderElectionNamespace ?? podNamespace;
  if (!LOG_LEVELS.includes(flags.logLevel)) {
    throw new InvalidArgumentError(`--log-level ${flags.logLevel}: must be one of ${LOG_LEVELS.join(", ")}`);
  }
  const metrics = parseListenAddress(flags.metricsAddr);
  const web = flags.webAddr === undefined ? undefined : parseListenAddress(flags.webAddr);
  const buildSettings = {
    ...(flags.buildPushSecret === undefined ? {} : { pushSecret: flags.buildPushSecret }),
    ...(flags.buildServiceAccount === undefined ? {} : { serviceAccount: flags.buildServiceAccount }),
    ...(flags.shipwrightStrategy === undefined ? {} : { shipwrightStrategy: flags.shipwrightStrategy }),
    ...(flags.shipwrightServiceAccount === undefined
      ? {}
      : { shipwrightServiceAccount: flags.shipwrightServiceAccount }),
  };
  return {
    ...(flags.kubeconfig === undefined ? {} : { kubeconfig: flags.kubeconfig }),
    ...(namespace === undefined ? {} : { namespace }),
    ...(metrics === undefined ? {} : { metrics }),
    ...(web === undefined ? {} : { web }),
    ...(flags.webGitHosts === undefined ? {} : { webGitHosts: webGitHostsOf(flags.webGitHosts) }),
    leaderElect: flags.leaderElect === true,
    ...(leaderElectionNamespace === undefined ? {} : { leaderElectionNamespace }),
    insecureRegistries: flags.insecureRegistry ?? [],
    ...(flags.registryCa === undefined ? {} : { registryCaFile: flags.registryCa }),
    ...(flags.releaseReadAhead === false ? { releaseReadAhead: false } : {}),
    ...(flags.serviceCa === undefined ? {} : { serviceCaFile: flags.serviceCa }),
    ...(flags.integratedRegistry === undefined ? {} : { integratedRegistries: flags.integratedRegistry }),
    logLevel: flags.logLevel,
    ...(flags.statusInterval === undefined ? {} : { statusMinIntervalMs: flags.statusInterval }),
    ...(flags.reconcileDebounce === undefined ? {} : { reconcileDebounceMs: flags.reconcileDebounce }),
    ...(flags.buildRetryDelay === undefined
      ? {}
      : { buildRetryDelayMs: Math.round(flags.buildRetryDelay * 1000) }),
    ...(flags.verifyRetryDelay === undefined
      ? {}
      : { verifyRetryDelayMs: Math.round(flags.verifyRetryDelay * 1000) }),
    buildSettings,
  };
}

/** `--web-git-hosts`: `none` alone turns commit listing off; otherwise the hosts, each checked. */
function webGitHostsOf(values: readonly string[]): string[] {
  if (values.length === 1 && values[0] === "none") return [];
  for (const host of values) {
    if (!/^[A-Za-z0-9.-]+(:[0-9]{1,5})?$/.test(host)) {
      throw new InvalidArgumentError(
        `--web-git-hosts "${host}": must be a host or host:port (e.g. github.com), or "none" alone`,
      );
    }
  }
  return [...values];
}

function parseNonNegativeInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError("must be an integer >= 0");
  return n;
}

function parsePositiveSeconds(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError("must be a number of seconds > 0");
  return n;
}

/** Builds the `operator` command. */
export function operatorCommand(): Command {
  return new Command("operator")
    .description("Run the PayloadBuild operator against the current kubeconfig (until SIGTERM)")
    .addHelpText(
      "after",
      `\nEnvironment (a flag wins over its variable):\n${OPERATOR_ENVIRONMENT.map((v) => `  ${v.name.padEnd(16)} ${v.description}`).join("\n")}\n`,
    )
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or in-cluster)")
    .option(
      "-n, --namespace <ns>",
      "watch only this namespace (default: $WATCH_NAMESPACE; empty or unset: all namespaces)",
    )
    .option(
      "--metrics-addr <host:port>",
      'serve /healthz, /readyz and /metrics here (":8080" for all interfaces, port 0 for a free one, "off")',
      "127.0.0.1:8080",
    )
    .option(
      "--web-addr <host:port>",
      "serve the read-only web UI (release streams, releases, live build view) and its release-controller-compatible JSON API here (port 0 for a free one; default: off)",
    )
    .option(
      "--web-git-hosts <host...>",
      "hosts the web UI's changelog may fetch commits from over git smart HTTP, named by images' source-location labels (repeatable; \"none\": list no commits; default: any host)",
      collectList,
    )
    .option("--leader-elect", "run controllers only while holding the payload-operator Lease")
    .option(
      "--leader-election-namespace <ns>",
      "namespace of the Lease (default: $POD_NAMESPACE, --namespace, the pod's, or default)",
    )
    .option(
      "--insecure-registry <host...>",
      "registries (host[:port]) reached over plain HTTP when assembling releases (repeatable)",
      collectList,
    )
    .option("--registry-ca <file>", "PEM CA certificates trusted for registries, besides the system ones")
    .option(
      "--no-release-read-ahead",
      "do not read a release's components while the others still build (by default each landed component's config and operator manifests are read then, so the release assembly after the last build reads little more than the manifests)",
    )
    .option(
      "--service-ca <file>",
      "the service CA bundle, trusted for the integrated registry (default: the pod's service-ca.crt that OpenShift mounts, if any)",
    )
    .option(
      "--integrated-registry <host...>",
      `integrated registry hosts (host[:port]) besides those ImageStreams name, read with the operator's own token (repeatable; default ${DEFAULT_INTEGRATED_REGISTRY})`,
      collectList,
    )
    .option("--log-level <level>", `log level: ${LOG_LEVELS.join(", ")}`, "info")
    .option(
      "--status-interval <ms>",
      "shortest time between two progress-only status writes of one PayloadBuild (default 2000)",
      parseNonNegativeInt,
    )
    .option(
      "--reconcile-debounce <ms>",
      "quiet time after the latest event before a PayloadBuild is reconciled, at most 5x this after the first (default 200; 0: off)",
      parseNonNegativeInt,
    )
    .option(
      "--build-retry-delay <seconds>",
      "first delay before retrying a failed build, doubling up to 5 minutes (default 10; decimals allowed)",
      parsePositiveSeconds,
    )
    .option(
      "--verify-retry-delay <seconds>",
      "first delay before retrying a failed verification Job, doubling up to 15 minutes (default 60)",
      parsePositiveSeconds,
    )
    .option("--build-push-secret <name>", "Secret the Builds/BuildRuns push with")
    .option(
      "--build-service-account <name>",
      "service account OpenShift Builds run as (default: OpenShift's builder)",
    )
    .option(
      "--shipwright-strategy <kind/name>",
      `Shipwright build strategy of BuildRuns (default ${OKD_PAYLOAD_STRATEGY.kind}/${OKD_PAYLOAD_STRATEGY.name}, deploy/shipwright/okd-payload-buildah.yaml)`,
      parseShipwrightStrategy,
    )
    .option(
      "--shipwright-service-account <name>",
      "service account Shipwright BuildRuns run as; it must push to the ImageStreams (default: Shipwright's pipeline, else default)",
    )
    .action(async (flags: OperatorFlags) => {
      const operator = await startOperator(operatorConfigFromFlags(flags, process.env));
      operator.manager.stopOnSignals();
    });
}
