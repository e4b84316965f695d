/**
 * The operator image, built for real from the Dockerfile with buildah (vfs storage, chroot
 * isolation, state in a temporary directory) on a locally made Node base (no Docker Hub here:
 * test/support/operator-image-base.ts), then checked from the image itself: skopeo inspect (user,
 * entry point, labels), umoci unpack (no dev-only package or module inside, files readable by
 * group 0), and its entry point run as the image's user and as an arbitrary OpenShift UID, with
 * `buildah run` and from the unpacked root file system. Prints the image's size
 * (docs/benchmarks.md, "Operator image").
 */
import { execFile, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chown, lstat, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { operatorImageBase } from "../../support/operator-image-base.js";
import { freePort } from "../../../src/control-plane/child-process.js";
import {
  OPERATOR_NAMESPACE,
  OPERATOR_SERVICE_ACCOUNT,
} from "../../../src/control-plane/operator-identity.js";
import { installOperatorOn } from "../../e2e/real-plane-environment.js";
import { startControlPlane, type ControlPlane } from "../../support/control-plane.js";
import { CONTROL_PLANE_TOOLS, describeWithTools, itWithTools } from "../../support/required-tool.js";

const execFileAsync = promisify(execFile);
const ROOT = resolve(import.meta.dirname, "../../..");
const IMAGE = "localhost/okd-payload-operator:test";
const MiB = 1024 * 1024;

async function output(command: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(command, args, { maxBuffer: 256 * MiB });
  return stdout;
}

/** Runs a command, resolving with its exit code and output (never rejecting on a non-zero exit). */
function runCommand(
  command: string,
  args: readonly string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, {
      stdio: ["ignore", "pipe", "pipe"],
      ...(env === undefined ? {} : { env }),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

interface ImageConfig {
  config: {
    User?: string;
    Entrypoint?: string[];
    Cmd?: string[];
    Env?: string[];
    WorkingDir?: string;
    Labels?: Record<string, string>;
    ExposedPorts?: Record<string, unknown>;
  };
}

interface Manifest {
  layers: { digest: string; size: number; mediaType: string }[];
}

/** Sum of file sizes under `dir` and the files with their uid, gid and mode (not following symlinks). */
async function walk(
  dir: string,
): Promise<{ bytes: number; entries: { path: string; uid: number; gid: number; mode: number }[] }> {
  let bytes = 0;
  const entries: { path: string; uid: number; gid: number; mode: number }[] = [];
  const visit = async (path: string): Promise<void> => {
    const info = await lstat(path);
    entries.push({ path, uid: info.uid, gid: info.gid, mode: info.mode });
    if (info.isDirectory()) {
      for (const name of await readdir(path)) await visit(join(path, name));
    } else if (info.isFile()) {
      bytes += info.size;
    }
  };
  await visit(dir);
  return { bytes, entries };
}

/** Top-level package names of a node_modules directory (`name` and `@scope/name`). */
async function topLevelPackages(nodeModules: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(nodeModules)) {
    if (entry.startsWith(".")) continue;
    if (entry.startsWith("@")) {
      for (const scoped of await readdir(join(nodeModules, entry))) names.push(`${entry}/${scoped}`);
    } else names.push(entry);
  }
  return names.sort();
}

/** The lock's top-level packages, split into production ones and dev-only ones (`"dev": true`). */
async function lockPackages(): Promise<{ production: string[]; devOnly: string[] }> {
  const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { dev?: boolean; optional?: boolean; devOptional?: boolean }>;
  };
  const production: string[] = [];
  const devOnly: string[] = [];
  for (const [location, entry] of Object.entries(lock.packages)) {
    const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(location);
    if (match?.[1] === undefined) continue;
    if (entry.dev === true) devOnly.push(match[1]);
    else if (entry.optional !== true && entry.devOptional !== true) production.push(match[1]);
  }
  return { production: production.sort(), devOnly: devOnly.sort() };
}

describeWithTools(["buildah", "skopeo", "umoci"])(
  "the operator image (Dockerfile, built with buildah)",
  () => {
    let work = "";
    let buildah: string[] = [];
    let layout = "";
    let rootfs = "";
    let config: ImageConfig["config"] = {};
    let version = "";
    let revision = "";
    let container = "";
    let baseLink = "";

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "operator-image-"));
      buildah = ["--root", join(work, "storage"), "--runroot", join(work, "run"), "--storage-driver", "vfs"];
      version = (JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string })
        .version;
      revision = (await output("git", ["-C", ROOT, "rev-parse", "HEAD"])).trim();
      baseLink = join(tmpdir(), `okd-operator-image-base-${randomBytes(6).toString("hex")}`);
      const base = await operatorImageBase(baseLink);
      const npmCache = (await output("npm", ["config", "get", "cache"])).trim();
      const started = Date.now();
      const build = await runCommand("buildah", [
        ...buildah,
        "bud",
        "--isolation",
        "chroot",
        "--layers=false",
        // npm ci inside the build reads the host's npm cache (filled by the `npm ci` CI runs first), offline
        "--volume",
        `${npmCache}:/root/.npm`,
        "--build-arg",
        "NPM_CONFIG_OFFLINE=true",
        "--build-arg",
        `NODE_IMAGE=${base}`,
        "--build-arg",
        `NODE_RUNTIME_IMAGE=${base}`,
        "--build-arg",
        `VERSION=${version}`,
        "--build-arg",
        `REVISION=${revision}`,
        "--tag",
        IMAGE,
        "--file",
        join(ROOT, "Dockerfile"),
        ROOT,
      ]);
      if (build.code !== 0)
        throw new Error(
          `buildah bud failed (${build.code}):\n${build.stdout.slice(-4000)}\n${build.stderr.slice(-4000)}`,
        );
      const buildSeconds = (Date.now() - started) / 1000;
      layout = join(work, "oci");
      await execFileAsync("buildah", [...buildah, "push", "--quiet", IMAGE, `oci:${layout}:test`]);
      await execFileAsync("umoci", ["unpack", "--image", `${layout}:test`, join(work, "bundle")]);
      rootfs = join(work, "bundle", "rootfs");
      config = (
        JSON.parse(await output("skopeo", ["inspect", "--config", `oci:${layout}:test`])) as ImageConfig
      ).config;
      container = (await output("buildah", [...buildah, "from", IMAGE])).trim();
      await printSizes(base, buildSeconds);
    }, 1_200_000);

    afterAll(async () => {
      if (container !== "") await runCommand("buildah", [...buildah, "rm", container]);
      if (buildah.length > 0) await runCommand("buildah", [...buildah, "rmi", "--all", "--force"]);
      if (work !== "") await rm(work, { recursive: true, force: true });
      if (baseLink !== "") await rm(baseLink, { force: true });
    }, 300_000);

    async function printSizes(base: string, buildSeconds: number): Promise<void> {
      const manifest = JSON.parse(
        await output("skopeo", ["inspect", "--raw", `oci:${layout}:test`]),
      ) as Manifest;
      // the image's first layers are the base's (buildah compresses them again when pushing)
      const baseConfig = JSON.parse(await output("skopeo", ["inspect", "--config", base])) as {
        rootfs: { diff_ids: string[] };
      };
      const baseLayers = baseConfig.rootfs.diff_ids.length;
      const size = (layers: Manifest["layers"]): number => layers.reduce((sum, l) => sum + l.size, 0);
      const total = size(manifest.layers);
      const ours = size(manifest.layers.slice(baseLayers));
      const app = await walk(join(rootfs, "app"));
      const nodeModules = await walk(join(rootfs, "app/node_modules"));
      const dist = await walk(join(rootfs, "app/dist"));
      const packages = await topLevelPackages(join(rootfs, "app/node_modules"));
      const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;
      console.log(
        [
          `operator image ${IMAGE} (version ${version}), buildah bud in ${buildSeconds.toFixed(0)} s:`,
          `  layers as pushed (${manifest.layers[0]?.mediaType ?? "?"}): ${mib(total)} in ${manifest.layers.length} layers = the local Node base ${mib(total - ours)} + the operator's own ${mib(ours)} (${manifest.layers.length - baseLayers} layer)`,
          `  /app unpacked: ${mib(app.bytes)} = node_modules ${mib(nodeModules.bytes)} (${packages.length} top-level packages) + dist ${mib(dist.bytes)} (${dist.entries.filter((e) => e.path.endsWith(".js")).length} .js files)`,
        ].join("\n"),
      );
    }

    it("runs as a numeric non-root user in group 0, entry point `payloadctl operator`", () => {
      expect(config.User).toBe("65532:0");
      expect(config.Entrypoint).toEqual(["payloadctl", "operator"]);
      expect(config.Cmd).toEqual(["--leader-elect", "--metrics-addr=:8080"]);
      expect(config.WorkingDir).toBe("/app");
      expect(Object.keys(config.ExposedPorts ?? {})).toEqual(["8080/tcp"]);
    });

    it("carries the org.opencontainers.image labels with this version and revision", () => {
      expect(config.Labels).toMatchObject({
        "org.opencontainers.image.title": "okd-payload-operator",
        "org.opencontainers.image.version": version,
        "org.opencontainers.image.revision": revision,
        "org.opencontainers.image.source": "https://github.com/okd-project/okd-payload-operator",
        "org.opencontainers.image.licenses": "Apache-2.0",
      });
      expect(config.Labels?.["org.opencontainers.image.description"]).toMatch(/operator/);
    });

    it("holds exactly the production dependencies: no dev-only package in node_modules", async () => {
      const inImage = await topLevelPackages(join(rootfs, "app/node_modules"));
      const { production, devOnly } = await lockPackages();
      for (const pkg of [
        "ajv",
        "@bufbuild/cel",
        "fast-json-patch",
        "typescript",
        "vitest",
        "tsx",
        "eslint",
        "node",
      ]) {
        expect(inImage, pkg).not.toContain(pkg);
      }
      expect(inImage.filter((p) => devOnly.includes(p))).toEqual([]);
      expect(inImage).toEqual(production);
    });

    it("holds only the product's compiled modules: no dev cluster, demo, control plane or dev commands in dist", async () => {
      const dist = join(rootfs, "app/dist");
      const files = (await walk(dist)).entries.map((e) => e.path.slice(dist.length + 1));
      expect(files).toContain("src/main.js");
      expect(files).toContain("src/cli/payloadctl.js");
      const devOnly = files.filter((f) =>
        /^src\/(devcluster|demo|control-plane)(\/|$)|^src\/cli\/(dev-commands|dev-command|demo-command)\.js$|^(test|bench|scripts)\//.test(
          f,
        ),
      );
      expect(devOnly).toEqual([]);
    });

    it("lets any UID in group 0 read what it runs (OpenShift's restricted SCC): /app is owned by 65532:0, group = owner", async () => {
      const root = await lstat(rootfs);
      expect(`${root.uid}:${root.gid}`, "/ stays root's").toBe("0:0");
      const { entries } = await walk(join(rootfs, "app"));
      const wrong = entries.filter(
        (e) => e.uid !== 65532 || e.gid !== 0 || ((e.mode >> 3) & 0o7) !== ((e.mode >> 6) & 0o7),
      );
      expect(
        wrong.slice(0, 5).map((e) => `${e.path} ${e.uid}:${e.gid} ${(e.mode & 0o777).toString(8)}`),
      ).toEqual([]);
    });

    it("buildah run: `payloadctl --version` as the image's user, `payloadctl operator --help` as an arbitrary UID", async () => {
      const id = await runCommand("buildah", [
        ...buildah,
        "run",
        "--isolation",
        "chroot",
        container,
        "--",
        "id",
        "-u",
      ]);
      expect(id.stdout.trim(), `buildah run exited ${id.code}: ${id.stderr}`).toBe("65532");
      const versionRun = await runCommand("buildah", [
        ...buildah,
        "run",
        "--isolation",
        "chroot",
        container,
        "--",
        "payloadctl",
        "--version",
      ]);
      expect(versionRun.code, versionRun.stderr).toBe(0);
      expect(versionRun.stdout.trim()).toMatch(
        new RegExp(`^payloadctl ${version.replaceAll(".", "\\.")} \\(Node\\.js v24\\.`),
      );
      const help = await runCommand("buildah", [
        ...buildah,
        "run",
        "--isolation",
        "chroot",
        "--user",
        "1000770000:0",
        container,
        "--",
        "payloadctl",
        "operator",
        "--help",
      ]);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain("--leader-elect");
      expect(help.stdout).toMatch(/WATCH_NAMESPACE\s+the one namespace to watch/);
      const dev = await runCommand("buildah", [
        ...buildah,
        "run",
        "--isolation",
        "chroot",
        container,
        "--",
        "payloadctl",
        "dev",
      ]);
      expect(dev.code).toBe(1);
      expect(dev.stderr).toContain("payloadctl dev is not in this image: it runs from a source checkout");
    });

    it("the unpacked root file system: its entry point runs as the image's user (chroot --userspec)", async () => {
      const runtime = JSON.parse(await readFile(join(work, "bundle", "config.json"), "utf8")) as {
        process: { user: { uid: number; gid: number }; args: string[]; env: string[]; cwd: string };
      };
      expect(runtime.process.user).toEqual({ uid: 65532, gid: 0 });
      expect(runtime.process.args.slice(0, 2)).toEqual(["payloadctl", "operator"]);
      const env = Object.fromEntries(
        runtime.process.env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
      );
      const userspec = `--userspec=${runtime.process.user.uid}:${runtime.process.user.gid}`;
      const [program, subcommand] = runtime.process.args;
      if (program === undefined || subcommand === undefined) throw new Error("no entry point");
      const versionRun = await runCommand(
        "chroot",
        [userspec, "--groups=0", rootfs, program, "--version"],
        env,
      );
      expect(versionRun.code, versionRun.stderr).toBe(0);
      expect(versionRun.stdout).toMatch(/^payloadctl \S+ \(Node\.js v24\./);
      const help = await runCommand(
        "chroot",
        [userspec, "--groups=0", rootfs, program, subcommand, "--help"],
        env,
      );
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toContain("Usage: payloadctl operator [options]");
    });

    itWithTools([...CONTROL_PLANE_TOOLS, "kubectl"])(
      "the image's operator, from the unpacked root file system as the image's user, is ready and reconciles on the real kube-apiserver",
      async () => {
        const runtime = JSON.parse(await readFile(join(work, "bundle", "config.json"), "utf8")) as {
          process: { user: { uid: number; gid: number }; args: string[]; env: string[] };
        };
        let plane: ControlPlane | undefined;
        let operator: ReturnType<typeof spawn> | undefined;
        let log = "";
        try {
          plane = await startControlPlane({ dir: join(work, "control-plane") });
          await installOperatorOn(plane); // deploy/install.yaml, as the operator's RBAC
          // the ServiceAccount's token kubeconfig where the pod would have it mounted, readable by the image's user
          await plane.serviceAccountKubeconfig(
            OPERATOR_NAMESPACE,
            OPERATOR_SERVICE_ACCOUNT,
            join(rootfs, "tmp/kubeconfig"),
          );
          await chown(join(rootfs, "tmp/kubeconfig"), runtime.process.user.uid, runtime.process.user.gid);
          const port = await freePort();
          const [program, subcommand] = runtime.process.args;
          if (program === undefined || subcommand === undefined) throw new Error("no entry point");
          const env = {
            ...Object.fromEntries(
              runtime.process.env.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)]),
            ),
            WATCH_NAMESPACE: "",
            POD_NAMESPACE: OPERATOR_NAMESPACE,
          };
          operator = spawn(
            "chroot",
            [
              `--userspec=${runtime.process.user.uid}:${runtime.process.user.gid}`,
              "--groups=0",
              rootfs,
              program,
              subcommand,
              "--kubeconfig",
              "/tmp/kubeconfig",
              "--leader-elect",
              `--metrics-addr=127.0.0.1:${port}`,
            ],
            { env, stdio: ["ignore", "pipe", "pipe"] },
          );
          operator.stdout?.on("data", (d: Buffer) => (log += d.toString()));
          operator.stderr?.on("data", (d: Buffer) => (log += d.toString()));
          const exited = operator;
          const ready = async (): Promise<boolean> => {
            if (exited.exitCode !== null)
              throw new Error(`the image's operator exited ${exited.exitCode}:\n${log}`);
            const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
            return response?.status === 200;
          };
          for (let i = 0; i < 600 && !(await ready()); i++) await new Promise((r) => setTimeout(r, 100));
          expect(await ready(), log).toBe(true);
          expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
          const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
          expect(metrics).toContain("controller_runtime_reconcile_total");

          // the sample PayloadBuild, reconciled to Building by the image's operator
          const kubectl = (args: string[], input?: string) => {
            const child = execFileAsync(
              "kubectl",
              ["--kubeconfig", plane?.adminKubeconfigPath ?? "", ...args],
              {
                cwd: ROOT,
              },
            );
            if (input !== undefined) child.child.stdin?.end(input);
            return child;
          };
          await kubectl(["create", "namespace", "okd-build"]);
          const sample = (await readFile(join(ROOT, "config/samples/payloadbuild.yaml"), "utf8")).replace(
            /docker:\/\/quay\.io\/example\/okd-scos-release/,
            "docker://127.0.0.1:1/okd-build/okd-release",
          );
          await kubectl(["apply", "-f", "-"], sample);
          let phase = "";
          for (let i = 0; i < 600 && phase !== "Building"; i++) {
            const { stdout } = await kubectl([
              "get",
              "payloadbuild",
              "okd-scos-4-17",
              "-n",
              "okd-build",
              "-o",
              "jsonpath={.status.phase}",
            ]);
            phase = stdout;
            if (phase !== "Building") await new Promise((r) => setTimeout(r, 100));
          }
          expect(phase, log).toBe("Building");

          // SIGTERM (what the kubelet sends): a graceful stop, exit 0
          const code = new Promise((done) => exited.on("exit", (c) => done(c)));
          exited.kill("SIGTERM");
          expect(await code, log).toBe(0);
          operator = undefined;
        } finally {
          operator?.kill("SIGKILL");
          await plane?.stop();
        }
      },
      300_000,
    );
  },
);
