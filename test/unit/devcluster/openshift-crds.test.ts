/**
 * The CRD files of test/control-plane/crds/ (OpenShift and Shipwright kinds): each is one valid,
 * structural `apiextensions.k8s.io/v1` CRD by the dev cluster's checks, says what upstream it
 * follows, and turns into the served definitions the real APIs have.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { builtInResources } from "../../../src/devcluster/builtin-resources.js";
import { CelValidator } from "../../../src/devcluster/cel-validator.js";
import { definitionsFromCrd } from "../../../src/devcluster/crd-definitions.js";
import { validateObject } from "../../../src/devcluster/object-rules.js";
import {
  OPENSHIFT_CRD_DIR,
  OPENSHIFT_CRD_NAMES,
  readOpenShiftCrds,
} from "../../../src/devcluster/openshift-crds.js";
import { SchemaValidator } from "../../../src/devcluster/schema-validator.js";
import {
  isJsonObject,
  type JsonObject,
  type JsonValue,
  type KubeObject,
} from "../../../src/devcluster/types.js";

interface CrdFile {
  readonly file: string;
  readonly text: string;
  readonly crd: KubeObject;
}

async function crdFiles(): Promise<CrdFile[]> {
  const names = (await readdir(OPENSHIFT_CRD_DIR)).filter((n) => n.endsWith(".yaml")).sort();
  return Promise.all(
    names.map(async (file) => {
      const text = await readFile(join(OPENSHIFT_CRD_DIR, file), "utf8");
      const docs = parseAllDocuments(text);
      if (docs.length !== 1) throw new Error(`${file}: expected one YAML document, found ${docs.length}`);
      return { file, text, crd: docs[0]?.toJSON() as KubeObject };
    }),
  );
}

function schemaOf(crd: KubeObject): JsonObject {
  const spec = crd["spec"] as JsonObject;
  const version = (spec["versions"] as JsonObject[])[0] as JsonObject;
  return (version["schema"] as JsonObject)["openAPIV3Schema"] as JsonObject;
}

/** Violations of the structural-schema rules of apiextensions-apiserver (and of our own: no unknown-preserving spec/status). */
function structuralProblems(node: JsonObject, path: string): string[] {
  const problems: string[] = [];
  const intOrString = node["x-kubernetes-int-or-string"] === true;
  if (node["type"] === undefined && !intOrString) problems.push(`${path}: type must be set`);
  if (node["anyOf"] !== undefined && !intOrString) problems.push(`${path}: anyOf only for int-or-string`);
  const props = node["properties"];
  if (props !== undefined && node["additionalProperties"] !== undefined)
    problems.push(`${path}: properties and additionalProperties are exclusive`);
  if (node["type"] === "array" && !isJsonObject(node["items"])) problems.push(`${path}: array without items`);
  if (node["type"] !== "object" && (props !== undefined || node["required"] !== undefined))
    problems.push(`${path}: properties/required on a non-object`);
  const propNames = isJsonObject(props) ? Object.keys(props) : [];
  for (const r of (node["required"] as string[] | undefined) ?? [])
    if (!propNames.includes(r) && node["x-kubernetes-preserve-unknown-fields"] !== true)
      problems.push(`${path}: required ${r} is not a property`);
  if (Array.isArray(node["enum"]))
    for (const v of node["enum"])
      if (typeof v !== (node["type"] === "integer" ? "number" : node["type"]))
        problems.push(`${path}: enum value ${JSON.stringify(v)} is not a ${String(node["type"])}`);
  if (node["x-kubernetes-list-type"] === "map") {
    const items = node["items"] as JsonObject;
    const itemProps = isJsonObject(items["properties"]) ? items["properties"] : {};
    const required = (items["required"] as string[] | undefined) ?? [];
    for (const key of (node["x-kubernetes-list-map-keys"] as string[] | undefined) ?? [])
      if (
        itemProps[key] === undefined ||
        (!required.includes(key) && (itemProps[key] as JsonObject)["default"] === undefined)
      )
        problems.push(`${path}: list-map key ${key} must be a required (or defaulted) property`);
  }
  for (const rule of (node["x-kubernetes-validations"] as JsonObject[] | undefined) ?? []) {
    const fieldPath = rule["fieldPath"];
    if (typeof fieldPath !== "string") continue;
    let at: JsonValue | undefined = node;
    for (const part of fieldPath.split(".").slice(1))
      at = isJsonObject(at) && isJsonObject(at["properties"]) ? at["properties"][part] : undefined;
    if (at === undefined) problems.push(`${path}: rule fieldPath ${fieldPath} names no property`);
  }
  if (isJsonObject(props))
    for (const [k, v] of Object.entries(props))
      if (isJsonObject(v)) problems.push(...structuralProblems(v, `${path}.${k}`));
  for (const k of ["items", "additionalProperties"] as const) {
    const child = node[k];
    if (isJsonObject(child)) problems.push(...structuralProblems(child, `${path}.${k}`));
  }
  return problems;
}

