/** Discovery documents (`/api`, `/apis`, `/apis/<g>`, `/api/v1`, `/apis/<g>/<v>`) from the registry. */
import { groupVersionOf, type ResourceDefinition } from "./resource-definition.js";

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** Orders versions the way Kubernetes does: GA > beta > alpha, higher numbers first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (m === null) return [3, 0, 0];
    const stage = m[2] === undefined ? 0 : m[2] === "beta" ? 1 : 2;
    return [stage, -Number(m[1]), -Number(m[3] ?? 0)];
  };
  const [pa, pb] = [parse(a), parse(b)];
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `APIVersions` for `/api`. */
export function coreVersions(serverAddress: string): unknown {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress }],
  };
}

function groupsOf(defs: readonly ResourceDefinition[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const d of defs) {
    if (d.group === "") continue;
    const versions = groups.get(d.group) ?? [];
    if (!versions.includes(d.version)) versions.push(d.version);
    groups.set(d.group, versions);
  }
  for (const v of groups.values()) v.sort(compareVersions);
  return groups;
}

function apiGroup(name: string, versions: string[]): unknown {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** `APIGroupList` for `/apis`. */
export function groupList(defs: readonly ResourceDefinition[]): unknown {
  return {
    kind: "APIGroupList",
    apiVersion: "v1",
    groups: [...groupsOf(defs)].map(([n, v]) => apiGroup(n, v)),
  };
}

/** `APIGroup` for `/apis/<group>`, or undefined when not served. */
export function group(defs: readonly ResourceDefinition[], name: string): unknown {
  const versions = groupsOf(defs).get(name);
  return versions === undefined
    ? undefined
    : { kind: "APIGroup", apiVersion: "v1", ...(apiGroup(name, versions) as object) };
}

/** `APIResourceList` for one group/version, or undefined when nothing is served there. */
export function resourceList(
  defs: readonly ResourceDefinition[],
  groupName: string,
  version: string,
): unknown {
  const matching = defs.filter((d) => d.group === groupName && d.version === version);
  if (matching.length === 0) return undefined;
  const resources: unknown[] = [];
  for (const d of matching) {
    const entry: Record<string, unknown> = {
      name: d.plural,
      singularName: d.singular,
      namespaced: d.namespaced,
      kind: d.kind,
      verbs: VERBS,
    };
    if (d.shortNames.length > 0) entry["shortNames"] = d.shortNames;
    if (d.categories.length > 0) entry["categories"] = d.categories;
    resources.push(entry);
    if (d.statusSubresource)
      resources.push({
        name: `${d.plural}/status`,
        singularName: "",
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: ["get", "patch", "update"],
      });
    for (const sub of d.extraSubresources)
      resources.push({
        name: `${d.plural}/${sub}`,
        singularName: "",
        namespaced: d.namespaced,
        kind: sub === "instantiate" ? "BuildRequest" : d.kind,
        verbs: ["create"],
      });
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: groupVersionOf({ group: groupName, version }),
    resources,
  };
}
