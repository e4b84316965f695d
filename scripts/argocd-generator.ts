/**
 * `deploy/argocd/argocd-cm.yaml`: the `argocd-cm` keys that install the Argo CD health checks of
 * PayloadBuild and ReleaseStream, built from the Lua sources under
 * `deploy/argocd/resource_customizations/<group>/<Kind>/health.lua` (Argo CD's own layout), so the
 * snippet and the tested scripts cannot differ.
 */
import { readFile } from "node:fs/promises";
import { renderYaml, type GeneratedFile } from "./generators.js";

/** The kinds with a health check, in the order the ConfigMap lists them. */
export const HEALTH_CHECKED_KINDS = ["PayloadBuild", "ReleaseStream"] as const;
/** The API group of the kinds. */
export const HEALTH_GROUP = "payload.okd.io";

/** Repository-relative path of the health script of `kind`. */
export function healthScriptPath(kind: string): string {
  return `deploy/argocd/resource_customizations/${HEALTH_GROUP}/${kind}/health.lua`;
}

/** The `argocd-cm` data key Argo CD reads the health script of `kind` from. */
export function healthKey(kind: string): string {
  return `resource.customizations.health.${HEALTH_GROUP}_${kind}`;
}

/** The argocd-cm snippet, from the Lua files; `readText` reads a repository-relative path. */
export async function argocdFiles(readText: (path: string) => Promise<string>): Promise<GeneratedFile[]> {
  const data: Record<string, string> = {};
  for (const kind of HEALTH_CHECKED_KINDS) data[healthKey(kind)] = await readText(healthScriptPath(kind));
  const configMap = {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: {
      name: "argocd-cm",
      namespace: "argocd",
      labels: { "app.kubernetes.io/name": "argocd-cm", "app.kubernetes.io/part-of": "argocd" },
    },
    data,
  };
  return [{ path: "deploy/argocd/argocd-cm.yaml", content: renderYaml(configMap) }];
}

/** Reads a repository-relative file. */
export function readRepositoryFile(path: string): Promise<string> {
  return readFile(new URL(`../${path}`, import.meta.url), "utf8");
}
