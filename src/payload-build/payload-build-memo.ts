/**
 * Caches for the pure work of a PayloadBuild reconcile that repeats from one reconcile to the next
 * with identical inputs: validating the spec, resolving components, the plan, parsing the stored
 * status, and each component's input identity. Every cached value equals what recomputing it
 * would give, so `decidePayloadBuild` with a memo decides exactly as without one (it stays pure in
 * what it returns); the memo only saves CPU.
 *
 * Keys: informer objects are deep-frozen and replaced on every change, so a frozen object's
 * identity stands for its content (WeakMap, entries go with the objects). Input identities are
 * keyed by (PayloadBuild key and uid, `metadata.generation`, component name, backend identity, dependency
 * images): the API server bumps the generation on every spec change, and only the newest
 * generation of each PayloadBuild is kept. One instance per controller.
 */
import type { PayloadBuild, PayloadBuildSpec, PayloadBuildStatus, PlanStatus } from "../api/index.js";
import type { ParseResult } from "../api/problems.js";
import type { BuildBackend } from "../builds/build-backend.js";
import type { KubeObject } from "../kube/kube-object.js";
import { formatObjectKey, type ObjectKey } from "../kube/resource.js";
import type { ComponentGraph } from "./component-graph.js";
import type { InputHasher } from "./evaluate-components.js";
import { planPayload, planStatus } from "./plan.js";
import { resolveComponents, type ResolvedComponent } from "./resolve-component.js";
import type { ValidPayloadBuild } from "./validate-payload.js";

interface HashEntry {
  readonly key: string;
  readonly hash: string;
}

interface GenerationHashes {
  readonly uid: string;
  readonly generation: number;
  /** Component name -> its last identity (one per component: dependencies rarely change back). */
  readonly byComponent: Map<string, HashEntry>;
}

/** See the module documentation. */
export class PayloadBuildMemo {
  readonly #validated = new WeakMap<object, ParseResult<ValidPayloadBuild>>();
  readonly #status = new WeakMap<object, { readonly value: PayloadBuildStatus | undefined }>();
  readonly #resolved = new WeakMap<PayloadBuildSpec, ResolvedComponent[]>();
  readonly #plans = new WeakMap<ComponentGraph, Map<number, PlanStatus>>();
  readonly #hashes = new Map<string, GenerationHashes>();
  readonly #backendKeys = new WeakMap<BuildBackend, string>();

  /** `validate(raw)`, cached while `raw` is the same frozen object. */
  validated(
    raw: KubeObject,
    validate: (raw: KubeObject) => ParseResult<ValidPayloadBuild>,
  ): ParseResult<ValidPayloadBuild> {
    if (!Object.isFrozen(raw)) return validate(raw);
    let result = this.#validated.get(raw);
    if (result === undefined) this.#validated.set(raw, (result = validate(raw)));
    return result;
  }

  /** `parse(raw)` (the stored status), cached while `raw` is the same frozen object. */
  storedStatus(
    raw: KubeObject,
    parse: (raw: KubeObject) => PayloadBuildStatus | undefined,
  ): PayloadBuildStatus | undefined {
    if (!Object.isFrozen(raw)) return parse(raw);
    let entry = this.#status.get(raw);
    if (entry === undefined) this.#status.set(raw, (entry = { value: parse(raw) }));
    return entry.value;
  }

  /** The resolved components of a validated `spec` (validated results are themselves cached). */
  resolvedComponents(spec: PayloadBuildSpec): ResolvedComponent[] {
    let components = this.#resolved.get(spec);
    if (components === undefined) this.#resolved.set(spec, (components = resolveComponents(spec)));
    return components;
  }

  /** `planStatus(planPayload(graph, concurrency))`, cached per graph and concurrency. */
  planStatus(graph: ComponentGraph, concurrency: number): PlanStatus {
    let byConcurrency = this.#plans.get(graph);
    if (byConcurrency === undefined) this.#plans.set(graph, (byConcurrency = new Map()));
    let plan = byConcurrency.get(concurrency);
    if (plan === undefined)
      byConcurrency.set(concurrency, (plan = planStatus(planPayload(graph, concurrency))));
    return plan;
  }

  /**
   * `hasher` with its results cached for generation `metadata.generation` of `payloadBuild`
   * (see the module documentation); `hasher` itself when the PayloadBuild has no uid or generation.
   */
  inputHasher(payloadBuild: PayloadBuild, hasher: InputHasher): InputHasher {
    const { uid, generation, namespace, name } = payloadBuild.metadata;
    if (uid === undefined || generation === undefined || name === undefined) return hasher;
    const key = formatObjectKey(namespace === undefined ? { name } : { namespace, name });
    let hashes = this.#hashes.get(key);
    if (hashes?.uid !== uid || hashes.generation !== generation) {
      this.#hashes.set(key, (hashes = { uid, generation, byComponent: new Map() }));
    }
    const byComponent = hashes.byComponent;
    return (component, dependencyImages, backend) => {
      let key = this.#backendKey(backend);
      for (const name in dependencyImages) key += `\n${name}=${dependencyImages[name] ?? ""}`;
      const cached = byComponent.get(component.name);
      if (cached?.key === key) return cached.hash;
      const hash = hasher(component, dependencyImages, backend);
      byComponent.set(component.name, { key, hash });
      return hash;
    };
  }

  #backendKey(backend: BuildBackend): string {
    let key = this.#backendKeys.get(backend);
    if (key === undefined)
      this.#backendKeys.set(backend, (key = `${backend.name} ${JSON.stringify(backend.identity)}`));
    return key;
  }

  /** Forgets the input identities of the PayloadBuild `key` (it is gone). */
  forget(key: ObjectKey): void {
    this.#hashes.delete(formatObjectKey(key));
  }
}
