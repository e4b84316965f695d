/**
 * The product build (tsconfig.build.json: what `npm run build` compiles and the operator image
 * carries) is the import graph of `src/cli/payloadctl.ts`, and by construction holds no dev-only
 * module (dev cluster, simulated builds, demo, control plane) and needs no dev-only package.
 */
import { readFile } from "node:fs/promises";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));

/** Modules only a source checkout has. */
const DEV_ONLY_MODULES = [
  /^src\/devcluster\//,
  /^src\/demo\//,
  /^src\/control-plane\//,
  /^src\/cli\/(dev-commands|dev-command|demo-command)\.ts$/,
];
/** Packages only the dev cluster uses. */
const DEV_ONLY_PACKAGES = ["ajv", "@bufbuild/cel", "fast-json-patch"];

function productSourceFiles(): string[] {
  const parsed = ts.getParsedCommandLineOfConfigFile(
    `${root}tsconfig.build.json`,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (parsed === undefined) throw new Error("tsconfig.build.json did not parse");
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  return program
    .getSourceFiles()
    .filter((f) => !f.isDeclarationFile && !f.fileName.includes("/node_modules/"))
    .map((f) => relative(root, f.fileName));
}

/** `pkg` or `@scope/pkg` of a bare import specifier; undefined for relative and `node:` ones. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("node:") || specifier.startsWith("/"))
    return undefined;
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

async function importedPackages(files: readonly string[]): Promise<Map<string, string[]>> {
  const users = new Map<string, string[]>();
  for (const file of files) {
    const text = await readFile(`${root}${file}`, "utf8");
    for (const imported of ts.preProcessFile(text, true, true).importedFiles) {
      const pkg = packageOf(imported.fileName);
      if (pkg !== undefined) users.set(pkg, [...(users.get(pkg) ?? []), file]);
    }
  }
  return users;
}

describe("the product build (tsconfig.build.json, the operator image)", () => {
  const files = productSourceFiles();

  it("compiles the operator and the product commands from src/cli/payloadctl.ts", () => {
    expect(files).toContain("src/cli/payloadctl.ts");
    expect(files).toContain("src/main.ts");
    expect(files).toContain("src/cli/operator-command.ts");
    expect(files).toContain("src/cli/dev-only-commands.ts");
    expect(files.every((f) => f.startsWith("src/"))).toBe(true);
  });

  it("holds no dev-only module: dev cluster, simulated builds and jobs, demo, control plane, dev commands", () => {
    const devOnly = files.filter((f) => DEV_ONLY_MODULES.some((pattern) => pattern.test(f)));
    expect(devOnly).toEqual([]);
  });

  it("imports exactly the production dependencies, none of them dev-only", async () => {
    const manifest = JSON.parse(await readFile(`${root}package.json`, "utf8")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const production = Object.keys(manifest.dependencies).sort();
    const used = await importedPackages(files);
    const missing = [...used.keys()].filter((p) => !production.includes(p));
    expect(
      missing,
      `imported by the product but not a production dependency: ${missing.map((p) => `${p} (${used.get(p)?.[0]})`).join(", ")}`,
    ).toEqual([]);
    expect(
      production.filter((p) => !used.has(p)),
      "production dependencies the product never imports",
    ).toEqual([]);
    for (const pkg of DEV_ONLY_PACKAGES) {
      expect(production).not.toContain(pkg);
      expect(Object.keys(manifest.devDependencies)).toContain(pkg);
    }
  });
});
