/**
 * `payloadctl assemble`: the `oc adm release new` a user knows, natively. Reads the components, builds
 * the release image (CVO image + `release-manifests/` layer) and pushes it to a registry or OCI layout.
 */
import { Command } from "commander";
import { readFile } from "node:fs/promises";
import { DirectoryContentCache } from "../registry/content-cache.js";
import {
  ImageStores,
  isRegistryError,
  type ImageStore,
  type RegistryOptions,
} from "../registry/image-store.js";
import {
  assembleRelease,
  type AssembledRelease,
  type ReleaseSource,
} from "../release-image/assemble-release.js";
import { parseComponentMappings } from "../release-image/component-sources.js";
import { parseImageStream } from "../release-image/image-stream.js";
import { ReleaseAssemblyError } from "../release-image/release-assembly-error.js";
import { CliError, processIo, type CliIo } from "./cli-io.js";

interface AssembleOptions extends RegistryCliOptions {
  fromImageStreamFile?: string;
  fromRelease?: string;
  fromImages?: string[];
  name: string;
  to: string;
  baseComponent: string;
  previous?: string[];
  include?: string[];
  cacheDir?: string;
}

/** The creation time of a new release: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now. */
export function releaseCreationTime(env: NodeJS.ProcessEnv, now: () => Date): Date {
  const epoch = env["SOURCE_DATE_EPOCH"];
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000);
  return now();
}

async function sourceFrom(options: AssembleOptions): Promise<ReleaseSource> {
  const given = [options.fromImageStreamFile, options.fromRelease].filter((v) => v !== undefined);
  if (given.length > 1) throw new CliError("give only one of --from-image-stream-file and --from-release");
  if (options.fromImageStreamFile !== undefined) {
    const file = options.fromImageStreamFile;
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new CliError(`--from-image-stream-file ${file}: cannot read file: ${(error as Error).message}`);
    }
    return { kind: "image-stream", stream: parseImageStream(text, file), description: file };
  }
  if (options.fromRelease !== undefined) return { kind: "release", pullspec: options.fromRelease };
  if ((options.fromImages ?? []).length === 0) {
    throw new CliError(
      "give the components: --from-image-stream-file FILE, --from-release IMAGE or --from-images NAME=PULLSPEC...",
    );
  }
  return { kind: "images" };
}

/** Builds the `assemble` command. */
export function assembleCommand(io: CliIo = processIo, now: () => Date = () => new Date()): Command {
  return new Command("assemble")
    .description(
      "Assemble a release image (CVO image + release-manifests layer) like `oc adm release new`, and push it",
    )
    .option(
      "--from-image-stream-file <file>",
      "ImageStream (YAML or JSON) whose landed tags are the components",
    )
    .option(
      "--from-release <image>",
      "take the components (and previous versions, metadata) of an existing release",
    )
    .option(
      "--from-images <NAME=PULLSPEC...>",
      "components given one by one; with another source they override its tags",
    )
    .requiredOption(
      "--name <version>",
      "release name, a semantic version (e.g. 4.15.0-0.okd-2024-01-02-030405)",
    )
    .requiredOption(
      "--to <dest>",
      "destination: docker://host/repo[:tag] or oci:DIR[:tag] (tag defaults to --name)",
    )
    .option(
      "--base-component <tag>",
      "component whose image the release is built on",
      "cluster-version-operator",
    )
    .option(
      "--previous <version...>",
      "versions this release can upgrade from (repeatable, comma-separated)",
      collectList,
    )
    .option("--include <tag...>", "keep these components even when no operator references them", collectList)
    .option("--authfile <file>", "registry credentials (a dockerconfigjson / containers auth.json)")
    .option("--registry-ca <file>", "PEM CA bundle trusted for registries with a private CA")
    .option("--insecure-registry <host...>", "registries (host[:port]) reached over plain HTTP", collectList)
    .option(
      "--cache-dir <dir>",
      "keep component image configs and operator manifest layers here between runs (by digest, never stale): a later run reads only what changed",
    )
    .action(async (options: AssembleOptions) => {
      try {
        const source = await sourceFrom(options);
        const images = parseComponentMappings(options.fromImages ?? []);
        const openStore = await storeOpenerFromFlags(options);
        const release = await assembleRelease(
          {
            source,
            images,
            name: options.name,
            to: options.to,
            baseTag: options.baseComponent,
            ...(options.previous === undefined ? {} : { previous: options.previous }),
            ...(options.include === undefined ? {} : { include: options.include }),
            ...(source.kind === "release" ? {} : { created: releaseCreationTime(process.env, now) }),
          },
          {
            openStore,
            log: (message) => io.stderr.write(`info: ${message}\n`),
            ...(options.cacheDir === undefined ? {} : { cache: new DirectoryContentCache(options.cacheDir) }),
          },
        );
        io.stderr.write(formatAssemblyReport(release));
        io.stdout.write(`${release.digest} ${release.name} ${release.created}\n`);
      } catch (error) {
        if (error instanceof ReleaseAssemblyError || isRegistryError(error))
          throw new CliError(`error: ${error.message}`);
        throw error;
      }
    });
}

