/** `payloadctl plan -f FILE`: components, levels, critical path and lower bound, or a picture of the graph. */
import { Command, Option } from "commander";
import { planPayload, selectComponentsToStart } from "../payload-build/index.js";
import { collectList, type RegistryCliOptions } from "./assemble-command.js";
import { CliError, parsePositiveInt, processIo, type CliIo } from "./cli-io.js";
import { renderRebuildsJson, renderRebuildsText } from "./explain-rebuilds.js";
import { explainRebuildsFromFlags, type ExplainRebuildsFlags } from "./explain-rebuilds-sources.js";
import { loadValidPayload, readDurations } from "./load-payload.js";
import { renderPlanDot, renderPlanJson, renderPlanMermaid, renderPlanText } from "./plan-render.js";

interface PlanOptions extends RegistryCliOptions, ExplainRebuildsFlags {
  file: string;
  explainRebuilds?: boolean;
  concurrency?: number;
  output: "text" | "json" | "mermaid" | "dot";
  durations?: string;
}

/** Builds the `plan` command. */
export function planCommand(io: CliIo = processIo): Command {
  return new Command("plan")
    .description("Show a PayloadBuild's dependency levels, critical path and makespan lower bound")
    .requiredOption("-f, --file <file>", "PayloadBuild YAML or JSON ('-' for stdin)")
    .option("-c, --concurrency <n>", "build slots (default: spec.concurrency)", parsePositiveInt)
    .addOption(
      new Option("-o, --output <format>", "output format")
        .choices(["text", "json", "mermaid", "dot"])
        .default("text"),
    )
    .option("--durations <file>", "JSON object of component name to expected build seconds")
    .option(
      "--explain-rebuilds",
      "which components would be built and why (NoPreviousBuild, NewCommit, InputChanged: <input>, SpecChanged, Forced) and which reused from which PayloadBuild, against what the cluster records (the ImageStream of spec.imageStream: its registry repository's <component>-<key> tags), or the registry of --records; exit 1 naming each component whose ref, Secret or image cannot be resolved",
    )
    .option("--kubeconfig <file>", "kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    .option("--context <name>", "kubeconfig context (default: its current context)")
    .option(
      "-n, --namespace <ns>",
      "namespace of the PayloadBuild's ImageStream and git Secrets (default: metadata.namespace, else the context's)",
    )
    .option(
      "--records <repository>",
      "read the records from this registry repository instead of the cluster (docker://host/ns/imagestream); source.git.secret Secrets are then not read",
    )
    .option(
      "--git-netrc <file>",
      "git credentials by host for components whose Secret gives none (default: $NETRC, else ~/.netrc when it exists); GIT_USERNAME/GIT_PASSWORD in the environment take precedence, for every repository",
    )
    .option("--authfile <file>", "registry credentials (a dockerconfigjson / containers auth.json)")
    .option("--registry-ca <file>", "PEM CA bundle trusted for registries with a private CA")
    .option("--insecure-registry <host...>", "registries (host[:port]) reached over plain HTTP", collectList)
    .action(async (options: PlanOptions) => {
      const { payloadBuild, graph } = await loadValidPayload(options.file, io);
      if (options.explainRebuilds === true) {
        if (options.output !== "text" && options.output !== "json")
          throw new CliError("--explain-rebuilds prints -o text or -o json");
        const explanation = await explainRebuildsFromFlags(payloadBuild, graph, options, process.env);
        io.stdout.write(
          options.output === "json" ? renderRebuildsJson(explanation) : renderRebuildsText(explanation),
        );
        if (explanation.problems.length > 0)
          throw new CliError(`${explanation.problems.length} component(s) cannot be planned (see above)`);
        return;
      }
      const durations =
        options.durations === undefined ? undefined : await readDurations(options.durations, graph, io);
      const concurrency = options.concurrency ?? payloadBuild.spec.concurrency;
      const plan = planPayload(graph, concurrency, durations);
      const firstStarts = selectComponentsToStart({
        graph,
        landed: new Set(),
        building: new Set(),
        freeSlots: concurrency,
        ...(durations ? { durations } : {}),
      });
      const name = payloadBuild.metadata.name ?? "(unnamed)";
      const render = {
        text: () => renderPlanText(name, plan, firstStarts),
        json: () => renderPlanJson(name, plan, firstStarts),
        mermaid: () => renderPlanMermaid(graph, plan),
        dot: () => renderPlanDot(graph, plan),
      }[options.output];
      io.stdout.write(render());
    });
}
