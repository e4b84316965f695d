/**
 * The hostile and wrong input corpus (`test/support/hostile-input-corpus.ts`) against
 * `payloadctl validate` and against admission on both API servers: the dev cluster and a real
 * kube-apiserver serving the generated CRD. Schema violations must be refused at admission with
 * their field paths on both; everything else must be admitted (the operator's verdict on those is
 * `hostile-input.real.e2e.test.ts`'s). Also: both refuse an Event note of 1,895 bytes of Cyrillic and
 * accept it as the recorder cuts it.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { CliError, type CliIo } from "../../../src/cli/cli-io.js";
import { validateCommand } from "../../../src/cli/validate-command.js";
import { startControlPlane, type ControlPlane } from "../../../src/control-plane/control-plane.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS, EVENTS } from "../../../src/kube/resource.js";
import { silentLogger } from "../../../src/observability/logger.js";
import type { PayloadBuildStatus } from "../../../src/api/index.js";
import { PAYLOAD_BUILDS } from "../../../src/payload-build/payload-build-controller.js";
import {
  fitStatusToObjectLimit,
  STATUS_TRUNCATED_CONDITION,
} from "../../../src/payload-build/status-size.js";
import { systemClock } from "../../../src/runtime/clock.js";
import { EventRecorder } from "../../../src/runtime/event-recorder.js";
import { createNamespace, startClusterAndClient } from "../../support/dev-cluster-fixture.js";
import { hostileInputCorpus, type HostileCase } from "../../support/hostile-input-corpus.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../../support/required-tool.js";

const CRDS = resolve(import.meta.dirname, "../../../crds");
const corpus = hostileInputCorpus();
const documents = corpus.filter((c) => c.outcome !== "yaml");

/** What `payloadctl validate -f FILE` printed and its exit status (1 also for a CliError). */
async function validate(file: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let exitCode = 0;
  const io: CliIo = {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readStdin: () => Promise.resolve(""),
    setExitCode: (code) => (exitCode = code),
  };
  try {
    await validateCommand(io).parseAsync(["-f", file], { from: "user" });
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    stderr += `${error.message}\n`;
    exitCode = 1;
  }
  return { exitCode, stdout, stderr };
}

describe("the hostile input corpus", () => {
  it("holds at least 50 documents, each kind of outcome", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    for (const outcome of ["admission", "invalid", "yaml", "valid"])
      expect(corpus.filter((c) => c.outcome === outcome).length).toBeGreaterThan(0);
  });
});

describe("payloadctl validate on the hostile input corpus", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "hostile-validate-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(corpus.map((c) => [c.file, c] as const))("%s", async (_, c: HostileCase) => {
    const file = join(dir, c.file.replace(/[:/]/g, "_"));
    await writeFile(file, c.text);
    const started = performance.now();
    const result = await validate(file);
    expect(performance.now() - started).toBeLessThan(5_000); // 20,000 components in seconds, not minutes
    if (c.outcome === "valid") {
      expect(result).toMatchObject({ exitCode: 0, stderr: "" });
      return;
    }
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(/call stack|ReferenceError|TypeError|at .*\.ts:\d+/);
    if (c.outcome === "yaml") {
      expect(result.stderr).toMatch(
        new RegExp(`^${escape(file)}:${c.problems[0] ?? ""}\\d*: invalid YAML/JSON: `),
      );
      return;
    }
    // Every expected path named, and (for semantic errors) nothing else.
    const paths = [...result.stderr.matchAll(new RegExp(`^${escape(file)}: (spec[^:]*): `, "gm"))].map(
      (m) => m[1] ?? "",
    );
    for (const path of c.problems)
      expect(paths.some((p) => p === path || p.startsWith(`${path}.`))).toBe(true);
    if (c.outcome === "invalid") expect(new Set(paths)).toEqual(new Set(c.problems));
    expect(result.stderr).toMatch(/\d+ problems? found\n$/);
  });
});

