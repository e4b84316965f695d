/** Types of scripts/pinned-node.mjs (plain JavaScript so that it runs as the postinstall with nothing compiled). */

/** Whether `version` satisfies the npm semver range; undefined for a range it cannot read. */
export function satisfiesRange(version: string, range: string): boolean | undefined;

/** The installed packages whose `engines.node` the pinned Node does not satisfy, and the unreadable ranges. */
export function checkInstalledEngines(
  root: string,
  pinnedVersion: string,
): { checked: number; unsatisfied: string[]; unreadable: string[] };
