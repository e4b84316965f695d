/**
 * Build history pruning, as openshift-controller-manager does it when a Build completes
 * (`handleBuildCompletion` -> `common.HandleBuildPruning`): the Builds of the completed build's
 * BuildConfig (selected by the `openshift.io/build-config.name` label) are split into successful
 * (`Complete`) and failed (`Failed`, `Error`, `Cancelled`) ones, each sorted newest first by
 * creation time, and those beyond the BuildConfig's `successfulBuildsHistoryLimit` /
 * `failedBuildsHistoryLimit` are deleted. A Build without that label, or whose BuildConfig does not
 * exist, prunes nothing.
 */
import type { KubeClient } from "../../kube/kube-client.js";
import { isNotFound } from "../../kube/kube-errors.js";
import { BUILD_CONFIGS, BUILDS, type BuildConfigObject, type BuildObject } from "./upstream-objects.js";

/** Label (and annotation) tying a Build to its BuildConfig. */
export const BUILD_CONFIG_NAME_LABEL = "openshift.io/build-config.name";

/** The history limits openshift-apiserver gives a BuildConfig created without them. */
export const DEFAULT_BUILDS_HISTORY_LIMIT = 5;

const FAILED_PHASES = new Set(["Failed", "Error", "Cancelled"]);

/**
 * Newest first by `metadata.creationTimestamp`, as `ByCreationTimestamp` sorts. Timestamps have
 * whole seconds; builds created in the same second (Go's unstable sort leaves them in any order)
 * are ordered by name, numbers compared as numbers (`x-10` is newer than `x-9`), so tests are repeatable.
 */
function newestFirst(builds: readonly BuildObject[]): BuildObject[] {
  const time = (b: BuildObject): number => Date.parse(b.metadata.creationTimestamp ?? "") || 0;
  return [...builds].sort(
    (a, b) => time(b) - time(a) || b.metadata.name.localeCompare(a.metadata.name, "en", { numeric: true }),
  );
}

/** The Builds of `config` that pruning deletes. Pure. */
export function buildsToPrune(config: BuildConfigObject, builds: readonly BuildObject[]): BuildObject[] {
  const successfulLimit = config.spec?.successfulBuildsHistoryLimit ?? DEFAULT_BUILDS_HISTORY_LIMIT;
  const failedLimit = config.spec?.failedBuildsHistoryLimit ?? DEFAULT_BUILDS_HISTORY_LIMIT;
  const successful = newestFirst(builds.filter((b) => b.status?.phase === "Complete"));
  const failed = newestFirst(builds.filter((b) => FAILED_PHASES.has(b.status?.phase ?? "")));
  return [...successful.slice(successfulLimit), ...failed.slice(failedLimit)];
}

/**
 * Prunes the history of the BuildConfig `build` belongs to (see the module documentation).
 * Returns the names of the deleted Builds.
 */
export async function pruneBuildHistory(client: KubeClient, build: BuildObject): Promise<string[]> {
  const configName = build.metadata.labels?.[BUILD_CONFIG_NAME_LABEL];
  const namespace = build.metadata.namespace;
  if (configName === undefined || configName === "" || namespace === undefined) return [];
  let config: BuildConfigObject;
  try {
    config = await client.get(BUILD_CONFIGS, { namespace, name: configName });
  } catch (e) {
    if (isNotFound(e)) return [];
    throw e;
  }
  const builds = await client.listAll(BUILDS, {
    namespace,
    labelSelector: `${BUILD_CONFIG_NAME_LABEL}=${configName}`,
  });
  const doomed = buildsToPrune(config, builds.items);
  for (const b of doomed) {
    try {
      await client.delete(BUILDS, { namespace, name: b.metadata.name });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
  return doomed.map((b) => b.metadata.name);
}