/** The admission checks on one API server. */
function admissionSuite(server: "dev" | "real"): void {
  let client: KubeClient;
  let ns: string;
  let stop: () => Promise<void>;
  let kubeconfig: string;

  beforeAll(async () => {
    if (server === "dev") {
      const started = await startClusterAndClient();
      client = started.client;
      kubeconfig = started.cluster.kubeconfigPath;
      stop = () => started.cluster.stop();
    } else {
      const plane: ControlPlane = await startControlPlane({ controllerManager: false, crds: [CRDS] });
      client = plane.client;
      kubeconfig = plane.adminKubeconfigPath;
      stop = () => plane.stop();
    }
    ns = await createNamespace(client, "hostile");
  }, 120_000);
  afterAll(async () => {
    await stop?.();
  });

  it.each(documents.map((c) => [c.file, c] as const))("%s", async (_, c: HostileCase) => {
    const object = { ...(parseYaml(c.text) as Record<string, unknown>) };
    const body = { ...object, metadata: { name: nameOf(c), namespace: ns } };
    // kubectl validates strictly (unknown fields refused); a plain create would prune them silently.
    const created = c.file.includes("unknown-field")
      ? kubectlCreate(kubeconfig, body)
      : client.create(PAYLOAD_BUILDS, body);
    if (c.outcome !== "admission") {
      await expect(created).resolves.toMatchObject({ metadata: { name: nameOf(c) } });
      return;
    }
    const error = await created.then(
      () => undefined,
      (e: unknown) => e as { code?: number; message?: string },
    );
    expect(error?.code, `${c.file} was admitted`).toBe(422);
    for (const path of c.problems) expect(error?.message).toContain(path);
  });

  it("refuses to store a status over etcd's object limit, and stores the operator's fitted status", async () => {
    const components = Array.from({ length: 2000 }, (_, i) => ({
      name: `component-${i}`,
      image: `quay.io/okd/c${i}:1`,
    }));
    const created = await client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "huge-status", namespace: ns },
      spec: { imageStream: "release", backend: "prebuilt", components },
    });
    const status: PayloadBuildStatus = {
      phase: "Failed",
      conditions: [],
      components: components.map((c) => ({
        name: c.name,
        state: "Failed",
        message: `pull failed: ${"x".repeat(1000)}`,
      })),
      counts: { total: 2000, waiting: 0, building: 0, landed: 0, failed: 2000, blocked: 0 },
    };
    await expect(client.replaceStatus(PAYLOAD_BUILDS, { ...created, status })).rejects.toMatchObject({
      code: 500,
      message: expect.stringMatching(/request is too large|larger than max/) as unknown,
    });
    const current = await client.get(PAYLOAD_BUILDS, { namespace: ns, name: "huge-status" });
    const fitted = fitStatusToObjectLimit(current, status, new Date());
    expect(fitted.truncated).toBe(true);
    const stored = await client.replaceStatus(PAYLOAD_BUILDS, { ...current, status: fitted.status });
    const written = (stored as { status?: PayloadBuildStatus }).status;
    expect(written?.counts?.failed).toBe(2000);
    expect(written?.components?.length).toBe(2000 - fitted.omitted);
    expect(written?.conditions?.find((c) => c.type === STATUS_TRUNCATED_CONDITION)?.message).toMatch(
      /^(component messages are shortened to 200 characters|status\.components lists \d+ of 2000 components)/,
    );
  });

  it("refuses an Event with a 1,895-byte Cyrillic note and accepts it as the recorder cuts it (1,024 bytes)", async () => {
    const cm = await client.create(CONFIG_MAPS, { metadata: { name: "subject", namespace: ns } });
    const note = `сборка компонента провалилась: ${"ошибка ".repeat(140)}`;
    expect(Buffer.byteLength(note)).toBeGreaterThan(1800);
    const raw = {
      metadata: { name: "raw-note", namespace: ns },
      eventTime: new Date().toISOString().replace(/Z$/, "000Z"),
      reportingController: "example.com/hostile",
      reportingInstance: "test-0",
      action: "Build",
      reason: "Failed",
      type: "Warning",
      note,
      regarding: { apiVersion: "v1", kind: "ConfigMap", name: "subject", namespace: ns },
    };
    await expect(client.create(EVENTS, raw)).rejects.toMatchObject({ code: 422 });
    const recorder = new EventRecorder({
      client,
      clock: systemClock,
      logger: silentLogger(),
      reportingController: "example.com/hostile",
      reportingInstance: "test-0",
    });
    await recorder.record(cm, { type: "Warning", reason: "Failed", action: "Build", note });
    const [event] = (await client.listAll(EVENTS, { namespace: ns })).items;
    const written = String(event?.["note"]);
    expect(Buffer.byteLength(written)).toBeLessThanOrEqual(1024);
    expect(written.endsWith("...")).toBe(true);
    expect(note.startsWith(written.slice(0, -3))).toBe(true);
  });
}

/** `kubectl create --validate=strict -f -`: resolves, or rejects with `{ code: 422, message: stderr }`. */
async function kubectlCreate(kubeconfig: string, body: object): Promise<void> {
  const child = execFile("kubectl", ["--kubeconfig", kubeconfig, "create", "--validate=strict", "-f", "-"]);
  child.stdin?.end(JSON.stringify(body));
  const [code, stderr] = await new Promise<[number | null, string]>((done) => {
    let err = "";
    child.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString()));
    child.on("close", (exit) => done([exit, err]));
  });
  if (code !== 0) throw { code: 422, message: stderr };
}

const nameOf = (c: HostileCase): string =>
  c.file
    .replace(/\.(yaml|json)$/, "")
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 60);
const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describeWithTools(["kubectl"])("admission of the hostile input corpus by the dev cluster", () =>
  admissionSuite("dev"),
);
describeWithTools([...CONTROL_PLANE_TOOLS, "kubectl"])(
  "admission of the hostile input corpus by kube-apiserver",
  () => admissionSuite("real"),
);
