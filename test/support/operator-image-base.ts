/**
 * A local stand-in for the official `node:24-bookworm-slim` image, for building the operator image
 * (Dockerfile `--build-arg NODE_IMAGE=... NODE_RUNTIME_IMAGE=...`) where Docker Hub is out of reach:
 * Debian bookworm's libc6, libstdc++6, libgcc-s1 and ca-certificates (`apt-get download`, `dpkg-deb
 * -x`), busybox-static for `/bin/sh` and the few commands the Dockerfile's RUN steps use, the Node
 * binary the npm `node` package pins (`node_modules/node/bin/node`) at `/usr/local/bin/node` as the
 * official image has it, and this machine's npm. Committed with buildah to an OCI layout under
 * `.tools/operator-image-base/<key>/`, the key a hash of those inputs, so reruns reuse it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import {
  chmod,
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../..");
/** Bump when the recipe below changes, so a cached base is rebuilt. */
const RECIPE = 1;
const DEBIAN_PACKAGES = ["libc6", "libstdc++6", "libgcc-s1", "ca-certificates", "busybox-static"];
const TAG = "node24";
const PATH_ENV = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

async function output(command: string, args: readonly string[], cwd?: string): Promise<string> {
  const { stdout } = await run(command, args, {
    maxBuffer: 64 * 1024 * 1024,
    ...(cwd === undefined ? {} : { cwd }),
  });
  return stdout;
}

/** `apt-cache policy`'s candidate version of each package (fails with what to run when apt has no lists). */
async function candidateVersions(): Promise<Record<string, string>> {
  const versions: Record<string, string> = {};
  for (const pkg of DEBIAN_PACKAGES) {
    const policy = await output("apt-cache", ["policy", pkg]);
    const candidate = /Candidate:\s*(\S+)/.exec(policy)?.[1];
    if (candidate === undefined || candidate === "(none)") {
      throw new Error(
        `apt has no candidate for ${pkg}; run apt-get update (the operator image test builds its Node base from Debian packages)`,
      );
    }
    versions[pkg] = candidate;
  }
  return versions;
}

interface BaseInputs {
  readonly node: { readonly path: string; readonly version: string; readonly size: number };
  readonly npm: { readonly dir: string; readonly version: string };
  readonly debs: Record<string, string>;
}

async function baseInputs(): Promise<BaseInputs> {
  const nodePackage = JSON.parse(await readFile(join(ROOT, "node_modules/node/package.json"), "utf8")) as {
    version: string;
  };
  const nodePath = join(ROOT, "node_modules/node/bin/node");
  const npmDir = join((await output("npm", ["root", "-g"])).trim(), "npm");
  const npmPackage = JSON.parse(await readFile(join(npmDir, "package.json"), "utf8")) as { version: string };
  return {
    node: { path: nodePath, version: nodePackage.version, size: (await stat(nodePath)).size },
    npm: { dir: npmDir, version: npmPackage.version },
    debs: await candidateVersions(),
  };
}

/** The key of a base made from `inputs`. */
function baseKey(inputs: BaseInputs): string {
  const identity = {
    recipe: RECIPE,
    node: [inputs.node.version, inputs.node.size],
    npm: inputs.npm.version,
    debs: inputs.debs,
  };
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 16);
}

