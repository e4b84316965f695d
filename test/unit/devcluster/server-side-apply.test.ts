import { describe, expect, it } from "vitest";
import { fieldSetOf, fromFieldsV1, toFieldsV1 } from "../../../src/devcluster/field-set.js";
import { managedFieldsAfterUpdate } from "../../../src/devcluster/managed-fields.js";
import { displayPath, serverSideApply } from "../../../src/devcluster/server-side-apply.js";
import type { JsonObject, KubeObject } from "../../../src/devcluster/types.js";

const schema: JsonObject = {
  type: "object",
  properties: {
    spec: { type: "object", properties: { a: { type: "string" }, b: { type: "string" } } },
    status: {
      type: "object",
      properties: {
        conditions: {
          type: "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["type"],
          items: { type: "object", properties: { type: { type: "string" }, status: { type: "string" } } },
        },
      },
    },
  },
};
const id = (manager: string) => ({
  manager,
  operation: "Apply" as const,
  apiVersion: "x/v1",
  subresource: undefined,
  time: "2026-01-01T00:00:00Z",
});
const target = { group: "x", kind: "things", name: "t" };
const obj = (spec: JsonObject, status?: JsonObject): KubeObject => ({
  apiVersion: "x/v1",
  kind: "Thing",
  metadata: { name: "t" },
  spec,
  ...(status ? { status } : {}),
});

describe("field sets", () => {
  it("key associative list items and round-trip through fieldsV1", () => {
    const set = fieldSetOf(
      obj({ a: "1" }, { conditions: [{ type: "Ready", status: "True" }] }) as unknown as JsonObject,
      schema,
      false,
    );
    const v1 = toFieldsV1(set.keys());
    expect(v1).toEqual({
      "f:spec": { "f:a": {} },
      "f:status": { "f:conditions": { 'k:{"type":"Ready"}': { ".": {}, "f:type": {}, "f:status": {} } } },
    });
    expect(fromFieldsV1(v1)).toEqual(new Set(set.keys()));
    expect(displayPath([...set.keys()][1] ?? "")).toBe('.status.conditions[type="Ready"]');
  });

  it("give an Update manager the fields it changed and take them from others", () => {
    const before = {
      ...obj({ a: "1", b: "1" }),
      metadata: {
        name: "t",
        managedFields: managedFieldsAfterUpdate(undefined, obj({ a: "1", b: "1" }), schema, false, {
          ...id("first"),
          operation: "Update",
        }),
      },
    };
    const after = managedFieldsAfterUpdate(before, obj({ a: "2", b: "1" }), schema, false, {
      ...id("second"),
      operation: "Update",
    });
    expect(after.map((e) => [e.manager, e.fieldsV1])).toEqual([
      ["first", { "f:spec": { "f:b": {} } }],
      ["second", { "f:spec": { "f:a": {} } }],
    ]);
  });
});

describe("server-side apply", () => {
  it("merges associative lists by key and keeps other managers' items", () => {
    const live = serverSideApply({
      live: undefined,
      applied: obj({}, { conditions: [{ type: "A", status: "True" }] }),
      schema,
      builtIn: false,
      id: id("ca"),
      force: false,
      target,
    });
    const next = serverSideApply({
      live,
      applied: obj({}, { conditions: [{ type: "B", status: "False" }] }),
      schema,
      builtIn: false,
      id: id("cb"),
      force: false,
      target,
    });
    expect((next["status"] as { conditions: unknown[] }).conditions).toEqual([
      { type: "A", status: "True" },
      { type: "B", status: "False" },
    ]);
    const dropped = serverSideApply({
      live: next,
      applied: obj({}),
      schema,
      builtIn: false,
      id: id("ca"),
      force: false,
      target,
    });
    expect((dropped["status"] as { conditions: unknown[] }).conditions).toEqual([
      { type: "B", status: "False" },
    ]);
  });

  it("conflicts on a differing value owned by another manager unless forced", () => {
    const live = serverSideApply({
      live: undefined,
      applied: obj({ a: "1" }),
      schema,
      builtIn: false,
      id: id("one"),
      force: false,
      target,
    });
    expect(() =>
      serverSideApply({
        live,
        applied: obj({ a: "2" }),
        schema,
        builtIn: false,
        id: id("two"),
        force: false,
        target,
      }),
    ).toThrow(/conflict with "one": \.spec\.a/);
    const forced = serverSideApply({
      live,
      applied: obj({ a: "2" }),
      schema,
      builtIn: false,
      id: id("two"),
      force: true,
      target,
    });
    expect(forced["spec"]).toEqual({ a: "2" });
    expect(forced.metadata.managedFields?.map((e) => e.manager)).toEqual(["two"]);
  });
});
