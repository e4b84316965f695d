/**
 * Starts Debian's `docker-registry` (CNCF distribution 2.8) for tests: own config in a temp dir,
 * filesystem storage, 127.0.0.1 on a random port, deletes enabled; optionally htpasswd auth
 * and/or TLS with a self-signed CA made by openssl. Stopped by PID.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { hasTools, missingTools, missingToolsMessage, type ToolName } from "./required-tool.js";

const run = promisify(execFile);

/** Throws naming the install command when one of `tools` is missing (never a raw `spawn ENOENT`). */
function assertTools(tools: readonly ToolName[]): void {
  const missing = missingTools(tools);
  if (missing.length > 0) throw new Error(`cannot start docker-registry: ${missingToolsMessage(missing)}`);
}

/** Options of {@link startDockerRegistry}. */
export interface DockerRegistryOptions {
  /** Require these credentials (htpasswd, bcrypt). */
  readonly htpasswd?: { readonly username: string; readonly password: string };
  /** Serve HTTPS with a certificate for 127.0.0.1/localhost signed by a fresh CA (see `caCert`). */
  readonly tls?: boolean;
  /** Whether manifest deletes are enabled (`storage.delete.enabled`); default true. */
  readonly deletes?: boolean;
  /** Serve the registry's debug endpoints (`/debug/pprof/...`) on 127.0.0.1 at this port (benches). */
  readonly debugPort?: number;
  /** Extra environment of the registry process (e.g. `GOGC` for a bench). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A running registry. */
export interface RunningDockerRegistry {
  /** `127.0.0.1:<port>`: the registry part of references (`docker://${host}/repo:tag`). */
  readonly host: string;
  /** `http://127.0.0.1:<port>` or `https://...` */
  readonly url: string;
  /** Storage and config directory (removed by `stop`). */
  readonly dir: string;
  /** PEM of the CA that signed the server certificate, when `tls` was asked for. */
  readonly caCert?: string;
  /** The CA file path, for skopeo's `--cert-dir`-less use (`--src-cert-dir` wants a dir: use `dir + "/certs"`). */
  readonly certDir?: string;
  readonly pid: number;
  /** Kills the process by PID and removes the directory. */
  stop(): Promise<void>;
}

/** True when the `docker-registry` binary is on PATH (gate tests with `required-tool.ts` instead). */
export async function hasDockerRegistry(): Promise<boolean> {
  return Promise.resolve(hasTools(["docker-registry"]));
}

/** True when an htpasswd bcrypt line can be made here (apache2-utils, or python3 with crypt(3) bcrypt). */
export async function canMakeBcrypt(): Promise<boolean> {
  return bcryptHtpasswdLine("probe", "probe").then(
    () => true,
    () => false,
  );
}

/**
 * A bcrypt htpasswd line at the lowest cost (4: the registry checks it on every request): `htpasswd -nbB`
 * when apache2-utils is installed, else Python's crypt(3) (libxcrypt, Debian 12).
 */
export async function bcryptHtpasswdLine(username: string, password: string): Promise<string> {
  try {
    const { stdout } = await run("htpasswd", ["-nbB", "-C", "4", username, password]);
    return stdout.trim();
  } catch {
    const script =
      "import crypt,sys; print(sys.argv[1] + ':' + crypt.crypt(sys.argv[2], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))";
    const { stdout } = await run("python3", ["-W", "ignore", "-c", script, username, password]);
    const line = stdout.trim();
    if (!/^[^:]+:\$2[aby]\$/.test(line))
      throw new Error("no bcrypt available: install apache2-utils (htpasswd)");
    return line;
  }
}

async function makeCertificates(
  dir: string,
): Promise<{ caCert: string; cert: string; key: string; certDir: string }> {
  const certDir = join(dir, "certs");
  await run("mkdir", ["-p", certDir]);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await run("openssl", [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    join(dir, "ca.key"),
    "-out",
    join(certDir, "ca.crt"),
    "-days",
    "2",
    "-subj",
    "/CN=test registry CA",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign",
  ]);
  await run("openssl", [
    "req",
    ...ec,
    "-keyout",
    join(dir, "server.key"),
    "-out",
    join(dir, "server.csr"),
    "-subj",
    "/CN=127.0.0.1",
  ]);
  await writeFile(
    join(dir, "san.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
  );
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    join(dir, "server.csr"),
    "-CA",
    join(certDir, "ca.crt"),
    "-CAkey",
    join(dir, "ca.key"),
    "-CAcreateserial",
    "-out",
    join(dir, "server.crt"),
    "-days",
    "2",
    "-extfile",
    join(dir, "san.ext"),
  ]);
  return {
    caCert: await readFile(join(certDir, "ca.crt"), "utf8"),
    cert: join(dir, "server.crt"),
    key: join(dir, "server.key"),
    certDir,
  };
}

