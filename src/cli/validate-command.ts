/** `payloadctl validate -f FILE`: exit 0 when every document is valid, else exit 1 listing every problem. */
import { Command } from "commander";
import { parseReleaseStream, type Problem } from "../api/index.js";
import { validatePayloadBuild, validatePayloadSpec } from "../payload-build/index.js";
import { CliError, formatFileProblems, kindOf, processIo, readDocuments, type CliIo } from "./cli-io.js";

/** Problems of one document, and a one-line summary when it is valid. */
function validateDocument(value: unknown): { problems: Problem[]; summary: string } {
  const kind = kindOf(value);
  if (kind === "PayloadBuild") {
    const result = validatePayloadBuild(value);
    if (!result.ok) return { problems: [...result.problems], summary: "" };
    const { payloadBuild, graph } = result.value;
    return {
      problems: [],
      summary: `PayloadBuild ${payloadBuild.metadata.name ?? ""} is valid (${graph.names.length} components)`,
    };
  }
  if (kind === "ReleaseStream") {
    const parsed = parseReleaseStream(value);
    if (!parsed.ok) return { problems: [...parsed.problems], summary: "" };
    const template = parsed.value.spec.source.payloadBuild;
    const problems = template
      ? validatePayloadSpec(template.spec).problems.map((p) => ({
          path: p.path.replace(/^spec/, "spec.source.payloadBuild.spec"),
          message: p.message,
        }))
      : [];
    return { problems, summary: `ReleaseStream ${parsed.value.metadata.name ?? ""} is valid` };
  }
  return {
    problems: [
      {
        path: "kind",
        message: `${kind === undefined ? "no kind" : `kind ${kind}`}: validate checks PayloadBuild and ReleaseStream objects (apiVersion payload.okd.io/v1alpha1)`,
      },
    ],
    summary: "",
  };
}

/** Builds the `validate` command. */
export function validateCommand(io: CliIo = processIo): Command {
  return new Command("validate")
    .description("Check PayloadBuild and ReleaseStream files: schema, references, pullspecs, cycles")
    .requiredOption("-f, --file <file>", "YAML or JSON file, one or more documents ('-' for stdin)")
    .action(async (options: { file: string }) => {
      const documents = await readDocuments(options.file, io);
      if (documents.length === 0) throw new CliError(`${options.file}: the file holds no documents`);
      let total = 0;
      for (const doc of documents) {
        const { problems, summary } = validateDocument(doc.value);
        total += problems.length;
        if (problems.length > 0) io.stderr.write(formatFileProblems(doc.origin, problems));
        else io.stdout.write(`${doc.origin}: ${summary}\n`);
      }
      if (total > 0) {
        io.stderr.write(`${total} problem${total === 1 ? "" : "s"} found\n`);
        io.setExitCode(1);
      }
    });
}