/** Parsed registry flags. */
export interface RegistryCliOptions {
  readonly authfile?: string;
  readonly registryCa?: string;
  readonly insecureRegistry?: readonly string[];
}

/** commander collector for repeatable and comma-separated list flags. */
export function collectList(value: string, previous: readonly string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((v) => v.trim())
      .filter((v) => v !== ""),
  ];
}

/** An `openStore` for release assembly built from the flags; reads the authfile once; shares connections per registry. */
export async function storeOpenerFromFlags(
  options: RegistryCliOptions,
): Promise<(reference: string) => ImageStore> {
  // One factory: every repository of a registry shares one connection pool, scheme probe and token cache.
  const stores = new ImageStores(await registryOptionsFromFlags(options));
  return (reference) => stores.open(reference);
}

/** The registry options the flags give (authfile and CA read once). */
export async function registryOptionsFromFlags(options: RegistryCliOptions): Promise<RegistryOptions> {
  let dockerConfigJson: string | undefined;
  if (options.authfile !== undefined) {
    try {
      dockerConfigJson = await readFile(options.authfile, "utf8");
    } catch (error) {
      throw new CliError(`--authfile ${options.authfile}: cannot read file: ${(error as Error).message}`);
    }
  }
  let caBundle: string | undefined;
  if (options.registryCa !== undefined) {
    try {
      caBundle = await readFile(options.registryCa, "utf8");
    } catch (error) {
      throw new CliError(
        `--registry-ca ${options.registryCa}: cannot read file: ${(error as Error).message}`,
      );
    }
  }
  return {
    ...(dockerConfigJson === undefined ? {} : { dockerConfigJson }),
    ...(caBundle === undefined ? {} : { caBundle }),
    insecureRegistries: options.insecureRegistry ?? [],
  };
}

/** Operators, images, manifests, renames, transfers and warnings of one assembly, one fact per line. */
export function formatAssemblyReport(release: AssembledRelease): string {
  const { report, transfers } = release;
  const lines = [
    `info: found ${report.operators.length} operators: ${report.operators.join(", ") || "(none)"}`,
    `info: included ${report.images.length} images${report.pruned.length > 0 ? `, left out ${report.pruned.length} not referenced by any operator: ${report.pruned.join(", ")}` : ""}`,
    `info: wrote ${report.manifests.length} manifests to release-manifests/`,
    ...report.renames.map((r) => `info: renamed ${r.operator}'s ${r.file} to ${r.name} (name already taken)`),
    `info: base layers: ${transfers.mounted} mounted, ${transfers.copied} copied, ${transfers.existing} already present; ${transfers.uploadedBytes} bytes uploaded`,
    ...release.platforms.map(
      (p) =>
        `info: ${p.platform ? `${p.platform.os}/${p.platform.architecture}${p.platform.variant ? `/${p.platform.variant}` : ""}` : "image"} ${p.digest} (base ${p.baseDigest})`,
    ),
    `info: pushed ${release.pullspec}${release.pullspec.includes("@") ? "" : ` (${release.digest})`}`,
    ...report.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.map((line) => `${line}\n`).join("");
}
