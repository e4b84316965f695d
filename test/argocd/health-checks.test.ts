/**
 * The Argo CD health checks (deploy/argocd/resource_customizations/payload.okd.io/<Kind>/health.lua),
 * run by `lua5.1` as Argo CD runs them (the object in `obj`), from the argocd-cm that `kubectl
 * kustomize deploy/argocd` renders, on PayloadBuild and ReleaseStream objects recorded from the
 * operator's own end-to-end runs (test/argocd/fixtures, see its README).
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { describeWithTools } from "../support/required-tool.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const FIXTURES = join(import.meta.dirname, "fixtures");
const RUNNER = join(import.meta.dirname, "run-health.lua");
const KINDS = ["PayloadBuild", "ReleaseStream"] as const;

type Health = { status: string; message: string };
type Condition = { type: string; status: string; reason?: string; message?: string };
type Recorded = {
  metadata: { generation?: number };
  status?: { observedGeneration?: number; conditions?: Condition[] };
};

/** The health each recorded moment must get (the moment is what the e2e test waited for). */
const EXPECTED: Record<string, string> = {
  progressing: "Progressing",
  "spec-changed": "Progressing",
  rejected: "Progressing",
  ready: "Healthy",
  degraded: "Degraded",
  invalid: "Degraded",
};
/** Moments every kind must have a fixture of. */
const REQUIRED = ["progressing", "ready", "degraded", "invalid"];

describeWithTools(["lua5.1", "kubectl"])("Argo CD health checks on recorded objects", () => {
  let work = "";
  const scripts = new Map<string, string>();

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "argocd-health-"));
    const { stdout } = await run("kubectl", ["kustomize", join(ROOT, "deploy/argocd")]);
    const cm = parseAllDocuments(stdout)
      .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> })
      .find((o) => o.kind === "ConfigMap" && o.metadata?.name === "argocd-cm");
    for (const kind of KINDS) {
      const script = cm?.data?.[`resource.customizations.health.payload.okd.io_${kind}`];
      if (script === undefined) throw new Error(`argocd-cm has no health check for ${kind}`);
      const path = join(work, `${kind}.lua`);
      await writeFile(path, script);
      scripts.set(kind, path);
    }
  });

  afterAll(async () => {
    if (work !== "") await rm(work, { recursive: true, force: true });
  });

  async function health(kind: string, object: unknown): Promise<Health> {
    const path = join(work, `object-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(path, JSON.stringify(object));
    const { stdout } = await run("lua5.1", [RUNNER, scripts.get(kind) ?? "", path]);
    return JSON.parse(stdout) as Health;
  }

  async function fixtures(kind: string): Promise<{ file: string; moment: string; object: Recorded }[]> {
    const files = (await readdir(join(FIXTURES, kind))).filter((f) => f.endsWith(".json")).sort();
    return Promise.all(
      files.map(async (file) => ({
        file,
        moment: file.split(".")[0] ?? "",
        object: JSON.parse(await readFile(join(FIXTURES, kind, file), "utf8")) as Recorded,
      })),
    );
  }

  const condition = (o: Recorded, type: string) => o.status?.conditions?.find((c) => c.type === type);

  for (const kind of KINDS) {
    it(`${kind}: every recorded moment gets its health, with the condition's message`, async () => {
      const recorded = await fixtures(kind);
      for (const moment of REQUIRED)
        expect(
          recorded.some((r) => r.moment === moment),
          `a recorded ${kind} fixture for ${moment}`,
        ).toBe(true);
      for (const { file, moment, object } of recorded) {
        const expected = EXPECTED[moment];
        expect(expected, `${file}: unknown moment ${moment}`).toBeDefined();
        const got = await health(kind, object);
        expect(got.status, `${file}: ${got.message}`).toBe(expected);
        expect(got.message.length, file).toBeGreaterThan(0);
        const stale = (object.status?.observedGeneration ?? 0) < (object.metadata.generation ?? 0);
        if (stale) {
          expect(got.message, file).toContain(`observe generation ${object.metadata.generation ?? ""}`);
        } else if (moment === "invalid") {
          const invalid = object.status?.conditions?.find((c) => c.reason === "InvalidSpec");
          expect(got.message, file).toBe(`InvalidSpec: ${invalid?.message ?? ""}`);
        } else if (moment === "degraded") {
          expect(got.message, file).toBe(
            `${condition(object, "Degraded")?.reason ?? ""}: ${condition(object, "Degraded")?.message ?? ""}`,
          );
        } else if (moment === "ready") {
          expect(got.message, file).toBe(
            `${condition(object, "Ready")?.reason ?? ""}: ${condition(object, "Ready")?.message ?? ""}`,
          );
        }
      }
    });

    it(`${kind}: a Ready object whose spec changed since (generation ahead of observedGeneration) is Progressing`, async () => {
      const ready = (await fixtures(kind)).find((r) => r.moment === "ready");
      const object = structuredClone(ready?.object) as Recorded;
      const generation = (object.status?.observedGeneration ?? 1) + 1;
      object.metadata.generation = generation;
      const got = await health(kind, object);
      expect(got).toEqual({
        status: "Progressing",
        message: `Waiting for the operator to observe generation ${generation} (status describes ${generation - 1})`,
      });
    });

    it(`${kind}: an object the operator has not written a status to yet is Progressing`, async () => {
      const ready = (await fixtures(kind)).find((r) => r.moment === "ready");
      const { status: _status, ...object } = structuredClone(ready?.object) as Recorded;
      expect(await health(kind, object)).toEqual({
        status: "Progressing",
        message: `Waiting for the operator to report the ${kind}'s status`,
      });
    });
  }
});
