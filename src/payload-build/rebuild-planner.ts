/**
 * The act side of `spec.rebuild`: computes a PayloadBuild's keyed plan once per generation
 * (resolves git refs over smart HTTP and external tags, computes every key, reads the records in
 * the ImageStream's registry repository, decides reuse or build with reasons) and, after each
 * successful build of this PayloadBuild, records it under `<component>-<key>`. A generation whose
 * status already holds the keys' inputs (commits, resolved images) is planned from them again
 * after a restart, so refs are resolved once per generation even across restarts. Per-controller
 * memory only saves work.
 */
import type { Logger } from "pino";
import type { ComponentStatus, PayloadBuild } from "../api/index.js";
import { backendForComponent, type BuildBackends } from "../builds/build-backends.js";
import type { ImageStream } from "../builds/image-stream-schema.js";
import { GitRefResolver } from "../git/ls-remote.js";
import type { KubeClient } from "../kube/kube-client.js";
import { ImageStores, type RegistryOptions } from "../registry/image-store.js";
import { recordComponentBuild } from "./build-records.js";
import type { ComponentGraph } from "./component-graph.js";
import { computeComponentKeys } from "./component-key.js";
import { decideKeyedPlan, type KeyedPlanInputs } from "./decide-keyed-plan.js";
import { readGitSecrets } from "./git-credentials.js";
import { tokenCredentials, type IntegratedRegistryAccess } from "./integrated-registry.js";
import type { KeyedPlan } from "./keyed-plan.js";
import { observeKeyedInputs } from "./observe-keyed-inputs.js";
import { findRecords, type ComponentKeyProblem } from "./resolve-component-keys.js";
import { resolveComponents } from "./resolve-component.js";

/** What {@link RebuildPlanner} needs. */
export interface RebuildPlannerOptions {
  readonly backends: BuildBackends;
  /** Reads `source.git.secret` Secrets (basic-auth credentials for private repositories). */
  readonly client?: KubeClient;
  readonly registryOptions: RegistryOptions;
  readonly integratedRegistry?: IntegratedRegistryAccess;
  readonly log: Logger;
}

/** See the module documentation. */
export class RebuildPlanner {
  readonly #plans = new Map<string, { readonly generation: number; readonly plan: Promise<KeyedPlan> }>();
  readonly #recorded = new Set<string>();

  constructor(private readonly options: RebuildPlannerOptions) {}

  /**
   * The keyed plan of `payloadBuild`'s generation; `undefined` when `spec.rebuild` is unset or the
   * ImageStream has no registry repository yet (nothing can be looked up; decide starts nothing).
   * `fresh` is true the first time this process computed the plan (to record its Events once).
   */
  async planFor(
    payloadBuild: PayloadBuild,
    graph: ComponentGraph,
    imageStream: ImageStream | undefined,
    stored: readonly ComponentStatus[] | undefined,
    storedImages: readonly { image: string; digest: string }[] | undefined,
  ): Promise<{ plan: KeyedPlan; fresh: boolean } | undefined> {
    const { uid, generation } = payloadBuild.metadata;
    const repository = imageStream?.status?.dockerImageRepository;
    if (payloadBuild.spec.rebuild === undefined || uid === undefined || generation === undefined)
      return undefined;
    if (repository === undefined || repository === "") return undefined;
    const known = this.#plans.get(uid);
    if (known?.generation === generation) return { plan: await known.plan, fresh: false };
    const plan = this.#compute(payloadBuild, graph, repository, stored, storedImages);
    this.#plans.set(uid, { generation, plan });
    try {
      return { plan: await plan, fresh: true };
    } catch (err: unknown) {
      this.#plans.delete(uid); // a registry that failed: try again on the next reconcile
      throw err;
    }
  }

