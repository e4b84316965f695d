/**
 * The simulated build system reads Builds, BuildRuns and ImageStreams with its own schemas, written
 * from the upstream API types: none of its files may import the operator's reading of the API
 * (`src/builds`, `src/api`, `src/payload-build`). Generic machinery (`src/kube`, `src/runtime`,
 * `src/registry`, `src/oci-image`, `src/observability`) is fine.
 */
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const simulator = join(root, "src/devcluster/builds");
const FORBIDDEN = ["src/builds", "src/api", "src/payload-build"];

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) =>
      e.isDirectory()
        ? sourceFiles(join(dir, e.name))
        : Promise.resolve(e.name.endsWith(".ts") ? [join(dir, e.name)] : []),
    ),
  );
  return nested.flat();
}

/** Every module specifier of `source`: static and type imports, re-exports and dynamic imports. */
function importSpecifiers(source: string): string[] {
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[^'"`;]*?\sfrom\s+)?["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  return patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1] ?? ""));
}

describe("the simulated build system's imports", () => {
  it("finds static, type, re-export and dynamic imports", () => {
    const source = [
      'import { a } from "../../builds/x.js";',
      'import type {\n  B,\n} from "../../api/y.js";',
      'export { c } from "../../payload-build/z.js";',
      'const d = await import("../../builds/w.js");',
    ].join("\n");
    expect(importSpecifiers(source)).toEqual([
      "../../builds/x.js",
      "../../api/y.js",
      "../../payload-build/z.js",
      "../../builds/w.js",
    ]);
  });

  it("never reach the operator's reading of the API", async () => {
    const files = await sourceFiles(simulator);
    expect(files.length).toBeGreaterThan(10);
    const offending: string[] = [];
    for (const file of files) {
      for (const specifier of importSpecifiers(await readFile(file, "utf8"))) {
        if (!specifier.startsWith(".")) continue;
        const target = relative(root, resolve(dirname(file), specifier));
        if (FORBIDDEN.some((dir) => target === dir || target.startsWith(`${dir}/`)))
          offending.push(`${relative(root, file)} imports ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
