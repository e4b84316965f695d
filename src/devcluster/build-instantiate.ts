/**
 * `POST buildconfigs/<name>/instantiate`: as OpenShift's build controller does, bumps the
 * BuildConfig's `status.lastVersion` and creates the Build `<name>-<n>` from its spec.
 */
import type { ApiCore, WriteOptions } from "./api-core.js";
import { badRequest, conflict } from "./errors.js";
import type { ResourceRegistry } from "./resource-registry.js";
import { cloneJson, isJsonObject, type JsonObject, type KubeObject } from "./types.js";

/** Instantiates a Build from a BuildConfig; returns the created Build. */
export function instantiateBuild(
  core: ApiCore,
  registry: ResourceRegistry,
  namespace: string,
  name: string,
  body: unknown,
  opts: WriteOptions,
): KubeObject {
  const bcDef = registry.lookup("build.openshift.io", "v1", "buildconfigs");
  const buildDef = registry.lookup("build.openshift.io", "v1", "builds");
  if (bcDef === undefined || buildDef === undefined) throw badRequest("build.openshift.io/v1 is not served");
  const request = isJsonObject(body) ? body : {};
  if (request["kind"] !== undefined && request["kind"] !== "BuildRequest")
    throw badRequest(`expected kind BuildRequest, got ${String(request["kind"])}`);
  const bc = core.get(bcDef, namespace, name);
  const status = isJsonObject(bc["status"]) ? bc["status"] : {};
  const last = typeof status["lastVersion"] === "number" ? status["lastVersion"] : 0;
  if (typeof request["lastVersion"] === "number" && request["lastVersion"] !== last)
    throw conflict(
      { group: "build.openshift.io", kind: "buildconfigs", name },
      `lastVersion (${request["lastVersion"]}) does not match the BuildConfig's lastVersion (${last})`,
    );
  const n = last + 1;
  core.update(bcDef, namespace, name, { ...bc, status: { ...status, lastVersion: n } }, "status", {
    ...opts,
    fieldManager: "openshift-build-controller",
  });

  const spec = cloneJson(isJsonObject(bc["spec"]) ? bc["spec"] : {});
  for (const k of ["runPolicy", "triggers", "successfulBuildsHistoryLimit", "failedBuildsHistoryLimit"])
    delete spec[k];
  const triggeredBy = Array.isArray(request["triggeredBy"])
    ? request["triggeredBy"]
    : [{ message: "Manually triggered" }];
  spec["triggeredBy"] = triggeredBy;
  if (isJsonObject(request["revision"])) spec["revision"] = request["revision"];
  const env = Array.isArray(request["env"]) ? request["env"] : [];
  const strategy = isJsonObject(spec["strategy"]) ? spec["strategy"] : undefined;
  const docker =
    strategy !== undefined && isJsonObject(strategy["dockerStrategy"])
      ? strategy["dockerStrategy"]
      : undefined;
  if (docker !== undefined && env.length > 0)
    docker["env"] = [...(Array.isArray(docker["env"]) ? docker["env"] : []), ...env];
  const runPolicy =
    isJsonObject(bc["spec"]) && typeof bc["spec"]["runPolicy"] === "string"
      ? bc["spec"]["runPolicy"]
      : "Serial";
  const labels: Record<string, string> = {
    ...(bc.metadata.labels ?? {}),
    buildconfig: name,
    "openshift.io/build-config.name": name,
    "openshift.io/build.start-policy": runPolicy,
  };
  const build: JsonObject = {
    apiVersion: "build.openshift.io/v1",
    kind: "Build",
    metadata: {
      name: `${name}-${n}`,
      namespace,
      labels,
      annotations: { "openshift.io/build-config.name": name, "openshift.io/build.number": String(n) },
      ownerReferences: [
        {
          apiVersion: "build.openshift.io/v1",
          kind: "BuildConfig",
          name,
          uid: bc.metadata.uid ?? "",
          controller: true,
        },
      ],
    },
    spec,
    status: { phase: "New", config: { kind: "BuildConfig", namespace, name } },
  };
  return core.create(buildDef, namespace, build, { ...opts, keepStatus: true }).object;
}
