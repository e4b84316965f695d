/** Loads a PayloadBuild file for the commands that plan or simulate it: parse, validate, graph. */
import type { PayloadBuild } from "../api/index.js";
import { validatePayloadBuild, type ComponentGraph } from "../payload-build/index.js";
import {
  CliError,
  formatFileProblems,
  readDocuments,
  readPayloadBuildDocument,
  type CliIo,
} from "./cli-io.js";
import { z } from "zod";

/** A valid PayloadBuild read from a file. */
export interface LoadedPayload {
  readonly origin: string;
  readonly payloadBuild: PayloadBuild;
  readonly graph: ComponentGraph;
}

/**
 * Reads and validates the PayloadBuild in `file`. Every problem is written to stderr and a
 * CliError is thrown when there is any.
 */
export async function loadValidPayload(file: string, io: CliIo): Promise<LoadedPayload> {
  const doc = await readPayloadBuildDocument(file, io);
  const result = validatePayloadBuild(doc.value);
  if (!result.ok) {
    io.stderr.write(formatFileProblems(doc.origin, result.problems));
    throw new CliError(
      `${doc.origin}: ${result.problems.length} problem(s); fix them first (payloadctl validate -f ${file})`,
    );
  }
  return { origin: doc.origin, ...result.value };
}

const DurationsSchema = z.record(z.string(), z.number().nonnegative().finite());

/**
 * Reads a durations file: a JSON (or YAML) object mapping component name to seconds. Every
 * component of `graph` must have one; names not in the graph are reported as an error too, since
 * they are usually typos.
 */
export async function readDurations(
  file: string,
  graph: ComponentGraph,
  io: CliIo,
): Promise<Map<string, number>> {
  const [doc, ...rest] = await readDocuments(file, io);
  if (doc === undefined || rest.length > 0)
    throw new CliError(`${file}: expected one JSON object of component name to seconds`);
  const parsed = DurationsSchema.safeParse(doc.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      `${file}: ${issue?.path.join(".") ?? ""}: durations must map component names to non-negative seconds (${issue?.message ?? ""})`,
    );
  }
  const durations = new Map(Object.entries(parsed.data));
  const missing = graph.names.filter((name) => !durations.has(name));
  const unknown = [...durations.keys()].filter((name) => !graph.indexOf.has(name));
  const list = (names: string[]): string =>
    `${names.slice(0, 10).join(", ")}${names.length > 10 ? ` and ${names.length - 10} more` : ""}`;
  if (missing.length > 0)
    throw new CliError(`${file}: no duration for ${missing.length} component(s): ${list(missing)}`);
  if (unknown.length > 0) throw new CliError(`${file}: durations for unknown component(s): ${list(unknown)}`);
  return durations;
}
