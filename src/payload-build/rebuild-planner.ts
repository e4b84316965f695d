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
import { GitRefResolver, type GitCredentials } from "../git/ls-remote.js";
import type { KubeClient } from "../kube/kube-client.js";
import { isNotFound } from "../kube/kube-errors.js";
import { SECRETS } from "../kube/resource.js";
import { ImageStores, type RegistryOptions } from "../registry/image-store.js";
import { componentKeyLabels, recordComponentBuild } from "./build-records.js";
import type { ComponentGraph } from "./component-graph.js";
import { computeComponentKeys, payloadKeyOf, type ComponentKey } from "./component-key.js";
import { canonicalJson } from "./input-identity.js";
import { tokenCredentials, type IntegratedRegistryAccess } from "./integrated-registry.js";
import type { KeyedComponentPlan, KeyedPlan } from "./keyed-plan.js";
import { decideComponentRebuilds, findRecords, resolveComponentKeys } from "./resolve-component-keys.js";
import { resolveComponents, type ResolvedComponent } from "./resolve-component.js";

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
    let keys: ReadonlyMap<string, ComponentKey>;
    let problems: { component: string; message: string; blockedBy?: string }[];
    let imageDigests: Record<string, string>;
    let commits: Record<string, string>;
    if (canReuseStored) {
      imageDigests = Object.fromEntries((storedImages ?? []).map((i) => [i.image, i.digest]));
      commits = Object.fromEntries(storedCommits);
      problems = [];
      keys = computeComponentKeys({
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
    } else {
      const credentials = await this.#gitCredentials(namespace, components);
      const resolved = await resolveComponentKeys(spec, graph, backendIdentity, {
        git: new GitRefResolver(),
        stores,
        gitCredentials: (c) => {
          const secret = c.spec.source?.git?.secret?.name;
          const found = secret === undefined ? undefined : credentials.get(secret);
          return found instanceof Error ? undefined : found;
        },
      });
      keys = resolved.keys;
      problems = [...resolved.problems];
      // A Secret that cannot be read is the problem of the components naming it (not "needs credentials").
      for (const c of components) {
        const secret = c.spec.source?.git?.secret?.name;
        const found = secret === undefined ? undefined : credentials.get(secret);
        if (!(found instanceof Error)) continue;
        const message = `component ${c.name}: spec.components[${c.specIndex}].source.git.secret: ${found.message}`;
        const at = problems.findIndex((p) => p.component === c.name);
        if (at >= 0) problems[at] = { component: c.name, message };
        else problems.push({ component: c.name, message });
      }
      imageDigests = { ...resolved.imageDigests };
      commits = Object.fromEntries(Object.entries(resolved.refs).map(([n, r]) => [n, r.commit]));
    }
    const records = await findRecords(stores.open(`docker://${repository}`), keys);
    const forced = new Set(components.filter((c) => c.spec.rebuild === "Always").map((c) => c.name));
    const decisions = decideComponentRebuilds(keys, records, {
      all: spec.rebuild === "Always",
      components: forced,
    });
    const byName = new Map(decisions.map((d) => [d.component, d]));
    const builtBy = `${namespace}/${name}`;
    const planned = new Map<string, KeyedComponentPlan>();
    for (const [component, k] of keys) {
      planned.set(component, {
        key: k.key,
        commit: commits[component],
        decision: byName.get(component),
        imageLabels: componentKeyLabels(k.key, canonicalJson(k.document), builtBy),
      });
    }
    this.options.log.info(
      {
        payloadBuild: builtBy,
        generation,
        builds: decisions.filter((d) => d.action === "Build").length,
        components: decisions.length,
      },
      "planned rebuilds by component key",
    );
    return {
      uid,
      generation,
      components: planned,
      // Components without a key only because a parent has none are left to decide: Blocked.
      problems: new Map(
        problems.filter((p) => p.blockedBy === undefined).map((p) => [p.component, p.message]),
      ),
      resolvedImages: Object.entries(imageDigests)
        .map(([image, digest]) => ({ image, digest }))
        .sort((a, b) => (a.image < b.image ? -1 : 1)),
      ...(problems.length === 0 ? { payloadKey: payloadKeyOf(keys) } : {}),
    };
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

  /** The basic-auth credentials of every `source.git.secret` named, or the error reading it. */
  async #gitCredentials(
    namespace: string,
    components: readonly ResolvedComponent[],
  ): Promise<Map<string, GitCredentials | Error>> {
    const names = new Set(components.flatMap((c) => c.spec.source?.git?.secret?.name ?? []));
    const found = new Map<string, GitCredentials | Error>();
    for (const name of names) {
      found.set(name, await this.#readBasicAuth(namespace, name).catch((err: unknown) => err as Error));
    }
    return found;
  }

  async #readBasicAuth(namespace: string, name: string): Promise<GitCredentials> {
    const client = this.options.client;
    if (client === undefined) throw new Error(`Secret ${namespace}/${name} cannot be read (no API client)`);
    let secret;
    try {
      secret = await client.get(SECRETS, { namespace, name });
    } catch (err: unknown) {
      if (!isNotFound(err)) throw err;
      throw new Error(
        `Secret ${namespace}/${name} not found; create it (kubectl create secret generic ${name} -n ${namespace} --type kubernetes.io/basic-auth --from-literal username=... --from-literal password=...)`,
        { cause: err },
      );
    }
    const data = secret["data"];
    const field = (key: string): string | undefined => {
      const value =
        typeof data === "object" && data !== null ? (data as Record<string, unknown>)[key] : undefined;
      return typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : undefined;
    };
    const username = field("username");
    const password = field("password");
    if (password === undefined || password === "") {
      throw new Error(
        `Secret ${namespace}/${name} has no password (expected type kubernetes.io/basic-auth with username and password)`,
      );
    }
    return { username: username ?? "git", password };
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
