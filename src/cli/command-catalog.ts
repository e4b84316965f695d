/**
 * The `payloadctl` subcommands as `--help` lists them, with a loader for each. A command's module (and
 * what it imports: the Kubernetes client, the registry client, zod schemas, YAML) is imported only when
 * that command runs, so `payloadctl assemble` does not load the operator and `payloadctl --help`
 * loads none of them (was ~2 s of start-up for every command). `test/unit/cli/command-catalog.test.ts`
 * holds each entry's `usage` and `description` to the loaded command's own.
 */
import type { Command } from "commander";
import { loadDevOnlyCommands } from "./dev-only-commands.js";

/** One subcommand: what the top-level help shows, and how to get the real command. */
export interface CommandEntry {
  readonly name: string;
  /** What follows the name in the command list: `[options]`, `[options] <image>`... */
  readonly usage: string;
  /** The command's description, as its own module sets it. */
  readonly description: string;
  /** Imports the command's module and builds the command. */
  readonly load: () => Promise<Command>;
}

async function devOnlyCommand(name: string): Promise<Command> {
  const command = (await loadDevOnlyCommands()).find((c) => c.name() === name);
  if (command === undefined) throw new Error(`no dev-only command "${name}"`);
  return command;
}

/** Every subcommand, in the order `payloadctl --help` lists them. */
export const COMMAND_CATALOG: readonly CommandEntry[] = [
  {
    name: "validate",
    usage: "[options]",
    description: "Check PayloadBuild and ReleaseStream files: schema, references, pullspecs, cycles",
    load: async () => (await import("./validate-command.js")).validateCommand(),
  },
  {
    name: "plan",
    usage: "[options]",
    description: "Show a PayloadBuild's dependency levels, critical path and makespan lower bound",
    load: async () => (await import("./plan-command.js")).planCommand(),
  },
  {
    name: "simulate",
    usage: "[options]",
    description:
      "Simulate building a PayloadBuild at a concurrency and compare with the makespan lower bound",
    load: async () => (await import("./simulate-command.js")).simulateCommand(),
  },
  {
    name: "import-buildconfigs",
    usage: "[options] [file]",
    description:
      "Convert OpenShift BuildConfigs (e.g. kubectl kustomize okd-payload-pipeline/buildconfigs) into a PayloadBuild",
    load: async () => (await import("./import-buildconfigs-command.js")).importBuildConfigsCommand(),
  },
  {
    name: "assemble",
    usage: "[options]",
    description:
      "Assemble a release image (CVO image + release-manifests layer) like `oc adm release new`, and push it",
    load: async () => (await import("./assemble-command.js")).assembleCommand(),
  },
  {
    name: "release-info",
    usage: "[options] <image>",
    description: "Show a release image's name, digest, created time, metadata, component versions and images",
    load: async () => (await import("./release-info-command.js")).releaseInfoCommand(),
  },
  {
    name: "operator",
    usage: "[options]",
    description: "Run the PayloadBuild operator against the current kubeconfig (until SIGTERM)",
    load: async () => (await import("./operator-command.js")).operatorCommand(),
  },
  {
    name: "status",
    usage: "[options] <name>",
    description: "Show a PayloadBuild's progress: phase, counts, failing components, the release",
    load: async () => (await import("./status-command.js")).statusCommand(),
  },
  {
    name: "releases",
    usage: "[options] <stream>",
    description: "List a ReleaseStream's releases: name, phase, age, digest, verification results",
    load: async () => (await import("./releases-command.js")).releasesCommand(),
  },
  {
    name: "dev",
    usage: "[options]",
    description:
      "Run the local cluster in the foreground: a kubectl-compatible API server with the payload CRDs, its integrated registry, simulated builds and Jobs",
    load: () => devOnlyCommand("dev"),
  },
  {
    name: "demo",
    usage: "[options]",
    description:
      "Build the sample payload end to end on an embedded dev cluster (operator, simulated builds, release)",
    load: () => devOnlyCommand("demo"),
  },
];

/**
 * The subcommand `argv` (as `process.argv`: node, script, args...) runs, also through `help NAME`;
 * `undefined` for top-level `--help`, `--version`, no arguments, or a name that is not a command.
 */
export function requestedCommand(argv: readonly string[]): CommandEntry | undefined {
  const words = argv.slice(2).filter((word) => !word.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return COMMAND_CATALOG.find((entry) => entry.name === name);
}
