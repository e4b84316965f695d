/**
 * Per-kind write hooks, the dev cluster's counterpart of a real API server's REST strategy
 * (`PrepareForCreate`, `PrepareForUpdate`): server-owned fields a kind derives on writes to its
 * main resource.
 */
import { imageStreamStrategy } from "./image-stream-strategy.js";
import { podTemplateStrategy } from "./pod-template-defaults.js";
import type { KubeObject } from "./types.js";

/** Hooks {@link ApiCore} calls on writes to the main resource of one kind (never on subresources). */
export interface KindStrategy {
  /** On create, after `metadata.generation` is set to 1; may edit `object` in place. */
  prepareForCreate?(object: KubeObject): void;
  /**
   * On update, before `metadata.generation` is decided from the spec: may reset fields the client
   * cannot set (copying them from `old`) so that they do not count as spec changes.
   */
  prepareForUpdate?(next: KubeObject, old: KubeObject): void;
  /** On update, after `metadata.generation` is decided: fields derived from the new generation. */
  afterGeneration?(next: KubeObject, old: KubeObject): void;
}

/** The strategies of the kinds that have one, by storage key (`group/plural`). */
export function kindStrategies(): ReadonlyMap<string, KindStrategy> {
  return new Map([
    ["image.openshift.io/imagestreams", imageStreamStrategy],
    ["batch/jobs", podTemplateStrategy],
    ["apps/deployments", podTemplateStrategy],
  ]);
}
