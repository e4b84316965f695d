/** `payloadctl plan -f FILE`: components, levels, critical path and lower bound, or a picture of the graph. */
import { Command, Option } from "commander";
import { planPayload, selectComponentsToStart } from "../payload-build/index.js";
import { parsePositiveInt, processIo, type CliIo } from "./cli-io.js";
import { loadValidPayload, readDurations } from "./load-payload.js";
import { renderPlanDot, renderPlanJson, renderPlanMermaid, renderPlanText } from "./plan-render.js";

interface PlanOptions {
  file: string;
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
    .action(async (options: PlanOptions) => {
      const { payloadBuild, graph } = await loadValidPayload(options.file, io);
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
