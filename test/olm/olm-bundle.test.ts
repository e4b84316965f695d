/**
 * The OLM bundle (deploy/olm/bundle) and file-based catalog (deploy/olm/catalog), checked by the
 * tools OperatorHub runs: operator-framework/api's validators (default bundle validators plus the
 * OperatorHub, capabilities, categories, good-practices, deprecated-API and community ones; our
 * test/olm-validate program) and opm (`opm validate`, `opm render`). Both are built from their Go
 * modules by `npm run olm-tools:build`. Also: the CSV's install strategy is the Deployment and RBAC
 * of deploy/install.yaml, and its alm-examples are config/samples.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse, parseAllDocuments, stringify } from "yaml";
import { describeWithTools, locateTool } from "../support/required-tool.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const BUNDLE = join(ROOT, "deploy/olm/bundle");
const CATALOG = join(ROOT, "deploy/olm/catalog");
const CSV_FILE = "manifests/okd-payload-operator.clusterserviceversion.yaml";

type Obj = Record<string, unknown> & { kind?: string; metadata?: { name?: string } };
type Finding = { level?: string; validator?: string; detail?: string; summary?: boolean; errors?: number };

async function yamlDocuments(path: string): Promise<Obj[]> {
  return parseAllDocuments(await readFile(path, "utf8"))
    .map((d) => d.toJS() as Obj | null)
    .filter((o): o is Obj => o !== null);
}

async function validate(dir: string): Promise<{ code: number; findings: Finding[] }> {
  const tool = locateTool("olm-validate") ?? "olm-validate";
  const result = await run(tool, [dir]).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({
      code: err.code ?? -1,
      stdout: `${err.stdout ?? ""}${err.stderr ?? ""}`,
    }),
  );
  const findings = result.stdout
    .trim()
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Finding);
  return { code: result.code, findings };
}

async function opm(args: readonly string[]): Promise<{ code: number; out: string }> {
  return run(locateTool("opm") ?? "opm", [...args], { maxBuffer: 64 * 1024 * 1024 }).then(
    (r) => ({ code: 0, out: r.stdout + r.stderr }),
    (err: { code?: number; stdout?: string; stderr?: string }) => ({
      code: err.code ?? -1,
      out: `${err.stdout ?? ""}${err.stderr ?? ""}`,
    }),
  );
}

describeWithTools(["olm-validate", "opm"])("OLM bundle and catalog", () => {
  let work = "";
  let csv: Obj & {
    metadata: { name: string; annotations: Record<string, string> };
    spec: Record<string, unknown>;
  };

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "olm-"));
    csv = parse(await readFile(join(BUNDLE, CSV_FILE), "utf8")) as typeof csv;
  });

  afterAll(async () => {
    if (work !== "") await rm(work, { recursive: true, force: true });
  });

  /** A copy of the bundle with the CSV changed by `edit`. */
  async function brokenBundle(name: string, edit: (csv: Record<string, unknown>) => void): Promise<string> {
    const dir = join(work, name);
    await cp(BUNDLE, dir, { recursive: true });
    const copy = structuredClone(csv) as Record<string, unknown>;
    edit(copy);
    await writeFile(join(dir, CSV_FILE), stringify(copy));
    return dir;
  }

  it("passes operator-framework/api's bundle, OperatorHub and good-practices validators with no error or warning", async () => {
    const { code, findings } = await validate(BUNDLE);
    expect(findings.filter((f) => f.summary !== true)).toEqual([]);
    expect(findings.at(-1)).toMatchObject({
      summary: true,
      bundle: csv.metadata.name,
      errors: 0,
      warnings: 0,
    });
    expect(code).toBe(0);
  });

  it("the validators do fail a bundle OperatorHub would refuse (an alm-example of a kind it does not own, no icon)", async () => {
    const dir = await brokenBundle("broken", (c) => {
      const annotations = (c["metadata"] as { annotations: Record<string, string> }).annotations;
      annotations["alm-examples"] = JSON.stringify([
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
      ]);
      delete (c["spec"] as Record<string, unknown>)["icon"];
    });
    const { code, findings } = await validate(dir);
    expect(code).toBe(1);
    const errors = findings.filter((f) => f.level === "error").map((f) => f.detail ?? "");
    expect(errors.some((d) => d.includes("Widget"))).toBe(true);
    const warnings = findings.filter((f) => f.level === "warning").map((f) => `${f.validator}: ${f.detail}`);
    expect(warnings.some((d) => d.startsWith("operatorhub:") && d.includes("Icon not specified"))).toBe(true);
  });

  it("opm validate accepts the file-based catalog and refuses one whose channel names a missing bundle", async () => {
    expect(await opm(["validate", CATALOG])).toEqual({ code: 0, out: "" });
    const broken = join(work, "catalog");
    await cp(CATALOG, broken, { recursive: true });
    const file = join(broken, "okd-payload-operator/catalog.yaml");
    const docs = await yamlDocuments(file);
    const channel = docs.find((d) => d["schema"] === "olm.channel") as { entries: { name: string }[] };
    channel.entries = [{ name: "okd-payload-operator.v9.9.9" }];
    await writeFile(file, docs.map((d) => stringify(d)).join("---\n"));
    const result = await opm(["validate", broken]);
    expect(result.code).not.toBe(0);
    // The channel no longer lists the one bundle: opm names it.
    expect(result.out).toContain("okd-payload-operator.v0.1.0");
    expect(result.out).toContain("not found in any channel entries");
  });

  it("the catalog's bundle entry is what opm render makes of the bundle (properties and related images)", async () => {
    const { code, out } = await opm(["render", BUNDLE, "-o", "json"]);
    expect(code).toBe(0);
    const rendered = JSON.parse(out) as Obj & { properties: unknown[]; relatedImages: { name: string }[] };
    const ours = (await yamlDocuments(join(CATALOG, "okd-payload-operator/catalog.yaml"))).find(
      (d) => d["schema"] === "olm.bundle",
    ) as Obj & { properties: unknown[]; relatedImages: { name: string }[]; image: string };
    expect(ours.image).toBe("quay.io/okd/okd-payload-operator-bundle:v0.1.0");
    expect(rendered["name"]).toBe(csv.metadata.name);
    expect(ours.properties).toEqual(rendered.properties);
    // A bundle rendered from its image also lists the bundle image itself (name "").
    expect(ours.relatedImages.filter((i) => i.name !== "")).toEqual(rendered.relatedImages);
  });

  it("installs the Deployment and RBAC of deploy/install.yaml (same sources), watching OLM's target namespaces", async () => {
    const install = await yamlDocuments(join(ROOT, "deploy/install.yaml"));
    const byKindName = (kind: string, name: string) =>
      install.find((o) => o.kind === kind && o.metadata?.name === name) as Obj & Record<string, unknown>;
    const strategy = (csv.spec["install"] as { spec: Record<string, unknown> }).spec as {
      deployments: {
        name: string;
        spec: { template: { spec: { containers: { env?: { name: string }[] }[] } } };
      }[];
      clusterPermissions: { serviceAccountName: string; rules: unknown[] }[];
      permissions: { serviceAccountName: string; rules: unknown[] }[];
    };
    const clusterRole = byKindName("ClusterRole", "okd-payload-operator-manager-role");
    expect(strategy.clusterPermissions).toEqual([
      { serviceAccountName: "okd-payload-operator-controller-manager", rules: clusterRole["rules"] },
    ]);
    const leaderRole = byKindName("Role", "okd-payload-operator-leader-election-role");
    expect(strategy.permissions).toEqual([
      { serviceAccountName: "okd-payload-operator-controller-manager", rules: leaderRole["rules"] },
    ]);
    const deployment = strategy.deployments[0];
    const installed = byKindName("Deployment", "okd-payload-operator-controller-manager");
    expect(deployment?.name).toBe("okd-payload-operator-controller-manager");
    const withoutWatch = (spec: unknown) => {
      const copy = structuredClone(spec) as {
        template: { spec: { containers: { env?: { name: string }[] }[] } };
      };
      for (const c of copy.template.spec.containers)
        c.env = (c.env ?? []).filter((e) => e.name !== "WATCH_NAMESPACE");
      return copy;
    };
    expect(withoutWatch(deployment?.spec)).toEqual(withoutWatch(installed["spec"]));
    expect(deployment?.spec.template.spec.containers[0]?.env).toContainEqual({
      name: "WATCH_NAMESPACE",
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['olm.targetNamespaces']" } },
    });
  });

  it("alm-examples are the PayloadBuild and ReleaseStream of config/samples; the bundle labels match metadata/annotations.yaml", async () => {
    const examples = JSON.parse(csv.metadata.annotations["alm-examples"] ?? "[]") as Obj[];
    const samples = [
      ...(await yamlDocuments(join(ROOT, "config/samples/payloadbuild.yaml"))),
      ...(await yamlDocuments(join(ROOT, "config/samples/releasestream.yaml"))),
    ].map((s) => {
      const { namespace: _ns, ...metadata } = s["metadata"] as Record<string, unknown>;
      return { ...s, metadata };
    });
    expect(examples).toEqual(samples);
    const annotations = (
      parse(await readFile(join(BUNDLE, "metadata/annotations.yaml"), "utf8")) as {
        annotations: Record<string, string>;
      }
    ).annotations;
    const dockerfile = await readFile(join(ROOT, "deploy/olm/bundle.Dockerfile"), "utf8");
    const labels = Object.fromEntries(
      dockerfile
        .split("\n")
        .filter((l) => l.startsWith("LABEL "))
        .map((l) => l.slice("LABEL ".length).split("=") as [string, string]),
    );
    expect(labels).toEqual(annotations);
    expect(annotations["operators.operatorframework.io.bundle.package.v1"]).toBe("okd-payload-operator");
  });
});
