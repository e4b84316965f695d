/**
 * Writes every generated file (`npm run generate`), or with `--check` verifies that the checked-in
 * copies are up to date (`npm run verify-generated`): exit 1 naming each stale or missing file.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { generators, type GeneratedFile } from "./generators.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

async function main(check: boolean): Promise<number> {
  const files: GeneratedFile[] = [];
  for (const generator of generators) files.push(...(await generator.generate()));
  const stale: string[] = [];
  for (const file of files) {
    const path = join(root, file.path);
    const current = await readOrUndefined(path);
    if (current === file.content) continue;
    if (check) {
      stale.push(`${file.path} (${current === undefined ? "missing" : "stale"})`);
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.content);
    console.log(`wrote ${file.path}`);
  }
  if (stale.length > 0) {
    console.error(
      `Generated files are out of date; run \`npm run generate\` and commit:\n  ${stale.join("\n  ")}`,
    );
    return 1;
  }
  if (check) console.log(`${files.length} generated files are up to date`);
  return 0;
}

process.exitCode = await main(process.argv.includes("--check"));
