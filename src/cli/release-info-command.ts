/** `payloadctl release-info IMAGE [-o text|json]`: the `oc adm release info` a user knows, from a registry or an OCI layout. */
import { Command, Option } from "commander";
import { isRegistryError } from "../registry/image-store.js";
import { parsePlatform, readReleaseInfo, type ReleaseInfo } from "../release-image/read-release-info.js";
import { ReleaseAssemblyError } from "../release-image/release-assembly-error.js";
import { CliError, processIo, type CliIo } from "./cli-io.js";
import { collectList, storeOpenerFromFlags, type RegistryCliOptions } from "./assemble-command.js";

interface ReleaseInfoOptions extends RegistryCliOptions {
  output: "text" | "json";
  filterByOs?: string;
}

const platformText = (p: { readonly os: string; readonly architecture: string; readonly variant?: string }) =>
  `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;

function table(rows: readonly (readonly string[])[], indent = "  "): string {
  const widths = rows.reduce<number[]>(
    (w, row) => row.map((cell, i) => Math.max(w[i] ?? 0, cell.length)),
    [],
  );
  return rows
    .map(
      (row) =>
        `${indent}${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 2))).join("")}\n`,
    )
    .join("");
}

/**
 * The text view: name, digest, created, architecture, metadata, upgrades, component versions,
 * images; for a multi-arch release, its release image per architecture. `filtered`: the platform
 * was chosen (`--filter-by-os`), so the digest shown is that platform's image and the index's is
 * the manifest list's, as oc shows them.
 */
export function renderReleaseInfoText(info: ReleaseInfo, filtered = false): string {
  const metadata = Object.entries(info.metadata.metadata ?? {});
  const versions = Object.entries(info.componentVersions).sort(([a], [b]) => (a < b ? -1 : 1));
  const multi = info.platforms.length > 0;
  const digestLines = !multi
    ? [`Digest:    ${info.digest}\n`]
    : filtered
      ? [`Digest:    ${info.imageDigest}\n`, `Manifest List: ${info.digest}\n`]
      : [`Digest:    ${info.digest}\n`];
  const architecture =
    multi && !filtered ? `multi (${platformText(info.platform)})` : platformText(info.platform);
  return [
    `Name:      ${info.name}\n`,
    ...digestLines,
    `Created:   ${info.created}\n`,
    `OS/Arch:   ${architecture}\n`,
    `Manifests: ${info.manifests.length}\n`,
    ...(metadata.length === 0
      ? []
      : [
          "Metadata:\n",
          table(metadata.map(([k, v]) => [`${k}:`, typeof v === "string" ? v : JSON.stringify(v)])),
        ]),
    `\nUpgrades:  ${(info.metadata.previous ?? []).join(", ") || "<none>"}\n`,
    ...(versions.length === 0 ? [] : ["\nComponent Versions:\n", table(versions)]),
    ...(multi
      ? [
          "\nRelease images (one per architecture):\n",
          table([["PLATFORM", "DIGEST"], ...info.platforms.map((p) => [platformText(p), p.digest])]),
        ]
      : []),
    `\nImages:\n`,
    table([["NAME", "PULLSPEC"], ...info.images.map((i) => [i.tag, i.pullspec])]),
    ...(info.problems.length === 0
      ? []
      : ["\nProblems (the CVO would not load this payload):\n", ...info.problems.map((p) => `  ${p}\n`)]),
  ].join("");
}

/** Builds the `release-info` command. */
export function releaseInfoCommand(io: CliIo = processIo): Command {
  return new Command("release-info")
    .description("Show a release image's name, digest, created time, metadata, component versions and images")
    .argument("<image>", "release image: docker://host/repo:tag, host/repo@sha256:..., or oci:DIR[:tag]")
    .addOption(new Option("-o, --output <format>", "output format").choices(["text", "json"]).default("text"))
    .option(
      "--filter-by-os <os/arch>",
      "read the release image of this platform of a multi-arch release (e.g. linux/arm64), as oc adm release info --filter-by-os",
    )
    .option("--authfile <file>", "registry credentials (a dockerconfigjson / containers auth.json)")
    .option("--registry-ca <file>", "PEM CA bundle trusted for registries with a private CA")
    .option("--insecure-registry <host...>", "registries (host[:port]) reached over plain HTTP", collectList)
    .action(async (image: string, options: ReleaseInfoOptions) => {
      try {
        const platform = options.filterByOs === undefined ? undefined : parsePlatform(options.filterByOs);
        const info = await readReleaseInfo(
          image,
          { openStore: await storeOpenerFromFlags(options) },
          platform === undefined ? {} : { platform },
        );
        if (options.output === "json") {
          const { imageReferences: _raw, ...rest } = info;
          io.stdout.write(`${JSON.stringify(rest, null, 2)}\n`);
        } else {
          io.stdout.write(renderReleaseInfoText(info, platform !== undefined));
        }
        if (info.problems.length > 0) io.setExitCode(1);
      } catch (error) {
        if (error instanceof ReleaseAssemblyError || isRegistryError(error))
          throw new CliError(`error: ${error.message}`);
        throw error;
      }
    });
}
