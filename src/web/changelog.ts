/**
 * The changelog between two releases from their components' source labels, as `oc adm release info
 * --changelog` groups it: components whose commit changed (per repository and commit range, with a
 * compare link), new and removed images, and images rebuilt without a code change. The commits of
 * each range (oc clones the repository and runs `git log`) are fetched over git smart HTTP by the
 * commit log (`commit-log.ts`, `src/git/`) and attached by `withCommits` (`changelog-commits.ts`).
 * Pure.
 */
import type { SourceCommits } from "./changelog-commits.js";
import { safeHttpUrl } from "./html.js";
import type { ReleaseComponent } from "./release-content.js";

/** One repository whose commit changed, with the images built from it. */
export interface ChangedSource {
  readonly sourceLocation: string | undefined;
  readonly fromCommit: string | undefined;
  readonly toCommit: string;
  readonly images: readonly string[];
  /** A link to the commits between the two (GitHub/GitLab compare), when the repository is a web URL. */
  readonly compareUrl: string | undefined;
  /** The commits of the range, once attached (absent: the range cannot be listed, see `rangeKeyOf`). */
  readonly commits?: SourceCommits;
}

/** The changelog of `to` against `from`. */
export interface ReleaseChangelog {
  readonly from: string;
  readonly to: string;
  readonly changed: readonly ChangedSource[];
  readonly newImages: readonly string[];
  readonly removedImages: readonly string[];
  /** Same commit, different digest (or no commit label). */
  readonly rebuiltImages: readonly string[];
}

/** The web page of a repository URL (`.git` suffix dropped), when it is http(s). */
export function repositoryWebUrl(sourceLocation: string | undefined): string | undefined {
  const url = safeHttpUrl(sourceLocation?.replace(/\.git$/, ""));
  return url?.replace(/\/+$/, "");
}

/** The commit's page: the image's own `commit.url`, else `<repo>/commit/<id>` for a web repository. */
export function commitUrlOf(component: ReleaseComponent): string | undefined {
  const own = safeHttpUrl(component.commitUrl);
  if (own !== undefined) return own;
  const repo = repositoryWebUrl(component.sourceLocation);
  if (repo === undefined || component.commitId === undefined) return undefined;
  return `${repo}/commit/${encodeURIComponent(component.commitId)}`;
}

/** `<repo>/compare/<from>...<to>` for a web repository (GitHub and GitLab read it). */
export function compareUrlOf(
  sourceLocation: string | undefined,
  from: string,
  to: string,
): string | undefined {
  const repo = repositoryWebUrl(sourceLocation);
  return repo === undefined
    ? undefined
    : `${repo}/compare/${encodeURIComponent(from)}...${encodeURIComponent(to)}`;
}

/** Computes the changelog (see the module documentation). */
export function releaseChangelog(
  from: { readonly name: string; readonly components: readonly ReleaseComponent[] },
  to: { readonly name: string; readonly components: readonly ReleaseComponent[] },
): ReleaseChangelog {
  const before = new Map(from.components.map((c) => [c.name, c]));
  const after = new Map(to.components.map((c) => [c.name, c]));
  const newImages = [...after.keys()].filter((n) => !before.has(n)).sort();
  const removedImages = [...before.keys()].filter((n) => !after.has(n)).sort();
  const rebuiltImages: string[] = [];
  const groups = new Map<string, { source: ChangedSource; images: string[] }>();
  for (const [name, now] of [...after].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const old = before.get(name);
    if (old === undefined) continue;
    if (now.commitId === undefined || now.commitId === old.commitId) {
      if (now.digest !== old.digest) rebuiltImages.push(name);
      continue;
    }
    const key = `${now.sourceLocation ?? ""}|${old.commitId ?? ""}|${now.commitId}`;
    let group = groups.get(key);
    if (group === undefined) {
      group = {
        source: {
          sourceLocation: now.sourceLocation,
          fromCommit: old.commitId,
          toCommit: now.commitId,
          images: [],
          compareUrl:
            old.commitId === undefined
              ? undefined
              : compareUrlOf(now.sourceLocation, old.commitId, now.commitId),
        },
        images: [],
      };
      groups.set(key, group);
    }
    group.images.push(name);
  }
  const changed = [...groups.values()].map((g) => ({ ...g.source, images: g.images }));
  return { from: from.name, to: to.name, changed, newImages, removedImages, rebuiltImages };
}
