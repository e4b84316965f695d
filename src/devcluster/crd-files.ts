/** Reading CRD objects from YAML files and directories. */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { isJsonObject, type JsonObject } from "./types.js";

/** Every `CustomResourceDefinition` document in the given files/directories (directories: *.yaml, *.yml, *.json, sorted). */
export async function readCrdFiles(paths: readonly string[]): Promise<JsonObject[]> {
  const files: string[] = [];
  for (const p of paths) {
    const info = await stat(p).catch(() => undefined);
    if (info === undefined) continue;
    if (info.isDirectory()) {
      const names = (await readdir(p)).filter((n) => /\.(ya?ml|json)$/.test(n)).sort();
      files.push(...names.map((n) => join(p, n)));
    } else files.push(p);
  }
  const crds: JsonObject[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const doc of parseAllDocuments(text)) {
      if (doc.errors.length > 0) throw new Error(`${file}: invalid YAML: ${doc.errors[0]?.message ?? ""}`);
      const value: unknown = doc.toJSON();
      if (isJsonObject(value) && value["kind"] === "CustomResourceDefinition") crds.push(value);
    }
  }
  return crds;
}