async function makeRootfs(inputs: BaseInputs, work: string): Promise<string> {
  const debs = join(work, "debs");
  const rootfs = join(work, "rootfs");
  await mkdir(debs, { recursive: true });
  await mkdir(rootfs, { recursive: true });
  await run("apt-get", ["download", ...DEBIAN_PACKAGES.map((p) => `${p}=${inputs.debs[p]}`)], { cwd: debs });
  for (const deb of await readdir(debs)) await run("dpkg-deb", ["-x", join(debs, deb), rootfs]);
  for (const dir of [
    "usr/local/bin",
    "usr/local/lib/node_modules",
    "usr/bin",
    "etc/ssl/certs",
    "root",
    "tmp",
  ]) {
    await mkdir(join(rootfs, dir), { recursive: true });
  }
  await chmod(join(rootfs, "tmp"), 0o1777);
  await cp(inputs.node.path, join(rootfs, "usr/local/bin/node"));
  await cp(inputs.npm.dir, join(rootfs, "usr/local/lib/node_modules/npm"), {
    recursive: true,
    verbatimSymlinks: true,
  });
  await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(rootfs, "usr/local/bin/npm"));
  await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(rootfs, "usr/local/bin/npx"));
  const applets = (await output(join(rootfs, "bin/busybox"), ["--list"])).split("\n").filter((a) => a !== "");
  for (const applet of applets) {
    if (applet !== "busybox" && !existsSync(join(rootfs, "bin", applet)))
      await symlink("busybox", join(rootfs, "bin", applet));
  }
  await symlink("/bin/env", join(rootfs, "usr/bin/env"));
  const mozilla = join(rootfs, "usr/share/ca-certificates/mozilla");
  const certificates = await Promise.all(
    (await readdir(mozilla)).sort().map((f) => readFile(join(mozilla, f), "utf8")),
  );
  await writeFile(join(rootfs, "etc/ssl/certs/ca-certificates.crt"), certificates.join(""));
  await writeFile(
    join(rootfs, "etc/passwd"),
    "root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000::/home/node:/bin/sh\n",
  );
  await writeFile(join(rootfs, "etc/group"), "root:x:0:\nnode:x:1000:\n");
  return rootfs;
}

/**
 * The base image as an `oci:DIR:TAG` reference for buildah's FROM, built once per set of inputs
 * (about half a minute) and cached under `.tools/operator-image-base/`. buildah names the build
 * container after the path, which must then be a valid image name (no `.tools`, no upper case):
 * the reference goes through a symbolic link `linkDir` (lower case) made here. Needs root,
 * buildah, apt-get (with package lists) and dpkg-deb.
 */
export async function operatorImageBase(linkDir: string): Promise<string> {
  const inputs = await baseInputs();
  const dir = join(ROOT, ".tools/operator-image-base", baseKey(inputs));
  const reference = `oci:${linkDir}:${TAG}`;
  if (existsSync(join(dir, "index.json"))) {
    await symlink(dir, linkDir);
    return reference;
  }
  const work = await mkdtemp(join(tmpdir(), "operator-image-base-"));
  let partial: string | undefined;
  try {
    const rootfs = await makeRootfs(inputs, work);
    const buildah = [
      "--root",
      join(work, "storage"),
      "--runroot",
      join(work, "run"),
      "--storage-driver",
      "vfs",
    ];
    const container = (await output("buildah", [...buildah, "from", "scratch"])).trim();
    await run("buildah", [...buildah, "copy", container, `${rootfs}/`, "/"]);
    await run("buildah", [
      ...buildah,
      "config",
      "--env",
      `PATH=${PATH_ENV}`,
      "--env",
      `NODE_VERSION=${inputs.node.version}`,
      "--cmd",
      "node",
      "--label",
      "org.opencontainers.image.description=test stand-in for node:24-bookworm-slim (test/support/operator-image-base.ts)",
      container,
    ]);
    // committed beside its final place (same file system), then renamed into it
    await mkdir(join(dir, ".."), { recursive: true });
    partial = `${dir}.partial-${process.pid}`;
    await run("buildah", [...buildah, "commit", "--quiet", container, `oci:${partial}:${TAG}`]);
    try {
      await rename(partial, dir);
    } catch (error) {
      if (!existsSync(join(dir, "index.json"))) throw error; // a concurrent run got there first
    }
    await symlink(dir, linkDir);
    return reference;
  } finally {
    await rm(work, { recursive: true, force: true });
    if (partial !== undefined) await rm(partial, { recursive: true, force: true });
  }
}
