/**
 * Pure: a git commit object's text (gitformat-commit / `git cat-file commit`): header lines
 * (`tree`, `parent`*, `author`, `committer`, and others such as `gpgsig` whose continuation lines
 * start with a space), a blank line, then the message. The subject is the message's first
 * paragraph with its lines joined by spaces, as `git log --format=%s` prints it; the body the rest.
 */
import { GitProtocolError } from "./pkt-line.js";

/** A person line's name, email and time. */
export interface GitSignature {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** `+0200` */
  readonly timezone: string;
}

/** One parsed commit. */
export interface GitCommit {
  readonly id: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitSignature;
  readonly committer: GitSignature;
  readonly subject: string;
  readonly body: string;
}

const SIGNATURE = /^(.*?) ?<([^>]*)> (-?\d+) ([+-]\d{4})$/;

function signature(line: string | undefined, what: string, id: string): GitSignature {
  const match = line === undefined ? null : SIGNATURE.exec(line);
  if (match === null)
    throw new GitProtocolError(
      `commit ${id}: malformed or missing ${what} line ${JSON.stringify(line ?? "")}`,
    );
  return {
    name: match[1] ?? "",
    email: match[2] ?? "",
    timestamp: Number(match[3]),
    timezone: match[4] ?? "+0000",
  };
}

/** Parses the commit `id` from its content. Throws {@link GitProtocolError} on a malformed commit. */
export function parseCommit(id: string, content: Uint8Array): GitCommit {
  const text = Buffer.from(content).toString("utf8");
  const split = text.indexOf("\n\n");
  const headerText = split < 0 ? text : text.slice(0, split);
  const message = split < 0 ? "" : text.slice(split + 2);
  let tree: string | undefined;
  const parents: string[] = [];
  let author: string | undefined;
  let committer: string | undefined;
  for (const line of headerText.split("\n")) {
    if (line.startsWith(" ")) continue; // continuation of a multi-line header (gpgsig, mergetag)
    const space = line.indexOf(" ");
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? "" : line.slice(space + 1);
    if (key === "tree") tree = value;
    else if (key === "parent") parents.push(value);
    else if (key === "author") author = value;
    else if (key === "committer") committer = value;
  }
  if (tree === undefined || !/^[0-9a-f]{40}$/.test(tree))
    throw new GitProtocolError(`commit ${id}: no tree line`);
  const paragraphs = message.replace(/^\n+/, "").split(/\n[ \t]*\n/);
  const subject = (paragraphs[0] ?? "")
    .split("\n")
    .map((l) => l.trim())
    .join(" ")
    .trim();
  const body = paragraphs.slice(1).join("\n\n").trim();
  return {
    id,
    tree,
    parents,
    author: signature(author, "author", id),
    committer: signature(committer, "committer", id),
    subject,
    body,
  };
}
