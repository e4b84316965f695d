import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  FORBIDDEN_SCHEMA_KEYWORDS,
  allCrds,
  toStructuralSchema,
  type JsonSchema,
} from "../../../src/api/index.js";

type Visit = (node: JsonSchema, path: string) => void;

function walk(node: JsonSchema, path: string, visit: Visit): void {
  visit(node, path);
  const props = node.properties as Record<string, JsonSchema> | undefined;
  for (const [name, child] of Object.entries(props ?? {})) walk(child, `${path}.${name}`, visit);
  if (node.items !== undefined) walk(node.items as JsonSchema, `${path}[]`, visit);
  if (typeof node.additionalProperties === "object")
    walk(node.additionalProperties as JsonSchema, `${path}{*}`, visit);
}

function structuralViolations(root: JsonSchema): string[] {
  const problems: string[] = [];
  walk(root, "", (node, path) => {
    for (const key of FORBIDDEN_SCHEMA_KEYWORDS) if (key in node) problems.push(`${path}: ${key}`);
    const intOrString = node["x-kubernetes-int-or-string"] === true;
    const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
    if (intOrString) {
      expect(node.anyOf, path).toEqual([{ type: "integer" }, { type: "string" }]);
      if ("type" in node) problems.push(`${path}: int-or-string with type`);
      return;
    }
    if ("anyOf" in node) problems.push(`${path}: anyOf outside int-or-string`);
    if (typeof node.type !== "string") problems.push(`${path}: no type`);
    if (node.additionalProperties !== undefined) {
      if (node.properties !== undefined) problems.push(`${path}: properties + additionalProperties`);
      const value = node.additionalProperties as JsonSchema | boolean;
      if (typeof value !== "object") problems.push(`${path}: additionalProperties must be a schema`);
    }
    if (preserve && node.type !== "object") problems.push(`${path}: preserve-unknown-fields on non-object`);
    if (node.type === "object" && node.properties === undefined && node.additionalProperties === undefined) {
      if (!preserve && path !== ".metadata") problems.push(`${path}: object without properties`);
    }
    if (node["x-kubernetes-list-type"] === "map") {
      const keys = node["x-kubernetes-list-map-keys"] as string[];
      const required = ((node.items as JsonSchema).required ?? []) as string[];
      for (const key of keys)
        if (!required.includes(key)) problems.push(`${path}: map key ${key} not required`);
    }
    if (node.uniqueItems === true) problems.push(`${path}: uniqueItems`);
  });
  return problems;
}

describe("generated CRDs", () => {
  for (const crd of allCrds()) {
    const version = (crd.spec.versions as JsonSchema[])[0] as JsonSchema;
    const schema = (version.schema as { openAPIV3Schema: JsonSchema }).openAPIV3Schema;
    describe(crd.metadata.name, () => {
      it("has a structural openAPIV3Schema", () => {
        expect(structuralViolations(schema)).toEqual([]);
      });
      it("is namespaced with a status subresource, printer columns and short names", () => {
        expect(crd.spec.scope).toBe("Namespaced");
        expect(version.subresources).toEqual({ status: {} });
        expect((version.additionalPrinterColumns as unknown[]).length).toBeGreaterThan(2);
        expect((crd.spec.names as { shortNames: string[] }).shortNames.length).toBeGreaterThan(0);
      });
      it("describes every spec field for kubectl explain", () => {
        const undocumented: string[] = [];
        const spec = (schema.properties as Record<string, JsonSchema>).spec as JsonSchema;
        walk(spec, "spec", (node, path) => {
          if (!path.endsWith("[]") && !path.endsWith("{*}") && typeof node.description !== "string")
            undocumented.push(path);
        });
        expect(undocumented).toEqual([]);
      });
    });
  }

  it("keeps schema defaults and list-map keys for PayloadBuild", () => {
    const [pb] = allCrds();
    const text = JSON.stringify(pb);
    expect(text).toContain('"default":8');
    expect(text).toContain('"default":"cluster-version-operator"');
    expect(text).toContain('"x-kubernetes-list-map-keys":["name"]');
  });

  it("refuses schemas that cannot be structural", () => {
    expect(() => toStructuralSchema(z.object({ a: z.union([z.string(), z.int()]) }))).toThrow(/anyOf/);
    expect(() => toStructuralSchema(z.object({ a: z.record(z.string(), z.unknown()) }))).toThrow(/preserve/);
  });
});