const EXPECTED: Record<
  string,
  { kind: string; scope: string; shortNames?: string[]; categories?: string[] }
> = {
  "imagestreams.image.openshift.io": {
    kind: "ImageStream",
    scope: "Namespaced",
    shortNames: ["is"],
    categories: ["all"],
  },
  "buildconfigs.build.openshift.io": {
    kind: "BuildConfig",
    scope: "Namespaced",
    shortNames: ["bc"],
    categories: ["all"],
  },
  "builds.build.openshift.io": { kind: "Build", scope: "Namespaced", categories: ["all"] },
  "builds.shipwright.io": { kind: "Build", scope: "Namespaced" },
  "buildruns.shipwright.io": { kind: "BuildRun", scope: "Namespaced", shortNames: ["br", "brs"] },
  "buildstrategies.shipwright.io": { kind: "BuildStrategy", scope: "Namespaced", shortNames: ["bs", "bss"] },
  "clusterbuildstrategies.shipwright.io": {
    kind: "ClusterBuildStrategy",
    scope: "Cluster",
    shortNames: ["cbs", "cbss"],
  },
};

describe("the OpenShift and Shipwright CRD files", () => {
  it("are one file per CRD, named after it, exactly the ones the dev cluster serves", async () => {
    const files = await crdFiles();
    expect(files.map((f) => f.file)).toEqual(OPENSHIFT_CRD_NAMES.map((n) => `${n}.yaml`).sort());
    for (const { file, crd } of files) {
      expect(crd.apiVersion).toBe("apiextensions.k8s.io/v1");
      expect(crd.kind).toBe("CustomResourceDefinition");
      expect(`${crd.metadata.name ?? ""}.yaml`).toBe(file);
    }
  });

  it("pass the dev cluster's CRD validation (names, versions, CEL rules compile)", async () => {
    const crdDef = builtInResources().find((d) => d.plural === "customresourcedefinitions");
    if (crdDef === undefined) throw new Error("no CRD definition");
    const validators = { schemas: new SchemaValidator(), cel: new CelValidator() };
    for (const { crd } of await crdFiles())
      expect(() => validateObject(crdDef, crd, undefined, validators)).not.toThrow();
  });

  it("have structural schemas, with typed (not unknown-preserving) spec and status", async () => {
    for (const { file, crd } of await crdFiles()) {
      const schema = schemaOf(crd);
      expect(structuralProblems(schema, file)).toEqual([]);
      const props = schema["properties"] as JsonObject;
      expect(props["metadata"]).toEqual({ type: "object" });
      for (const part of ["spec", "status"]) {
        const node = props[part] as JsonObject;
        expect(node["type"], `${file} ${part}`).toBe("object");
        expect(node["x-kubernetes-preserve-unknown-fields"], `${file} ${part}`).toBeUndefined();
      }
    }
  });

  it("say which upstream types they follow and that they stand in for the real API", async () => {
    for (const { file, text } of await crdFiles()) {
      const header = text.slice(0, text.indexOf("apiVersion:"));
      expect(header, file).toMatch(/stand-in/);
      expect(header, file).toMatch(file.includes("shipwright") ? /shipwright-io\/build/ : /openshift\/api/);
    }
  });

  it("serve the names, scopes, status subresource and (dev cluster only) instantiate of the real APIs", async () => {
    for (const { crd } of await crdFiles()) {
      const name = crd.metadata.name ?? "";
      const [def, ...more] = definitionsFromCrd(crd);
      expect(more).toEqual([]);
      const want = EXPECTED[name];
      expect(def, name).toMatchObject({
        kind: want?.kind,
        namespaced: want?.scope === "Namespaced",
        shortNames: want?.shortNames ?? [],
        categories: want?.categories ?? [],
        statusSubresource: true,
        extraSubresources: name === "buildconfigs.build.openshift.io" ? ["instantiate"] : [],
        storageVersion: true,
      });
      expect(def?.printerColumns.length, name).toBeGreaterThan(name.includes("strategies") ? -1 : 2);
    }
  });

  it("are read from the package root, and their absence is an error naming the directory", async () => {
    const crds = await readOpenShiftCrds();
    expect(crds.map((c) => (c["metadata"] as JsonObject)["name"]).sort()).toEqual(
      [...OPENSHIFT_CRD_NAMES].sort(),
    );
    const empty = await mkdtemp(join(tmpdir(), "no-crds-"));
    try {
      await expect(readOpenShiftCrds(empty)).rejects.toThrow(
        `${join(empty, OPENSHIFT_CRD_DIR)}, but imagestreams.image.openshift.io`,
      );
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
