import { describe, expect, it } from "vitest";
import { CelValidator } from "../../../src/devcluster/cel-validator.js";
import { SchemaValidator, fieldPath } from "../../../src/devcluster/schema-validator.js";
import {
  applyDefaults,
  listUniquenessCauses,
  pruneUnknownFields,
} from "../../../src/devcluster/structural-schema.js";
import type { JsonObject, JsonValue } from "../../../src/devcluster/types.js";

const schema: JsonObject = {
  type: "object",
  properties: {
    spec: {
      type: "object",
      required: ["items"],
      properties: {
        replicas: { type: "integer", minimum: 1, default: 3 },
        mode: { type: "string", enum: ["a", "b"] },
        size: { "x-kubernetes-int-or-string": true },
        retry: { type: "object", default: {}, properties: { attempts: { type: "integer", default: 2 } } },
        items: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["name"],
          items: {
            type: "object",
            required: ["name"],
            properties: { name: { type: "string", pattern: "^[a-z]+$" }, weight: { type: "integer" } },
          },
          "x-kubernetes-validations": [
            { rule: "self.all(i, !has(i.weight) || i.weight < 100)", message: "weights must stay under 100" },
          ],
        },
        extra: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
        note: { type: "string", nullable: true },
      },
      "x-kubernetes-validations": [
        { rule: "!has(oldSelf.mode) || self.mode == oldSelf.mode", message: "mode is immutable" },
      ],
    },
  },
};

describe("structural schema", () => {
  it("prunes unknown fields except under preserve-unknown-fields, reporting their paths", () => {
    const value: JsonValue = {
      apiVersion: "x/v1",
      kind: "X",
      metadata: { name: "n" },
      spec: { items: [{ name: "a", color: "red" }], bogus: 1, extra: { anything: true } },
      top: 1,
    };
    expect(pruneUnknownFields(value, schema)).toEqual(["spec.items[0].color", "spec.bogus", "top"]);
    expect(value).toEqual({
      apiVersion: "x/v1",
      kind: "X",
      metadata: { name: "n" },
      spec: { items: [{ name: "a" }], extra: { anything: true } },
    });
  });

  it("applies defaults, including inside defaulted objects", () => {
    const value: JsonValue = { spec: { items: [] } };
    applyDefaults(value, schema);
    expect(value).toEqual({ spec: { items: [], replicas: 3, retry: { attempts: 2 } } });
  });
});

describe("list uniqueness", () => {
  it("reports duplicate keys of associative lists", () => {
    expect(
      listUniquenessCauses(
        { spec: { items: [{ name: "a" }, { name: "b" }, { name: "a", weight: 1 }] } },
        schema,
      ),
    ).toEqual([
      {
        reason: "FieldValueDuplicate",
        field: "spec.items[2]",
        message: 'Duplicate value: {"name":"a"}',
      },
    ]);
  });
});

describe("schema validation", () => {
  const validator = new SchemaValidator();
  it("reports each problem with its field path and the API server's reason", () => {
    const causes = validator.validate(schema, {
      spec: { replicas: 0, mode: "c", size: true, items: [{ name: "A1" }, { weight: 1 }], note: null },
    });
    expect(causes.map((c) => `${c.field} ${c.reason}`)).toEqual([
      "spec.replicas FieldValueInvalid",
      "spec.mode FieldValueNotSupported",
      "spec.size FieldValueTypeInvalid",
      "spec.items[0].name FieldValueInvalid",
      "spec.items[1].name FieldValueRequired",
    ]);
    expect(causes[0]?.message).toBe(
      "Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
    );
    expect(causes[1]?.message).toBe('Unsupported value: "c": supported values: "a", "b"');
  });

  it("accepts int-or-string values and nullable fields", () => {
    expect(validator.validate(schema, { spec: { items: [], size: "10Gi", note: null } })).toEqual([]);
    expect(validator.validate(schema, { spec: { items: [], size: 3 } })).toEqual([]);
  });

  it("converts instance paths to field paths", () => {
    expect(fieldPath("/spec/items/0/name")).toBe("spec.items[0].name");
    expect(fieldPath("/metadata/labels/a~1b")).toBe("metadata.labels.a/b");
  });
});

describe("CEL rules", () => {
  const cel = new CelValidator();
  it("evaluates rules with self typed by the schema", () => {
    expect(cel.validate(schema, { spec: { items: [{ name: "a", weight: 5 }] } }, undefined)).toEqual([]);
    expect(cel.validate(schema, { spec: { items: [{ name: "a", weight: 500 }] } }, undefined)).toEqual([
      {
        reason: "FieldValueInvalid",
        field: "spec.items",
        message: "Invalid value: weights must stay under 100",
      },
    ]);
  });

  it("uses messageExpression for the message, and reports rules that do not parse", () => {
    const s: JsonObject = {
      type: "object",
      properties: { n: { type: "integer" } },
      "x-kubernetes-validations": [
        { rule: "self.n < 3", messageExpression: "'n is ' + string(self.n) + ', want < 3'" },
      ],
    };
    expect(cel.validate(s, { n: 5 }, undefined).map((c) => c.message)).toEqual([
      "Invalid value: n is 5, want < 3",
    ]);
    const broken: JsonObject = {
      type: "object",
      properties: { a: { type: "string", "x-kubernetes-validations": [{ rule: "self ==" }] } },
    };
    expect(cel.compileErrors(broken, "spec.versions[0].schema.openAPIV3Schema").map((c) => c.field)).toEqual([
      "spec.versions[0].schema.openAPIV3Schema.properties[a].x-kubernetes-validations[0].rule",
    ]);
  });

  it("evaluates transition rules against oldSelf on update only", () => {
    const next = { spec: { items: [], mode: "b" } };
    expect(cel.validate(schema, next, undefined)).toEqual([]);
    expect(cel.validate(schema, next, { spec: { items: [], mode: "a" } }).map((c) => c.message)).toEqual([
      "Invalid value: mode is immutable",
    ]);
  });
});
