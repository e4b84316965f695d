/**
 * `payloadctl simulate -f FILE --concurrency N`: virtual-time build of the payload with the real
 * scheduler (or the level-by-level batch baseline), compared with the makespan lower bound.
 */
import { Command, Option } from "commander";
import {
  SEEDED_DURATION_MODEL,
  SIMULATION_POLICIES,
  seededDurations,
  simulateBuild,
  type SimulationPolicy,
  type SimulationResult,
} from "../payload-build/index.js";
import type { PayloadBuild } from "../api/index.js";
import { CliError, parseInteger, parsePositiveInt, processIo, type CliIo } from "./cli-io.js";
import { loadValidPayload, readDurations } from "./load-payload.js";

interface SimulateOptions {
  file: string;
  concurrency?: number;
  durations?: string;
  seed?: number;
  policy: SimulationPolicy;
  output: "text" | "json";
}

/** Names of the components taken as prebuilt images. */
function prebuiltComponents(payloadBuild: PayloadBuild): Set<string> {
  return new Set(payloadBuild.spec.components.filter((c) => c.image !== undefined).map((c) => c.name));
}

function formatSeconds(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}m ${String(s % 60).padStart(2, "0")}s (${s}s)`;
}

function textReport(result: SimulationResult, baseline: SimulationResult | undefined, model: string): string {
  const lines = [
    `${result.components} components, concurrency ${result.concurrency}, durations: ${model}`,
    `policy ${result.policy}: makespan ${formatSeconds(result.makespanSeconds)}, ${result.ratio.toFixed(3)} x lower bound`,
  ];
  if (baseline) {
    lines.push(
      `policy ${baseline.policy}: makespan ${formatSeconds(baseline.makespanSeconds)}, ${baseline.ratio.toFixed(3)} x lower bound`,
    );
  }
  lines.push(
    `lower bound ${formatSeconds(result.lowerBoundSeconds)}; critical path ${formatSeconds(result.criticalPathSeconds)}; total work ${formatSeconds(result.totalWorkSeconds)}`,
    `most builds at once: ${result.maxConcurrent}`,
  );
  return `${lines.join("\n")}\n`;
}

/** Builds the `simulate` command. */
export function simulateCommand(io: CliIo = processIo): Command {
  return new Command("simulate")
    .description(
      "Simulate building a PayloadBuild at a concurrency and compare with the makespan lower bound",
    )
    .requiredOption("-f, --file <file>", "PayloadBuild YAML or JSON ('-' for stdin)")
    .option("-c, --concurrency <n>", "build slots (default: spec.concurrency)", parsePositiveInt)
    .option("--durations <file>", "JSON object of component name to build seconds")
    .option(
      "--seed <s>",
      `seed of the log-normal duration model (median ${SEEDED_DURATION_MODEL.medianSeconds}s; default 1)`,
      parseInteger,
    )
    .addOption(
      new Option("--policy <policy>", "scheduling policy")
        .choices([...SIMULATION_POLICIES])
        .default("critical-path"),
    )
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .action(async (options: SimulateOptions) => {
      if (options.durations !== undefined && options.seed !== undefined) {
        throw new CliError("--durations and --seed are mutually exclusive");
      }
      const { payloadBuild, graph } = await loadValidPayload(options.file, io);
      const seed = options.seed ?? 1;
      const durations =
        options.durations === undefined
          ? seededDurations(graph, seed, prebuiltComponents(payloadBuild))
          : await readDurations(options.durations, graph, io);
      const model = options.durations === undefined ? `seeded log-normal, seed ${seed}` : options.durations;
      const concurrency = options.concurrency ?? payloadBuild.spec.concurrency;
      const result = simulateBuild({ graph, durations, concurrency, policy: options.policy });
      if (options.output === "json") {
        io.stdout.write(`${JSON.stringify({ durationModel: model, ...result }, null, 2)}\n`);
        return;
      }
      const baseline =
        options.policy === "critical-path"
          ? simulateBuild({ graph, durations, concurrency, policy: "levels" })
          : undefined;
      io.stdout.write(textReport(result, baseline, model));
    });
}
