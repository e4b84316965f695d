/**
 * The defaults kube-apiserver gives the containers of a pod template (Job, Deployment) on every
 * write, as `SetDefaults_Container` does: `imagePullPolicy` (Always for an untagged or `:latest`
 * image, else IfNotPresent), `terminationMessagePath` and `terminationMessagePolicy`.
 */
import type { KindStrategy } from "./kind-strategy.js";
import { isJsonObject, type JsonObject, type KubeObject } from "./types.js";

function pullPolicyFor(image: unknown): string {
  if (typeof image !== "string") return "IfNotPresent";
  if (image.includes("@")) return "IfNotPresent";
  const lastPart = image.slice(image.lastIndexOf("/") + 1);
  const tag = lastPart.includes(":") ? lastPart.slice(lastPart.indexOf(":") + 1) : "latest";
  return tag === "latest" ? "Always" : "IfNotPresent";
}

function defaultContainer(container: JsonObject): void {
  container["imagePullPolicy"] ??= pullPolicyFor(container["image"]);
  container["terminationMessagePath"] ??= "/dev/termination-log";
  container["terminationMessagePolicy"] ??= "File";
}

function defaultPodTemplate(object: KubeObject): void {
  const spec = object["spec"];
  const template = isJsonObject(spec) ? spec["template"] : undefined;
  const podSpec = isJsonObject(template) ? template["spec"] : undefined;
  if (!isJsonObject(podSpec)) return;
  for (const field of ["initContainers", "containers"]) {
    const list = podSpec[field];
    if (Array.isArray(list)) for (const c of list) if (isJsonObject(c)) defaultContainer(c);
  }
}

/** The strategy of kinds with a pod template at `spec.template`. */
export const podTemplateStrategy: KindStrategy = {
  prepareForCreate: defaultPodTemplate,
  prepareForUpdate: (next) => defaultPodTemplate(next),
};
