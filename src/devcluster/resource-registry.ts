/** The set of served resources; changes at run time when CRDs are created or deleted. */
import { groupVersionOf, type ResourceDefinition } from "./resource-definition.js";

/** Served resources indexed by group/version/plural and by group/version/kind. */
export class ResourceRegistry {
  private readonly byResource = new Map<string, ResourceDefinition>();
  private readonly byKind = new Map<string, ResourceDefinition>();
  private readonly listeners: (() => void)[] = [];
  private generationValue = 0;

  /** Adds or replaces definitions; notifies listeners once. */
  register(defs: readonly ResourceDefinition[]): void {
    for (const def of defs) {
      this.byResource.set(`${def.group}/${def.version}/${def.plural}`, def);
      this.byKind.set(`${groupVersionOf(def)}/${def.kind}`, def);
    }
    this.changed();
  }

  /** Removes every definition registered by the named CRD. */
  unregisterCrd(crdName: string): void {
    for (const [key, def] of this.byResource) {
      if (def.crdName === crdName) {
        this.byResource.delete(key);
        this.byKind.delete(`${groupVersionOf(def)}/${def.kind}`);
      }
    }
    this.changed();
  }

  /** The resource served at group/version/plural, if any. */
  lookup(group: string, version: string, plural: string): ResourceDefinition | undefined {
    return this.byResource.get(`${group}/${version}/${plural}`);
  }

  /** The resource for an `apiVersion` and kind, if any. */
  lookupKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
    return this.byKind.get(`${apiVersion}/${kind}`);
  }

  /** The definition used to manage objects stored under `group/plural` (the storage version when several). */
  lookupStorageKey(key: string): ResourceDefinition | undefined {
    let found: ResourceDefinition | undefined;
    for (const def of this.byResource.values()) {
      if (`${def.group}/${def.plural}` !== key) continue;
      if (def.storageVersion) return def;
      found ??= def;
    }
    return found;
  }

  /** All definitions, in registration order. */
  all(): ResourceDefinition[] {
    return [...this.byResource.values()];
  }

  /** Increases on every change; discovery and OpenAPI caches key on it. */
  get generation(): number {
    return this.generationValue;
  }

  /** Calls `listener` after every change. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private changed(): void {
    this.generationValue += 1;
    for (const l of this.listeners) l();
  }
}
