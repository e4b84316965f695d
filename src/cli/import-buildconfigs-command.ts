/**
 * `payloadctl import-buildconfigs [FILE|-] [--namespace NS] [--release-name NAME --to DEST]`: turn
 * okd-payload-pipeline BuildConfigs into a PayloadBuild (YAML on stdout). With the namespace and the
 * release, the document applies as is (`| kubectl apply -f -`). References nothing produces are
 * reported on stderr and marked in the output with a comment saying how to fix them.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { Document, isNode } from "yaml";
import { RELEASE_DESTINATION_PATTERN, RELEASE_NAME_PATTERN } from "../api/index.js";
import { applySuggestedFixes, importBuildConfigs, type BuildConfigImport } from "../payload-build/index.js";
import { CliError, processIo, readDocuments, type CliIo } from "./cli-io.js";

interface ImportOptions {
  name?: string;
  imageStream?: string;
  output: "yaml" | "json";
  verbose?: boolean;
  fix?: boolean;
  namespace?: string;
  releaseName?: string;
  to?: string;
  pushSecret?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

function parseNamespace(value: string): string {
  if (!DNS_LABEL.test(value))
    throw new InvalidArgumentError(
      "must be a namespace name (lower case letters, digits and '-', at most 63)",
    );
  return value;
}

function parseReleaseName(value: string): string {
  if (!RELEASE_NAME_PATTERN.test(value))
    throw new InvalidArgumentError("must be a semantic version such as 4.17.0-0.okd-scos-2026-11-21-120000");
  return value;
}

function parseDestination(value: string): string {
  if (!RELEASE_DESTINATION_PATTERN.test(value))
    throw new InvalidArgumentError(
      "must be docker://REGISTRY/REPOSITORY[:TAG] or oci:DIRECTORY[:TAG], e.g. docker://quay.io/me/okd-release",
    );
  return value;
}

/** Splits `spec.components[27].inputs[0].from` into YAML path segments. */
function pathSegments(path: string): (string | number)[] {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] !== undefined ? Number(m[2]) : (m[1] ?? ""),
  );
}

/** The PayloadBuild as YAML, with the unresolved references marked where they are. */
export function renderImportYaml(result: BuildConfigImport): string {
  // YAML 1.1 quoting: kubectl reads YAML 1.1, where an unquoted yes/no/on/off is a boolean.
  const doc = new Document(result.payloadBuild, { version: "1.1" });
  const header = ["PayloadBuild imported from BuildConfigs by payloadctl import-buildconfigs."];
  if (result.unresolved.length > 0) {
    header.push(
      `UNRESOLVED: ${result.unresolved.length} reference(s) nothing produces; fix them before applying:`,
    );
    for (const u of result.unresolved) header.push(`  ${u.path} (${u.component}): ${u.fix}`);
  }
  doc.commentBefore = header.map((line) => ` ${line}`).join("\n");
  for (const u of result.unresolved) {
    const node = doc.getIn(pathSegments(u.path), true);
    if (isNode(node)) node.comment = ` UNRESOLVED: ${u.fix}`;
  }
  return doc.toString({ lineWidth: 0 });
}

/** Builds the `import-buildconfigs` command. */
export function importBuildConfigsCommand(io: CliIo = processIo): Command {
  return new Command("import-buildconfigs")
    .description(
      "Convert OpenShift BuildConfigs (e.g. kubectl kustomize okd-payload-pipeline/buildconfigs) into a PayloadBuild",
    )
    .argument("[file]", "multi-document YAML of BuildConfigs and ImageStreams ('-' or none: stdin)", "-")
    .option("--name <name>", "name of the PayloadBuild (default: the ImageStream's name)")
    .option(
      "--image-stream <name>",
      "the payload's ImageStream (default: the one most BuildConfigs output to)",
    )
    .addOption(new Option("-o, --output <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("-n, --namespace <ns>", "metadata.namespace of the PayloadBuild", parseNamespace)
    .option(
      "--release-name <name>",
      "spec.release.name: the release's version (needs --to)",
      parseReleaseName,
    )
    .option(
      "--to <dest>",
      "spec.release.to: where the release is pushed (needs --release-name)",
      parseDestination,
    )
    .option("--push-secret <name>", "spec.release.pushSecret: credentials for --to")
    .option("--fix", "apply the suggested fix of each unresolved reference that has one")
    .option("-v, --verbose", "also report renamed components, resolved tags and skipped objects")
    .action(async (file: string, options: ImportOptions) => {
      if ((options.releaseName === undefined) !== (options.to === undefined))
        throw new CliError(
          "--release-name and --to go together: a release needs both a name and a destination",
        );
      if (options.pushSecret !== undefined && options.to === undefined)
        throw new CliError("--push-secret needs --release-name and --to");
      const documents = await readDocuments(file, io);
      const imported = importBuildConfigs(
        documents.map((doc) => doc.value),
        {
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.imageStream !== undefined ? { imageStream: options.imageStream } : {}),
        },
      );
      const fixed = options.fix ? imported.unresolved.filter((u) => u.suggestion !== undefined) : [];
      const result: BuildConfigImport = options.fix
        ? {
            ...imported,
            payloadBuild: applySuggestedFixes(imported),
            unresolved: imported.unresolved.filter((u) => u.suggestion === undefined),
          }
        : imported;
      const payloadBuild = result.payloadBuild;
      if (options.namespace !== undefined)
        payloadBuild.metadata = { ...payloadBuild.metadata, namespace: options.namespace };
      if (options.releaseName !== undefined && options.to !== undefined) {
        payloadBuild.spec = {
          ...payloadBuild.spec,
          release: {
            ...payloadBuild.spec.release,
            name: options.releaseName,
            to: options.to,
            ...(options.pushSecret === undefined ? {} : { pushSecret: { name: options.pushSecret } }),
          },
        };
      }
      const components = result.payloadBuild.spec.components;
      if (components.length === 0) {
        throw new CliError(
          `${file === "-" ? "<stdin>" : file}: no BuildConfig with an ImageStreamTag output found`,
        );
      }
      io.stdout.write(
        options.output === "json"
          ? `${JSON.stringify(result.payloadBuild, null, 2)}\n`
          : renderImportYaml(result),
      );
      const prebuilt = components.filter((c) => c.image !== undefined).length;
      io.stderr.write(
        `imported ${components.length} components (${components.length - prebuilt} built, ${prebuilt} prebuilt) into ImageStream ${result.payloadBuild.spec.imageStream}\n`,
      );
      const missing = [
        ...(payloadBuild.metadata.namespace === undefined ? ["--namespace NS"] : []),
        ...(payloadBuild.spec.release === undefined ? ["--release-name NAME --to DEST"] : []),
      ];
      if (missing.length > 0)
        io.stderr.write(
          `not yet applicable as is: add ${missing.join(" and ")} (kubectl apply needs a namespace; the release needs a name and a destination)\n`,
        );
      if (options.verbose) for (const note of result.notes) io.stderr.write(`note: ${note}\n`);
      for (const u of fixed)
        io.stderr.write(`fixed: ${u.component}: ${u.reference} -> ${u.suggestion ?? ""}\n`);
      if (result.unresolved.length > 0) {
        io.stderr.write(`${result.unresolved.length} unresolved reference(s):\n`);
        for (const u of result.unresolved) io.stderr.write(`  ${u.component}: ${u.reference}: ${u.fix}\n`);
        if (!options.fix && result.unresolved.some((u) => u.suggestion !== undefined)) {
          io.stderr.write("  (--fix applies the suggested changes)\n");
        }
      }
    });
}
