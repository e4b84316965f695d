import { describe, expect, it } from "vitest";
import { evaluateJsonPath, parseJsonPath } from "../../../src/devcluster/jsonpath.js";
import type { ResourceDefinition } from "../../../src/devcluster/resource-definition.js";
import { humanDuration, toTable } from "../../../src/devcluster/table.js";

const doc = {
  metadata: { name: "x", labels: { "a.b/c": "d" } },
  status: {
    conditions: [
      { type: "Ready", status: "True" },
      { type: "Progressing", status: "False" },
    ],
    tags: [{ tag: "a" }, { tag: "b" }],
  },
};

describe("JSONPath", () => {
  it.each([
    [".metadata.name", ["x"]],
    ["{.metadata.name}", ["x"]],
    ['.status.conditions[?(@.type=="Ready")].status', ["True"]],
    [".status.conditions[?(@.status!='True')].type", ["Progressing"]],
    [".status.tags[*].tag", ["a", "b"]],
    [".status.tags[-1].tag", ["b"]],
    [".metadata.labels['a.b/c']", ["d"]],
    [".spec.missing", []],
  ])("%s", (path, expected) => {
    expect(evaluateJsonPath(parseJsonPath(path), doc)).toEqual(expected);
  });

  it("rejects what it does not support", () => {
    expect(() => parseJsonPath(".a[?(@.x > 1)]")).toThrow(/unsupported/);
  });
});

describe("tables", () => {
  it("renders ages like kubectl", () => {
    expect(
      [5_000, 125_000, 600_000, 3 * 3600_000 + 60_000, 30 * 3600_000, 3 * 86400_000 + 3600_000].map(
        humanDuration,
      ),
    ).toEqual(["5s", "2m5s", "10m", "3h1m", "30h", "3d1h"]);
  });

  it("builds Name + printer columns rows, with the metadata object per row", () => {
    const def = {
      kind: "Widget",
      builtIn: false,
      printerColumns: [
        { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: "Tags", type: "string", jsonPath: ".status.tags[*].tag" },
      ],
    } as unknown as ResourceDefinition;
    const table = toTable(def, [{ apiVersion: "v1", kind: "Widget", ...doc }], "Metadata", Date.now(), {
      resourceVersion: "5",
    }) as {
      columnDefinitions: { name: string }[];
      rows: { cells: unknown[]; object: { kind: string } }[];
    };
    expect(table.columnDefinitions.map((c) => c.name)).toEqual(["Name", "Ready", "Tags"]);
    expect(table.rows[0]?.cells).toEqual(["x", "True", "a,b"]);
    expect(table.rows[0]?.object.kind).toBe("PartialObjectMetadata");
  });
});
