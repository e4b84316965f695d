/** Non-resource endpoints: /version, health, discovery and OpenAPI v3. */
import type { ServerResponse } from "node:http";
import { coreVersions, group, groupList, resourceList } from "./discovery.js";
import { notFoundPath, send } from "./http-io.js";
import { openApiDocuments, openApiIndex } from "./openapi.js";
import type { ResourceRegistry } from "./resource-registry.js";

/** Creates the handler; OpenAPI documents are rebuilt only when the registry changes. */
export function createNonResourceHandler(deps: {
  registry: ResourceRegistry;
  serverAddress: () => string;
}): (path: string, res: ServerResponse) => void {
  let openApiCache: { generation: number; docs: ReturnType<typeof openApiDocuments> } | undefined;
  const docs = (): ReturnType<typeof openApiDocuments> => {
    if (openApiCache?.generation !== deps.registry.generation)
      openApiCache = { generation: deps.registry.generation, docs: openApiDocuments(deps.registry.all()) };
    return openApiCache.docs;
  };
  return (path: string, res: ServerResponse): void => {
    const defs = deps.registry.all();
    const parts = path.split("/").filter((p) => p !== "");
    if (path === "/version" || path === "/version/")
      return send(res, 200, {
        major: "1",
        minor: "32",
        gitVersion: "v1.32.0-payload-dev",
        gitCommit: "",
        gitTreeState: "clean",
        buildDate: "2026-01-01T00:00:00Z",
        goVersion: "n/a",
        compiler: "n/a",
        platform: "linux/amd64",
      });
    if (path === "/healthz" || path === "/readyz" || path === "/livez") {
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.end("ok");
      return;
    }
    if (parts[0] === "api" && parts.length === 1) return send(res, 200, coreVersions(deps.serverAddress()));
    if (parts[0] === "api" && parts.length === 2) {
      const list = resourceList(defs, "", parts[1] ?? "");
      return list === undefined ? send(res, 404, notFoundPath()) : send(res, 200, list);
    }
    if (parts[0] === "apis" && parts.length === 1) return send(res, 200, groupList(defs));
    if (parts[0] === "apis" && parts.length === 2) {
      const g = group(defs, parts[1] ?? "");
      return g === undefined ? send(res, 404, notFoundPath()) : send(res, 200, g);
    }
    if (parts[0] === "apis" && parts.length === 3) {
      const list = resourceList(defs, parts[1] ?? "", parts[2] ?? "");
      return list === undefined ? send(res, 404, notFoundPath()) : send(res, 200, list);
    }
    if (parts[0] === "openapi" && parts[1] === "v3") {
      const all = docs();
      if (parts.length === 2) return send(res, 200, openApiIndex(all));
      const doc = all.get(parts.slice(2).join("/"));
      if (doc !== undefined)
        return send(res, 200, doc.body, { ETag: `"${doc.hash}"`, "Cache-Control": "no-cache, private" });
    }
    send(res, 404, notFoundPath());
  };
}