  async #compute(
    payloadBuild: PayloadBuild,
    graph: ComponentGraph,
    repository: string,
    stored: readonly ComponentStatus[] | undefined,
    storedImages: readonly { image: string; digest: string }[] | undefined,
  ): Promise<KeyedPlan> {
    const spec = payloadBuild.spec;
    const { uid = "", generation = 0, namespace = "", name } = payloadBuild.metadata;
    const stores = await this.#stores(namespace);
    const backendIdentity = (c: Parameters<typeof backendForComponent>[2]) =>
      backendForComponent(this.options.backends, spec, c).identity;
    const components = resolveComponents(spec);
    // Planned before by this generation (status written): the same inputs, not resolved again.
    const storedCommits = new Map(
      (stored ?? []).flatMap((c) => (c.commit === undefined ? [] : [[c.name, c.commit] as const])),
    );
    const canReuseStored =
      payloadBuild.status?.observedGeneration === generation &&
      storedImages !== undefined &&
      components.every((c) => c.prebuilt || c.spec.source?.git === undefined || storedCommits.has(c.name));
    let inputs: KeyedPlanInputs;
    if (canReuseStored) {
      const imageDigests = Object.fromEntries((storedImages ?? []).map((i) => [i.image, i.digest]));
      const commits = Object.fromEntries(storedCommits);
      const problems: ComponentKeyProblem[] = [];
      const keys = computeComponentKeys({
        components,
        graph,
        architectures: spec.architectures,
        backendIdentity,
        resolved: { commits, imageDigests },
        onError: (err) =>
          problems.push({
            component: err.component,
            message: err.message,
            ...(err.blockedBy === undefined ? {} : { blockedBy: err.blockedBy }),
          }),
      });
      const records = await findRecords(stores.open(`docker://${repository}`), keys);
      inputs = { keys, problems, commits, imageDigests, records };
    } else {
      inputs = await observeKeyedInputs(spec, graph, components, {
        backendIdentity,
        git: new GitRefResolver(),
        stores,
        secrets: await readGitSecrets(this.options.client, namespace, components),
        repository: `docker://${repository}`,
      });
    }
    const builtBy = `${namespace}/${name}`;
    const plan = decideKeyedPlan(spec, components, inputs, { uid, generation, builtBy });
    const decisions = [...plan.components.values()].flatMap((c) => c.decision ?? []);
    this.options.log.info(
      {
        payloadBuild: builtBy,
        generation,
        builds: decisions.filter((d) => d.action === "Build").length,
        components: decisions.length,
      },
      "planned rebuilds by component key",
    );
    return plan;
  }

  /**
   * Records each component this PayloadBuild built (status `Landed`, planned `Build`) under
   * `<component>-<key>` in its repository, once per process; idempotent in the registry.
   */
  async recordBuilt(plan: KeyedPlan, namespace: string, entries: readonly ComponentStatus[]): Promise<void> {
    let stores: ImageStores | undefined;
    for (const entry of entries) {
      const c = plan.components.get(entry.name);
      if (entry.state !== "Landed" || c?.decision?.action !== "Build" || entry.image === undefined) continue;
      const marker = `${plan.uid}/${entry.name}/${c.key}`;
      if (this.#recorded.has(marker)) continue;
      const at = entry.image.lastIndexOf("@");
      if (at < 0) continue;
      stores ??= await this.#stores(namespace);
      const outcome = await recordComponentBuild(
        stores.open(`docker://${entry.image.slice(0, at)}`),
        entry.name,
        c.key,
        entry.image.slice(at + 1),
      );
      this.#recorded.add(marker);
      this.options.log.info(
        { component: entry.name, key: c.key, outcome },
        "recorded the component's build by key",
      );
    }
  }

  /** Forgets the plans of a PayloadBuild that is gone. */
  forget(uid: string): void {
    this.#plans.delete(uid);
  }

  async #stores(namespace: string): Promise<ImageStores> {
    const hosts = new Set(this.options.integratedRegistry?.hosts(namespace) ?? []);
    const token = hosts.size === 0 ? undefined : await this.options.integratedRegistry?.token();
    return new ImageStores({
      ...this.options.registryOptions,
      ...(token === undefined ? {} : { dockerConfigJson: tokenCredentials(hosts, token) }),
    });
  }
}
