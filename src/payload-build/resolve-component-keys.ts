/**
 * The act side of component keys: resolves every git ref (smart HTTP, no clone) and every
 * external image tag (registry) of a payload once, computes all the keys before any build, looks
 * up what the component repository records, and plans the rebuilds. A ref or image that cannot
 * be resolved is a problem of the components using it (and of their descendants), not of the
 * whole payload.
 */
import type { PayloadBuildSpec } from "../api/index.js";
import type { JsonValue } from "../builds/build-backend.js";
import type { GitCredentials, GitRefResolver } from "../git/ls-remote.js";
import type { ImageStore } from "../registry/image-store.js";
import { findComponentRecords, resolveImageDigests, type RepositoryOpener } from "./build-records.js";
import type { ComponentGraph } from "./component-graph.js";
import {
  computeComponentKeys,
  externalImagesOf,
  type ComponentKey,
  type ComponentKeyError,
} from "./component-key.js";
import { planRebuilds, type ComponentRebuildDecision, type ComponentRecords } from "./rebuild-plan.js";
import { resolveComponents, type ResolvedComponent } from "./resolve-component.js";

/** A component whose key cannot be computed, and why. */
export interface ComponentKeyProblem {
  readonly component: string;
  readonly message: string;
  /** Set when the component has no key only because the component it names has none. */
  readonly blockedBy?: string;
}

/** What was resolved and computed for one payload. */
export interface ResolvedComponentKeys {
  /** Component -> full ref and commit of its git source. */
  readonly refs: Readonly<Record<string, { readonly ref: string; readonly commit: string }>>;
  /** External pullspec -> digest. */
  readonly imageDigests: Readonly<Record<string, string>>;
  readonly keys: ReadonlyMap<string, ComponentKey>;
  readonly problems: readonly ComponentKeyProblem[];
}

/** The I/O {@link resolveComponentKeys} uses. */
export interface KeyResolvers {
  readonly git: GitRefResolver;
  readonly stores: RepositoryOpener;
  /** Credentials for a component's git source, when it has some. */
  readonly gitCredentials?: (component: ResolvedComponent) => GitCredentials | undefined;
}

/** Resolves refs and tags of `spec` and computes every key it can (see the module documentation). */
export async function resolveComponentKeys(
  spec: PayloadBuildSpec,
  graph: ComponentGraph,
  backendIdentity: (component: ResolvedComponent) => JsonValue,
  resolvers: KeyResolvers,
): Promise<ResolvedComponentKeys> {
  const components = resolveComponents(spec);
  const problems: ComponentKeyProblem[] = [];
  const refs: Record<string, { ref: string; commit: string }> = {};
  await Promise.all(
    components.map(async (c) => {
      const git = c.spec.source?.git;
      if (c.prebuilt || git === undefined) return;
      try {
        refs[c.name] = await resolvers.git.resolve(git.uri, git.ref, resolvers.gitCredentials?.(c));
      } catch (err: unknown) {
        problems.push({
          component: c.name,
          message: `component ${c.name}: spec.components[${c.specIndex}].source.git: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
    }),
  );
  const imageDigests: Record<string, string> = {};
  await Promise.all(
    externalImagesOf(components).map(async (pullspec) => {
      try {
        Object.assign(imageDigests, await resolveImageDigests([pullspec], resolvers.stores));
      } catch (err: unknown) {
        for (const c of components.filter((c) => usesImage(c, pullspec))) {
          problems.push({ component: c.name, message: `component ${c.name}: ${(err as Error).message}` });
        }
      }
    }),
  );
  const failed = new Set(problems.map((p) => p.component));
  const keys = computeComponentKeys({
    components,
    graph,
    architectures: spec.architectures,
    backendIdentity,
    resolved: {
      commits: Object.fromEntries(Object.entries(refs).map(([name, r]) => [name, r.commit])),
      imageDigests,
    },
    onError: (err: ComponentKeyError) => {
      if (!failed.has(err.component))
        problems.push({
          component: err.component,
          message: err.message,
          ...(err.blockedBy === undefined ? {} : { blockedBy: err.blockedBy }),
        });
    },
  });
  return {
    refs,
    imageDigests,
    keys,
    problems: problems.sort((a, b) => (a.component < b.component ? -1 : 1)),
  };
}

function usesImage(c: ResolvedComponent, pullspec: string): boolean {
  return c.spec.image === pullspec || c.spec.from === pullspec || c.inputs.some((i) => i.from === pullspec);
}

/** What the component repository records of each built component of `keys` (prebuilt ones left out). */
export async function findRecords(
  repository: ImageStore,
  keys: ReadonlyMap<string, ComponentKey>,
): Promise<Map<string, ComponentRecords>> {
  const entries = await Promise.all(
    [...keys]
      .filter(([, k]) => k.document.image === undefined)
      .map(async ([name, k]) => [name, await findComponentRecords(repository, name, k.key)] as const),
  );
  return new Map(entries);
}

/** The rebuild decision of every built component (prebuilt ones are imported, never built). */
export function decideComponentRebuilds(
  keys: ReadonlyMap<string, ComponentKey>,
  records: ReadonlyMap<string, ComponentRecords>,
  force: { readonly all?: boolean; readonly components?: ReadonlySet<string> } = {},
): ComponentRebuildDecision[] {
  const built = new Map([...keys].filter(([, k]) => k.document.image === undefined));
  return planRebuilds({
    keys: built,
    records,
    ...(force.all === undefined ? {} : { forceAll: force.all }),
    ...(force.components === undefined ? {} : { forced: force.components }),
  });
}
