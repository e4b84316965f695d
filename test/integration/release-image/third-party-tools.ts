/**
 * Third-party tools for the release-image integration tests: images built by buildah and umoci (so our
 * reader is proven on images we did not write) and verification of our releases by skopeo and umoci.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

/** Runs a command; rejects with its stderr on failure. */
export async function run(command: string, args: readonly string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await execFileAsync(command, [...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${e.stderr ?? e.message}`, { cause: error });
  }
}

/** A scratch directory removed by `cleanup`. */
export async function scratch(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `files` (path -> content) under `root`. */
export async function writeTree(root: string, files: Readonly<Record<string, string>>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(join(full, ".."), { recursive: true });
    await writeFile(full, content);
  }
}

/**
 * Builds an image with `buildah bud` (vfs storage, chroot isolation) from a context of `files` and a
 * Dockerfile, and pushes it to `docker://dest` as Docker schema 2 (`v2s2`) or OCI.
 */
export async function buildahBuildAndPush(
  work: string,
  name: string,
  dockerfile: string,
  files: Readonly<Record<string, string>>,
  dest: string,
  format: "v2s2" | "oci",
): Promise<void> {
  const context = join(work, `ctx-${name}`);
  await writeTree(context, { ...files, Dockerfile: dockerfile });
  const buildah = [
    "--root",
    join(work, "buildah-root"),
    "--runroot",
    join(work, "buildah-run"),
    "--storage-driver",
    "vfs",
  ];
  await run("buildah", [
    ...buildah,
    "bud",
    "--isolation",
    "chroot",
    "--quiet",
    "-t",
    `localhost/${name}:1`,
    context,
  ]);
  await run("buildah", [
    ...buildah,
    "push",
    "--quiet",
    "--tls-verify=false",
    "--format",
    format,
    `localhost/${name}:1`,
    `docker://${dest}`,
  ]);
}

/** Builds a one-layer OCI image with umoci (init, new, unpack, add files, repack, labels) and pushes it with skopeo. */
export async function umociBuildAndPush(
  work: string,
  name: string,
  files: Readonly<Record<string, string>>,
  labels: Readonly<Record<string, string>>,
  dest: string,
): Promise<void> {
  const layout = join(work, `umoci-${name}`);
  const bundle = join(work, `umoci-bundle-${name}`);
  await run("umoci", ["init", "--layout", layout]);
  await run("umoci", ["new", "--image", `${layout}:${name}`]);
  await run("umoci", ["unpack", "--image", `${layout}:${name}`, bundle]);
  await writeTree(join(bundle, "rootfs"), files);
  await run("umoci", ["repack", "--image", `${layout}:${name}`, bundle]);
  const labelArgs = Object.entries(labels).flatMap(([k, v]) => ["--config.label", `${k}=${v}`]);
  await run("umoci", ["config", "--image", `${layout}:${name}`, ...labelArgs]);
  await run("skopeo", [
    "copy",
    "--quiet",
    "--dest-tls-verify=false",
    `oci:${layout}:${name}`,
    `docker://${dest}`,
  ]);
}

/** `skopeo inspect` of a `docker://` or `oci:` reference: labels, layers, digest, architecture. */
export async function skopeoInspect(
  reference: string,
  extra: readonly string[] = [],
): Promise<{
  Digest: string;
  Labels: Record<string, string> | null;
  Layers: string[];
  Architecture: string;
}> {
  const tls = reference.startsWith("docker://") ? ["--tls-verify=false"] : [];
  return JSON.parse(await run("skopeo", ["inspect", ...tls, ...extra, reference])) as {
    Digest: string;
    Labels: Record<string, string> | null;
    Layers: string[];
    Architecture: string;
  };
}

/**
 * Unpacks a release with umoci (copied to an OCI layout by skopeo first when it is in a registry) and
 * returns the files of `release-manifests/` and the names in `manifests/`.
 */
export async function umociUnpackRelease(
  work: string,
  reference: string,
): Promise<{ releaseManifests: Map<string, Buffer>; cvoManifests: string[] }> {
  const id = Math.random().toString(36).slice(2);
  let image: string;
  if (reference.startsWith("docker://")) {
    const layout = join(work, `copy-${id}`);
    await run("skopeo", ["copy", "--quiet", "--src-tls-verify=false", reference, `oci:${layout}:release`]);
    image = `${layout}:release`;
  } else {
    image = reference.slice("oci:".length);
  }
  const bundle = join(work, `unpacked-${id}`);
  await run("umoci", ["unpack", "--image", image, bundle]);
  const dir = join(bundle, "rootfs", "release-manifests");
  const releaseManifests = new Map<string, Buffer>();
  for (const name of await readdir(dir)) releaseManifests.set(name, await readFile(join(dir, name)));
  const cvoManifests = await readdir(join(bundle, "rootfs", "manifests")).catch(() => []);
  return { releaseManifests, cvoManifests };
}
