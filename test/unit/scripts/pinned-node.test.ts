import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lockWithoutNodeEngines } from "../../../scripts/generators.js";
import { checkInstalledEngines, satisfiesRange } from "../../../scripts/pinned-node.mjs";

describe("satisfiesRange", () => {
  it.each([
    [">=18", true],
    ["^20.19.0 || ^22.13.0 || >=24", true],
    ["^22.12.0 || ^24.0.0 || >=26.0.0", true],
    [">= 10.x", true],
    ["18 || 20 || >=22", true],
    ["1 - 24", true],
    ["<=24", true],
    ["~24.9", true],
    ["24.x", true],
    ["*", true],
    ["^18", false],
    ["20 || 22", false],
    [">=26", false],
    ["1 - 23", false],
    ["~24.8", false],
    ["<24.9.0", false],
    [">24", false],
    ["^0.4", false],
  ])("24.9.0 against %s is %s", (range, expected) => {
    expect(satisfiesRange("24.9.0", range)).toBe(expected);
  });

  it("says it cannot read a range it does not understand", () => {
    expect(satisfiesRange("24.9.0", "latest")).toBeUndefined();
  });
});

describe("checkInstalledEngines", () => {
  it("names the installed packages whose engines.node refuse the pinned Node", async () => {
    const root = await mkdtemp(join(tmpdir(), "pinned-node-"));
    try {
      const packages: Record<string, object> = {
        "": {},
        "node_modules/new": {},
        "node_modules/old": {},
        "node_modules/gone": {},
      };
      await mkdir(join(root, "node_modules", "new"), { recursive: true });
      await mkdir(join(root, "node_modules", "old"), { recursive: true });
      await writeFile(join(root, "node_modules", ".package-lock.json"), JSON.stringify({ packages }));
      await writeFile(
        join(root, "node_modules", "new", "package.json"),
        JSON.stringify({ name: "new", version: "1.0.0", engines: { node: ">=22" } }),
      );
      await writeFile(
        join(root, "node_modules", "old", "package.json"),
        JSON.stringify({ name: "old", version: "2.0.0", engines: { node: "^18" } }),
      );
      expect(checkInstalledEngines(root, "24.9.0")).toEqual({
        checked: 2,
        unsatisfied: ['old@2.0.0 (engines.node "^18")'],
        unreadable: [],
      });
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

describe("lockWithoutNodeEngines", () => {
  it("drops engines.node from dependencies only, keeping other engines for npm", () => {
    const lock = {
      lockfileVersion: 3,
      packages: {
        "": { name: "root", engines: { node: ">=24" } },
        "node_modules/a": { version: "1.0.0", engines: { node: ">=22" } },
        "node_modules/b": { version: "1.0.0", engines: { node: ">=22", npm: ">=10" } },
        "node_modules/c": { version: "1.0.0", engines: { bare: ">=1" } },
      },
    };
    expect(JSON.parse(lockWithoutNodeEngines(JSON.stringify(lock)))).toEqual({
      lockfileVersion: 3,
      packages: {
        "": { name: "root", engines: { node: ">=24" } },
        "node_modules/a": { version: "1.0.0" },
        "node_modules/b": { version: "1.0.0", engines: { npm: ">=10" } },
        "node_modules/c": { version: "1.0.0", engines: { bare: ">=1" } },
      },
    });
  });

  it("leaves the checked-in lock unchanged (it is already stripped)", async () => {
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(new URL("../../../package-lock.json", import.meta.url), "utf8");
    expect(lockWithoutNodeEngines(text)).toBe(text);
  });
});