/** Starts a registry; resolves once it listens. */
export async function startDockerRegistry(
  options: DockerRegistryOptions = {},
): Promise<RunningDockerRegistry> {
  assertTools(options.tls === true ? ["docker-registry", "openssl"] : ["docker-registry"]);
  const dir = await mkdtemp(join(tmpdir(), "docker-registry-"));
  const lines = [
    "version: 0.1",
    "log: {level: info}",
    `storage: {filesystem: {rootdirectory: ${JSON.stringify(join(dir, "data"))}}, delete: {enabled: ${options.deletes === false ? "false" : "true"}}, cache: {blobdescriptor: inmemory}}`,
  ];
  let tls: Awaited<ReturnType<typeof makeCertificates>> | undefined;
  const http = ['addr: "127.0.0.1:0"', "secret: test"];
  if (options.tls === true) {
    tls = await makeCertificates(dir);
    http.push(`tls: {certificate: ${JSON.stringify(tls.cert)}, key: ${JSON.stringify(tls.key)}}`);
  }
  if (options.debugPort !== undefined) http.push(`debug: {addr: "127.0.0.1:${options.debugPort}"}`);
  lines.push(`http: {${http.join(", ")}}`);
  if (options.htpasswd !== undefined) {
    const file = join(dir, "htpasswd");
    await writeFile(
      file,
      `${await bcryptHtpasswdLine(options.htpasswd.username, options.htpasswd.password)}\n`,
    );
    lines.push(`auth: {htpasswd: {realm: test-registry, path: ${JSON.stringify(file)}}}`);
  }
  const config = join(dir, "config.yml");
  await writeFile(config, `${lines.join("\n")}\n`);

  const child = spawn("docker-registry", ["serve", config], {
    stdio: ["ignore", "pipe", "pipe"],
    ...(options.env === undefined ? {} : { env: { ...process.env, ...options.env } }),
  });
  const pid = child.pid;
  if (pid === undefined)
    throw new Error("docker-registry did not start (is the docker-registry package installed?)");
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) process.kill(pid, "SIGKILL");
    await exited;
    await rm(dir, { recursive: true, force: true });
  };
  let log = "";
  const address = await new Promise<string>((resolve, reject) => {
    const onData = (data: Buffer): void => {
      log += data.toString();
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (match?.[1] === undefined) return;
      // Only the start-up log is looked at: the registry logs every request at level info, and
      // keeping and re-scanning all of it cost seconds of CPU per thousand pushes.
      child.stdout.off("data", onData);
      child.stderr.off("data", onData);
      resolve(match[1]);
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) =>
      reject(new Error(`docker-registry exited (${code}) before listening:\n${log}`)),
    );
    child.once("error", reject);
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  child.stdout.resume();
  child.stderr.resume();
  const scheme = tls === undefined ? "http" : "https";
  return {
    host: address,
    url: `${scheme}://${address}`,
    dir,
    pid,
    stop,
    ...(tls === undefined ? {} : { caCert: tls.caCert, certDir: tls.certDir }),
  };
}
