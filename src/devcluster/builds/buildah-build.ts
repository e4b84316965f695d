/**
 * Real builds with `buildah` (optional): a Build whose `source.git.uri` is a `file://` directory
 * is built with `buildah --storage-driver vfs bud --isolation chroot` (its `from` replacing the
 * Dockerfile's first FROM, labels and build args passed through, `--timestamp` fixed from the
 * inputs) and pushed to the output repository. `source.images` inputs are checked but their
 * files are not copied into the context. Each build uses its own throw-away buildah storage.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BuildFailure,
  resolveBuildContent,
  sizeOf,
  type BuildRequest,
  type ProduceImageDeps,
  type ProducedImage,
} from "./produce-image.js";
import type { ResolvedComponentProfile } from "./simulation-profile.js";

/** Where and how buildah runs. */
export interface BuildahOptions {
  /** The buildah binary (default `buildah` on PATH). */
  readonly binary?: string;
  /** Parent of the per-build storage directories (default the system temp dir). */
  readonly workDir?: string;
  /** Longest a build may take (default 10 minutes). */
  readonly timeoutMs?: number;
}

/** True when `uri` names a local directory buildah can build (`file://...`). */
export function isLocalSource(uri: string | undefined): boolean {
  return uri !== undefined && uri.startsWith("file://");
}

function run(
  binary: string,
  args: readonly string[],
  timeoutMs: number,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
      resolve({ code, stdout, stderr: error !== null && stderr === "" ? error.message : stderr });
    });
  });
}

function tail(text: string, lines = 12): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Builds `request` from its local directory with buildah and pushes it; throws {@link BuildFailure}. */
export async function buildWithBuildah(
  options: BuildahOptions,
  deps: ProduceImageDeps,
  request: BuildRequest,
  profile: ResolvedComponentProfile,
): Promise<ProducedImage> {
  const { base, content } = await resolveBuildContent(deps, request, profile);
  const directory = join(fileURLToPath(request.uri ?? ""), request.contextDir ?? "");
  const binary = options.binary ?? "buildah";
  const timeoutMs = options.timeoutMs ?? 600_000;
  const storage = await mkdtemp(join(options.workDir ?? tmpdir(), "simulated-buildah-"));
  const global = [
    "--root",
    join(storage, "root"),
    "--runroot",
    join(storage, "run"),
    "--storage-driver",
    "vfs",
  ];
  const local = `localhost/simulated/${request.component}:build`;
  try {
    const bud = await run(
      binary,
      [
        ...global,
        "bud",
        "--isolation",
        "chroot",
        "--tls-verify=false",
        "--format",
        "docker",
        "--timestamp",
        String(Math.floor(Date.parse(content.created) / 1000)),
        ...(base === undefined ? [] : ["--from", base.pullspec]),
        ...(request.dockerfile === undefined ? [] : ["-f", join(directory, request.dockerfile)]),
        ...Object.entries(request.buildArgs).flatMap(([k, v]) => ["--build-arg", `${k}=${v}`]),
        ...Object.entries(content.labels).flatMap(([k, v]) => ["--label", `${k}=${v}`]),
        "-t",
        local,
        directory,
      ],
      timeoutMs,
    );
    if (bud.code !== 0)
      throw new BuildFailure(
        "DockerBuildFailed",
        `Docker build strategy has failed: buildah bud of ${request.component} in ${directory} exited with status ${bud.code}`,
        tail(`${bud.stdout}\n${bud.stderr}`),
      );
    const digestFile = join(storage, "digest");
    const target = `${request.output.repository}:${request.output.tag}`;
    const push = await run(
      binary,
      [
        ...global,
        "push",
        "--tls-verify=false",
        "--format",
        "docker",
        "--digestfile",
        digestFile,
        local,
        `docker://${target}`,
      ],
      timeoutMs,
    );
    if (push.code !== 0)
      throw new BuildFailure(
        "PushImageToRegistryFailed",
        `Failed to push image to ${target}: buildah push exited with status ${push.code}`,
        tail(push.stderr),
      );
    const digest = (await readFile(digestFile, "utf8")).trim();
    const manifest = await deps.sources.open(request.output.repository).getManifest(digest);
    return { digest, pullspec: `${request.output.repository}@${digest}`, size: sizeOf(manifest) };
  } finally {
    await rm(storage, { recursive: true, force: true });
  }
}
