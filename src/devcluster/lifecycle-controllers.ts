/**
 * The namespace controller (deleting a namespace deletes its contents, then the namespace) and the
 * CRD controller (a CRD registers its kinds at run time; deleting it deletes its objects).
 */
import type { ApiCore } from "./api-core.js";
import { definitionsFromCrd, establishedCrdStatus } from "./crd-definitions.js";
import { ApiError } from "./errors.js";
import { nowTimestamp } from "./object-meta.js";
import type { ObjectStore } from "./object-store.js";
import { storageKeyOf } from "./resource-definition.js";
import type { ResourceRegistry } from "./resource-registry.js";
import type { KubeObject } from "./types.js";

function ignoreApiErrors(work: () => void): void {
  try {
    work();
  } catch (e) {
    if (!(e instanceof ApiError)) throw e;
  }
}

/** Wires the namespace and CRD lifecycles onto the core's change notifications. */
export function startLifecycleControllers(
  core: ApiCore,
  store: ObjectStore,
  registry: ResourceRegistry,
  now: () => Date,
): { stop(): void } {
  let stopped = false;
  const later = (work: () => void): void => {
    setImmediate(() => {
      if (!stopped) ignoreApiErrors(work);
    });
  };
  const terminating = new Set<string>();

  const finishNamespace = (name: string): void => {
    const nsDef = registry.lookup("", "v1", "namespaces");
    const ns = nsDef === undefined ? undefined : store.get(storageKeyOf(nsDef), "", name);
    if (nsDef === undefined || ns === undefined || ns.metadata.deletionTimestamp === undefined) return;
    if (store.keysWithObjectsIn(name).length > 0) return;
    terminating.delete(name);
    core.update(nsDef, undefined, name, { ...ns, spec: { finalizers: [] } }, "finalize", {
      fieldManager: "namespace-controller",
    });
  };

  const emptyNamespace = (name: string): void => {
    for (const key of store.keysWithObjectsIn(name)) {
      const def = registry.lookupStorageKey(key);
      if (def === undefined) continue;
      for (const o of store.list(key, name))
        if (o.metadata.deletionTimestamp === undefined)
          ignoreApiErrors(() =>
            core.delete(def, name, o.metadata.name ?? "", { propagationPolicy: "Background" }),
          );
    }
    finishNamespace(name);
  };

  const registerCrd = (crd: KubeObject): void => {
    const name = crd.metadata.name ?? "";
    registry.unregisterCrd(name);
    registry.register(definitionsFromCrd(crd));
  };

  core.onChange(({ def, type, object, old }) => {
    const gr = `${def.group}/${def.plural}`;
    if (gr === "/namespaces") {
      const name = object.metadata.name ?? "";
      if (type === "put" && object.metadata.deletionTimestamp !== undefined && !terminating.has(name)) {
        terminating.add(name);
        later(() => emptyNamespace(name));
      }
      return;
    }
    if (gr === "apiextensions.k8s.io/customresourcedefinitions") {
      if (type === "remove") {
        const crdDefs = registry.all().filter((d) => d.crdName === object.metadata.name);
        const first = crdDefs[0];
        if (first !== undefined) {
          const key = storageKeyOf(first);
          for (const [k, o] of [...store.entries()])
            if (k === key)
              store.remove(k, { ...o, metadata: { ...o.metadata, resourceVersion: String(store.nextRv()) } });
        }
        registry.unregisterCrd(object.metadata.name ?? "");
      } else if (object.metadata.deletionTimestamp === undefined) {
        registerCrd(object);
        if (old === undefined || JSON.stringify(old["spec"]) !== JSON.stringify(object["spec"])) {
          const crdDef = registry.lookup("apiextensions.k8s.io", "v1", "customresourcedefinitions");
          const status = establishedCrdStatus(object, nowTimestamp(now()));
          if (crdDef !== undefined)
            later(() => {
              const current = core.find(crdDef, undefined, object.metadata.name ?? "");
              if (current !== undefined)
                core.update(
                  crdDef,
                  undefined,
                  current.metadata.name ?? "",
                  { ...current, status },
                  "status",
                  { fieldManager: "apiextensions-controller" },
                );
            });
        }
      }
      return;
    }
    if (type === "remove" && def.namespaced && terminating.has(object.metadata.namespace ?? "")) {
      const ns = object.metadata.namespace ?? "";
      later(() => finishNamespace(ns));
    }
  });
  return {
    stop: () => {
      stopped = true;
    },
  };
}
