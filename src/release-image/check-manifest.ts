/**
 * Manifest checks: the one `oc adm release new` runs on every operator manifest, and the load rules the
 * Cluster Version Operator applies to a payload (used to verify what we build and what we read).
 */
import { parseAllDocuments } from "yaml";

/** True for the extensions both `oc` and the CVO treat as manifests. */
export function isManifestFileName(name: string): boolean {
  return /\.(ya?ml|json)$/.test(name);
}

/**
 * `oc`'s check: a `.json`/`.yml`/`.yaml` file must parse, its first document must be a map with
 * non-empty string `kind` and `apiVersion`. Returns the problem, or `undefined` when the file is fine
 * (files with other extensions are never checked).
 */
export function checkOperatorManifest(name: string, content: Uint8Array): string | undefined {
  if (!isManifestFileName(name)) return undefined;
  const documents = parseAllDocuments(Buffer.from(content).toString("utf8"));
  const list = Array.isArray(documents) ? documents : [documents];
  const first = list[0];
  if (first === undefined) return "the file has no YAML/JSON document";
  if (first.errors.length > 0) return `not valid YAML/JSON: ${first.errors[0]?.message ?? "parse error"}`;
  const value: unknown = first.toJS();
  if (value === null || typeof value !== "object" || Array.isArray(value))
    return "the first document is not a map";
  const { kind, apiVersion } = value as Record<string, unknown>;
  if (typeof kind !== "string" || kind === "") return 'the first document has no "kind"';
  if (typeof apiVersion !== "string" || apiVersion === "") return 'the first document has no "apiVersion"';
  return undefined;
}

/**
 * The CVO's rule for one manifest file: every non-empty document parses to an object with non-empty
 * `apiVersion`, `kind` and `metadata.name`, and no (group, kind, namespace, name) repeats within the
 * file. Returns every problem found (empty when the file loads).
 */
export function checkCvoManifest(name: string, content: Uint8Array): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  const documents = parseAllDocuments(Buffer.from(content).toString("utf8"));
  const list = Array.isArray(documents) ? documents : [documents];
  list.forEach((document, index) => {
    const where = `${name} document ${index + 1}`;
    if (document.errors.length > 0) {
      problems.push(`${where}: ${document.errors[0]?.message ?? "parse error"}`);
      return;
    }
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return;
    if (typeof value !== "object" || Array.isArray(value)) {
      problems.push(`${where}: not an object`);
      return;
    }
    const object = value as Record<string, unknown>;
    const metadata = object["metadata"];
    const objectName =
      metadata !== null && typeof metadata === "object"
        ? (metadata as Record<string, unknown>)["name"]
        : undefined;
    const namespace =
      metadata !== null && typeof metadata === "object"
        ? (metadata as Record<string, unknown>)["namespace"]
        : undefined;
    if (typeof object["apiVersion"] !== "string" || object["apiVersion"] === "")
      problems.push(`${where}: no apiVersion`);
    if (typeof object["kind"] !== "string" || object["kind"] === "") problems.push(`${where}: no kind`);
    if (typeof objectName !== "string" || objectName === "") problems.push(`${where}: no metadata.name`);
    const group = String(object["apiVersion"] ?? "")
      .split("/")
      .slice(0, -1)
      .join("/");
    const key = `${group}|${String(object["kind"])}|${String(namespace ?? "")}|${String(objectName)}`;
    if (seen.has(key))
      problems.push(`${where}: ${String(object["kind"])} ${String(objectName)} appears twice in this file`);
    seen.add(key);
  });
  return problems;
}
