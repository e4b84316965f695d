/** The set of build backends and which one builds a given component. */
import type { PayloadBuildSpec } from "../api/index.js";
import type { ResourceDescriptor } from "../kube/resource.js";
import type { ResolvedComponent } from "../payload-build/resolve-component.js";
import type { BuildBackend, BuildBackendName, BuildBackendSettings } from "./build-backend.js";
import { createOpenShiftBackend } from "./openshift-backend.js";
import { createPrebuiltBackend } from "./prebuilt-backend.js";
import { createShipwrightBackend } from "./shipwright-backend.js";

/** One backend of each kind, sharing the operator's settings. */
export type BuildBackends = Readonly<Record<BuildBackendName, BuildBackend>>;

/** Creates the openshift, shipwright and prebuilt backends with `settings`. */
export function createBuildBackends(settings: BuildBackendSettings = {}): BuildBackends {
  return {
    openshift: createOpenShiftBackend(settings),
    shipwright: createShipwrightBackend(settings),
    prebuilt: createPrebuiltBackend(),
  };
}

/**
 * The backend that builds `component`: `prebuilt` for a component with `image` set (whatever
 * `spec.backend` says), else `spec.backend`.
 */
export function backendForComponent(
  backends: BuildBackends,
  spec: PayloadBuildSpec,
  component: ResolvedComponent,
): BuildBackend {
  return component.prebuilt ? backends.prebuilt : backends[spec.backend];
}

/** Every kind any backend creates, without duplicates (for Owns watches and RBAC). */
export function buildChildResources(backends: BuildBackends): ResourceDescriptor[] {
  const seen = new Map<string, ResourceDescriptor>();
  for (const backend of Object.values(backends)) {
    for (const resource of backend.childResources) seen.set(`${resource.group}/${resource.kind}`, resource);
  }
  return [...seen.values()];
}
