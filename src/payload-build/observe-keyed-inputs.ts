/**
 * The observe side of `spec.rebuild`, shared by the operator's rebuild planner and `payloadctl
 * plan --explain-rebuilds`: resolves every git ref (smart HTTP, with the components' credentials)
 * and external image tag once, computes every key, and reads what the component repository (the
 * ImageStream's registry repository) records under `<component>-<key>` and `<component>`. The
 * decision is `decideKeyedPlan`'s.
 */
import type { PayloadBuildSpec } from "../api/index.js";
import type { JsonValue } from "../builds/build-backend.js";
import type { GitCredentials, GitRefResolver } from "../git/ls-remote.js";
import type { RepositoryOpener } from "./build-records.js";
import type { ComponentGraph } from "./component-graph.js";
import type { KeyedPlanInputs } from "./decide-keyed-plan.js";
import { credentialsOf, withSecretProblems, type GitSecretCredentials } from "./git-credentials.js";
import type { ComponentRecords } from "./rebuild-plan.js";
import { findRecords, resolveComponentKeys } from "./resolve-component-keys.js";
import type { ResolvedComponent } from "./resolve-component.js";

/** The I/O and what was read before: credentials by Secret, and the component repository. */
export interface KeyedInputSources {
  readonly backendIdentity: (component: ResolvedComponent) => JsonValue;
  readonly git: GitRefResolver;
  readonly stores: RepositoryOpener;
  /** The `source.git.secret` Secrets, read (`readGitSecrets`). */
  readonly secrets: GitSecretCredentials;
  /**
   * Credentials for a component whose Secret gave none (the CLI's own, from the environment or a
   * netrc file); the operator has none. A component given these has no Secret problem.
   */
  readonly fallbackCredentials?: ((component: ResolvedComponent) => GitCredentials | undefined) | undefined;
  /** `docker://<ImageStream repository>`; undefined: nothing can be recorded yet (no records). */
  readonly repository: string | undefined;
}

/** Resolves, computes the keys and reads the records (see the module documentation). */
export async function observeKeyedInputs(
  spec: PayloadBuildSpec,
  graph: ComponentGraph,
  components: readonly ResolvedComponent[],
  sources: KeyedInputSources,
): Promise<KeyedPlanInputs> {
  const fellBack = new Set<string>();
  const resolved = await resolveComponentKeys(spec, graph, sources.backendIdentity, {
    git: sources.git,
    stores: sources.stores,
    gitCredentials: (c) => {
      const own = credentialsOf(c, sources.secrets);
      if (own !== undefined) return own;
      const fallback = sources.fallbackCredentials?.(c);
      if (fallback !== undefined) fellBack.add(c.name);
      return fallback;
    },
  });
  const records =
    sources.repository === undefined
      ? new Map<string, ComponentRecords>()
      : await findRecords(sources.stores.open(sources.repository), resolved.keys);
  return {
    keys: resolved.keys,
    problems: withSecretProblems(
      resolved.problems,
      components.filter((c) => !fellBack.has(c.name)),
      sources.secrets,
    ),
    commits: Object.fromEntries(Object.entries(resolved.refs).map(([n, r]) => [n, r.commit])),
    imageDigests: { ...resolved.imageDigests },
    records,
  };
}
