/**
 * Pure: the individual commits of each changed repository of a changelog, as release-controller
 * lists them (`oc adm release info --changelog`): subject, id and link, commit date, the pull
 * request a merge commit or a squashed subject names, and the issue keys a subject starts with
 * (`OCPBUGS-123: ...`). The ranges come from the {@link CommitLog}; a range not fetched yet is
 * "pending", one that could not be fetched carries the reason.
 */
import type { GitCommit } from "../git/commit-object.js";
import type { ChangedSource, ReleaseChangelog } from "./changelog.js";
import { repositoryWebUrl } from "./changelog.js";
import type { RangeCommits, RangeKey } from "./commit-log.js";
import { safeHttpUrl } from "./html.js";

/** One commit of a changelog. */
export interface ChangelogCommit {
  readonly id: string;
  readonly subject: string;
  readonly author: string;
  /** Committer date, RFC 3339 UTC. */
  readonly committedAt: string;
  /** The commit's page, for a web repository. */
  readonly url: string | undefined;
  readonly pullId: number | undefined;
  readonly pullUrl: string | undefined;
  /** Issue key -> its page. */
  readonly issues: Readonly<Record<string, string>>;
}

/** The commits of one changed repository. */
export type SourceCommits =
  | { readonly state: "pending" }
  | { readonly state: "error"; readonly message: string }
  | {
      readonly state: "ready";
      /** Newest first, at most the cap. */
      readonly commits: readonly ChangelogCommit[];
      /** Commits in the range (a lower bound when not `complete`). */
      readonly total: number;
      readonly fromIsAncestor: boolean;
      readonly complete: boolean;
      /** `to` is an ancestor of `from`: the component went back to an older commit. */
      readonly toIsAncestor: boolean;
    };

/** Where issue keys of OKD/OpenShift commit subjects (Jira) are looked up. */
export const ISSUE_TRACKER = "https://issues.redhat.com/browse/";

const ISSUE_PREFIX = /^((?:[A-Z][A-Z0-9]+-\d+)(?:\s*,\s*[A-Z][A-Z0-9]+-\d+)*)\s*:/;
const MERGE_PULL = /^Merge pull request #(\d+) from /;
const SQUASHED_PULL = /\(#(\d+)\)$/;

/**
 * The range of `source` the commit log can fetch for a page of `namespace`, when it has both commits
 * and an http(s) repository.
 */
export function rangeKeyOf(source: ChangedSource, namespace: string): RangeKey | undefined {
  const repository = safeHttpUrl(source.sourceLocation);
  if (repository === undefined || source.fromCommit === undefined) return undefined;
  if (!/^[0-9a-f]{40}$/.test(source.fromCommit) || !/^[0-9a-f]{40}$/.test(source.toCommit)) return undefined;
  return {
    namespace,
    repository: repository.replace(/\/+$/, ""),
    from: source.fromCommit,
    to: source.toCommit,
  };
}

/** One commit as the changelog shows it; links only for a web repository. */
export function changelogCommitOf(commit: GitCommit, sourceLocation: string | undefined): ChangelogCommit {
  const web = repositoryWebUrl(sourceLocation);
  const pull = MERGE_PULL.exec(commit.subject) ?? SQUASHED_PULL.exec(commit.subject);
  const pullId = pull === null ? undefined : Number(pull[1]);
  const keys = ISSUE_PREFIX.exec(commit.subject)?.[1]?.split(/\s*,\s*/) ?? [];
  return {
    id: commit.id,
    subject: commit.subject,
    author: commit.author.name,
    committedAt: new Date(commit.committer.timestamp * 1000).toISOString().replace(/\.000Z$/, "Z"),
    url: web === undefined ? undefined : `${web}/commit/${commit.id}`,
    pullId,
    pullUrl: web === undefined || pullId === undefined ? undefined : `${web}/pull/${pullId}`,
    issues: Object.fromEntries(keys.map((k) => [k, `${ISSUE_TRACKER}${k}`])),
  };
}

/** What the page shows of a range the commit log knows as `range`. */
export function sourceCommitsOf(range: RangeCommits, source: ChangedSource): SourceCommits {
  if (range.state !== "ready") return range;
  const r = range.range;
  return {
    state: "ready",
    commits: r.commits.map((c) => changelogCommitOf(c, source.sourceLocation)),
    total: r.total,
    fromIsAncestor: r.fromIsAncestor,
    complete: r.complete,
    toIsAncestor: r.toIsAncestor,
  };
}

/** The changelog with each listable changed source's commits as `lookup` knows them now (for `namespace`). */
export function withCommits(
  changelog: ReleaseChangelog,
  namespace: string,
  lookup: (key: RangeKey) => RangeCommits,
): ReleaseChangelog {
  return {
    ...changelog,
    changed: changelog.changed.map((source) => {
      const key = rangeKeyOf(source, namespace);
      return key === undefined ? source : { ...source, commits: sourceCommitsOf(lookup(key), source) };
    }),
  };
}
