/**
 * The real consumers of a release, built from their upstream Go modules by `npm run release-tools:build`
 * (test/release-tools/): `oc` (`adm release new|info|extract`, `image extract`) and `cvo-load`, the
 * Cluster Version Operator's own payload loader. Helpers run them against the tests' local registry.
 *
 * A test that needs them uses `describeWithTools(RELEASE_TOOL_NAMES)`: under CI a missing binary fails
 * naming the build command, elsewhere the test is skipped with it.
 */
import { mkdir, readdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import type { ToolName } from "../../support/required-tool.js";
import { run } from "./third-party-tools.js";

const BIN = resolve(import.meta.dirname, "../../../.tools/bin");
/** Path of the built `oc`. */
export const OC = join(BIN, "oc");
/** Path of the built CVO payload loader. */
export const CVO_LOAD = join(BIN, "cvo-load");

/** The tools the release-tool tests need (see `test/support/required-tool.ts`). */
export const RELEASE_TOOL_NAMES = ["oc", "cvo-load"] as const satisfies readonly ToolName[];

/** Runs `oc` with the given arguments against plain-HTTP test registries; returns stdout. */
export async function oc(args: readonly string[]): Promise<string> {
  return run(OC, args);
}

/** `oc adm release new` output line: `<digest> <name> <created>`. */
export interface OcReleaseNewResult {
  readonly digest: string;
  readonly name: string;
  readonly created: string;
}

/** Runs `oc adm release new --insecure=true ARGS` and parses its last stdout line. */
export async function ocReleaseNew(args: readonly string[]): Promise<OcReleaseNewResult> {
  const out = await oc(["adm", "release", "new", "--insecure=true", ...args]);
  const line = out.trim().split("\n").at(-1) ?? "";
  const [digest = "", name = "", created = ""] = line.split(" ");
  if (!/^sha256:[0-9a-f]{64}$/.test(digest)) throw new Error(`oc adm release new printed: ${out}`);
  return { digest, name, created };
}

const ocReleaseInfoSchema = z.looseObject({
  digest: z.string(),
  contentDigest: z.string().optional(),
  listDigest: z.string().optional(),
  metadata: z.looseObject({
    kind: z.string(),
    version: z.string(),
    previous: z.array(z.string()).nullish(),
    next: z.array(z.string()).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  }),
  references: z.looseObject({
    metadata: z.looseObject({
      name: z.string(),
      creationTimestamp: z.string().nullish(),
      annotations: z.record(z.string(), z.string()).nullish(),
    }),
    spec: z.looseObject({
      tags: z.array(
        z.looseObject({
          name: z.string(),
          annotations: z.record(z.string(), z.string()).nullish(),
          from: z.looseObject({ kind: z.string(), name: z.string() }).nullish(),
        }),
      ),
    }),
  }),
  displayVersions: z
    .record(z.string(), z.looseObject({ Version: z.string(), DisplayName: z.string() }))
    .nullish(),
  config: z.looseObject({ created: z.string().optional() }).nullish(),
  warnings: z.array(z.string()).nullish(),
});

/** What `oc adm release info -o json` reports. */
export type OcReleaseInfo = z.infer<typeof ocReleaseInfoSchema>;

/** `oc adm release info -o json PULLSPEC` (extra flags such as `--filter-by-os` allowed). */
export async function ocReleaseInfo(pullspec: string, extra: readonly string[] = []): Promise<OcReleaseInfo> {
  const out = await oc(["adm", "release", "info", "--insecure=true", "-o", "json", ...extra, pullspec]);
  return ocReleaseInfoSchema.parse(JSON.parse(out));
}

/** The files `oc adm release extract --to DIR` writes for a release (YAML re-serialised by oc), by name. */
export async function ocReleaseExtract(pullspec: string, dir: string): Promise<Map<string, Buffer>> {
  await oc(["adm", "release", "extract", "--insecure=true", "--to", dir, pullspec]);
  return readFlatDirectory(dir);
}

/** Reads the regular files of one directory (not recursive), by name. */
export async function readFlatDirectory(dir: string): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile()) files.set(entry.name, await readFile(join(dir, entry.name)));
  }
  return new Map([...files.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const cvoLoadSchema = z.object({
  profile: z.string(),
  release: z.object({ version: z.string(), channels: z.array(z.string()), url: z.string() }).optional(),
  imageReferences: z.record(z.string(), z.string()).optional(),
  filesPresent: z.number(),
  documentsPresent: z.number(),
  manifestsLoaded: z.number(),
  manifestHash: z.string().optional(),
  manifests: z.array(
    z.object({
      file: z.string(),
      group: z.string(),
      kind: z.string(),
      namespace: z.string().optional(),
      name: z.string(),
      loaded: z.boolean(),
      excluded: z.string().optional(),
    }),
  ),
  errors: z.array(z.string()),
});

/** The CVO loader's report on a payload directory. */
export type CvoLoadReport = z.infer<typeof cvoLoadSchema>;

/**
 * Extracts the release image's `/manifests` (the CVO's own) and `/release-manifests` with
 * `oc image extract` into `dir` and loads them with the CVO's `LoadUpdate` (default profile).
 */
export async function cvoLoadRelease(pullspec: string, dir: string): Promise<CvoLoadReport> {
  await extractPayloadDirectory(pullspec, dir);
  let stdout: string;
  try {
    stdout = await run(CVO_LOAD, [dir]);
  } catch (error) {
    // Exit status 1 still prints the report (with its errors).
    const e = (error as { cause?: { stdout?: string } }).cause;
    if (e?.stdout === undefined || e.stdout === "") throw error;
    stdout = e.stdout;
  }
  return cvoLoadSchema.parse(JSON.parse(stdout));
}

/**
 * `oc image extract` of the release image's `/manifests` and `/release-manifests` into `dir`, as the
 * CVO sees them in its container; returns the files of `release-manifests/` byte for byte (unlike
 * `oc adm release extract`, which re-serialises YAML manifests).
 */
export async function extractPayloadDirectory(pullspec: string, dir: string): Promise<Map<string, Buffer>> {
  await mkdir(join(dir, "manifests"), { recursive: true });
  await mkdir(join(dir, "release-manifests"), { recursive: true });
  await oc([
    "image",
    "extract",
    "--insecure=true",
    pullspec,
    "--path",
    `/manifests/:${join(dir, "manifests")}`,
    "--path",
    `/release-manifests/:${join(dir, "release-manifests")}`,
  ]);
  return readFlatDirectory(join(dir, "release-manifests"));
}
