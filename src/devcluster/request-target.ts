/** Parsing of request paths into resource targets, like the API server's RequestInfoFactory. */

/** What a request path addresses. */
export type RequestTarget =
  | { kind: "nonResource"; path: string }
  | {
      kind: "resource";
      group: string;
      version: string;
      namespace: string | undefined;
      plural: string;
      name: string | undefined;
      subresource: string | undefined;
    }
  | { kind: "invalid"; path: string };

const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/** Parses a URL path (without query). */
export function parseRequestTarget(pathname: string): RequestTarget {
  // Like Go's URL.Path, escaped slashes are decoded before splitting: `buildconfigs%2Fx%2Finstantiate`
  // addresses the subresource (client-node's CustomObjectsApi relies on this for subresources).
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: "invalid", path: pathname };
  }
  const parts = decoded.split("/").filter((p) => p !== "");
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === "api" && parts.length >= 3) {
    group = "";
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis" && parts.length >= 4) {
    group = parts[1] ?? "";
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else return { kind: "nonResource", path: pathname };
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2] ?? "")) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3 || rest.length === 0) return { kind: "invalid", path: pathname };
  return {
    kind: "resource",
    group,
    version,
    namespace,
    plural: rest[0] ?? "",
    name: rest[1],
    subresource: rest[2],
  };
}
