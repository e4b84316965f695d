/**
 * Pure: the git smart-HTTP ref advertisement (`GET <url>/info/refs?service=git-upload-pack`,
 * protocol v0/v1, what `git ls-remote` reads) parsed from its pkt-lines, and a ref resolved
 * against it to the full commit: `refs/heads/X`, `refs/tags/X` (an annotated tag through its peeled
 * `^{}` line), a full `refs/...` name, or the default branch (`HEAD`).
 */

/** One advertised ref. */
export interface AdvertisedRef {
  /** Full name: `refs/heads/main`, `refs/tags/v1.0`, `HEAD`. */
  readonly name: string;
  /** The object the ref points at (40 hex). */
  readonly objectId: string;
  /** For an annotated tag: the commit it points to (from the `^{}` line). */
  readonly peeled?: string;
}

/** A parsed advertisement. */
export interface RefAdvertisement {
  readonly refs: ReadonlyMap<string, AdvertisedRef>;
  /** The branch `HEAD` points to (`symref=HEAD:refs/heads/main` capability), when advertised. */
  readonly headTarget?: string;
}

/** A malformed advertisement or a ref that cannot be resolved; the message says what was expected. */
export class GitRefError extends Error {
  override readonly name = "GitRefError";
}

const OBJECT_ID = /^[0-9a-f]{40}$/;

/**
 * Splits pkt-lines (4 hex digits of length including themselves; `0000` flush) and parses the
 * advertisement. The first section may be the `# service=git-upload-pack` banner followed by a
 * flush, as smart HTTP sends it. Throws {@link GitRefError} on a malformed body.
 */
export function parseRefAdvertisement(body: Uint8Array): RefAdvertisement {
  const text = Buffer.from(body);
  const lines: string[] = [];
  let offset = 0;
  while (offset < text.length) {
    const lengthHex = text.subarray(offset, offset + 4).toString("latin1");
    if (!/^[0-9a-f]{4}$/.test(lengthHex)) {
      throw new GitRefError(
        `not a git ref advertisement: bad pkt-line length ${JSON.stringify(lengthHex)} at byte ${offset}`,
      );
    }
    const length = Number.parseInt(lengthHex, 16);
    if (length === 0) {
      offset += 4;
      continue;
    }
    if (length < 4 || offset + length > text.length) {
      throw new GitRefError(
        `not a git ref advertisement: pkt-line of length ${length} at byte ${offset} overruns the body`,
      );
    }
    lines.push(
      text
        .subarray(offset + 4, offset + length)
        .toString("utf8")
        .replace(/\n$/, ""),
    );
    offset += length;
  }
  const refs = new Map<string, AdvertisedRef>();
  let headTarget: string | undefined;
  let first = true;
  for (const line of lines) {
    if (line.startsWith("# service=")) continue;
    if (line.startsWith("ERR ")) throw new GitRefError(`the git server answered: ${line.slice(4)}`);
    let refPart = line;
    if (first) {
      first = false;
      const nul = line.indexOf("\0");
      if (nul >= 0) {
        refPart = line.slice(0, nul);
        for (const capability of line.slice(nul + 1).split(" ")) {
          if (capability.startsWith("symref=HEAD:")) headTarget = capability.slice("symref=HEAD:".length);
        }
      }
    }
    const space = refPart.indexOf(" ");
    const objectId = refPart.slice(0, space);
    const name = refPart.slice(space + 1);
    if (space < 0 || !OBJECT_ID.test(objectId)) {
      throw new GitRefError(`not a git ref advertisement: line ${JSON.stringify(line.slice(0, 80))}`);
    }
    if (name === "capabilities^{}") continue; // an empty repository
    if (name.endsWith("^{}")) {
      const tag = name.slice(0, -3);
      const ref = refs.get(tag);
      if (ref !== undefined) refs.set(tag, { ...ref, peeled: objectId });
      continue;
    }
    refs.set(name, { name, objectId });
  }
  return headTarget === undefined ? { refs } : { refs, headTarget };
}

/** A resolved ref: the full ref name and the commit it names. */
export interface ResolvedRef {
  /** `refs/heads/main`, `refs/tags/v1`, or the commit itself when the ref was one. */
  readonly ref: string;
  /** 40 hex. */
  readonly commit: string;
}

/**
 * Resolves `ref` (undefined: the default branch) against `advertisement`: a 40-hex commit is taken
 * as is; `refs/...` must be advertised; a short name must be exactly one of `refs/heads/<ref>` and
 * `refs/tags/<ref>` (both: ambiguous). A tag resolves to its peeled commit. Throws
 * {@link GitRefError} naming `url`, the ref and what exists.
 */
export function resolveRef(
  advertisement: RefAdvertisement,
  ref: string | undefined,
  url: string,
): ResolvedRef {
  const { refs } = advertisement;
  const commitOf = (r: AdvertisedRef): ResolvedRef => ({ ref: r.name, commit: r.peeled ?? r.objectId });
  if (ref === undefined || ref === "HEAD") {
    const target = advertisement.headTarget === undefined ? undefined : refs.get(advertisement.headTarget);
    const head = target ?? refs.get("HEAD");
    if (head === undefined)
      throw new GitRefError(`${url} advertises no default branch (HEAD): is the repository empty?`);
    return commitOf(head);
  }
  if (OBJECT_ID.test(ref)) return { ref, commit: ref };
  if (ref.startsWith("refs/")) {
    const exact = refs.get(ref);
    if (exact === undefined) throw new GitRefError(`ref ${ref} does not exist in ${url}${existing(refs)}`);
    return commitOf(exact);
  }
  const branch = refs.get(`refs/heads/${ref}`);
  const tag = refs.get(`refs/tags/${ref}`);
  if (branch !== undefined && tag !== undefined) {
    throw new GitRefError(
      `ref ${ref} is ambiguous in ${url}: both refs/heads/${ref} and refs/tags/${ref} exist; write the full ref`,
    );
  }
  const found = branch ?? tag;
  if (found === undefined) {
    throw new GitRefError(
      `ref ${ref} does not exist in ${url} (no refs/heads/${ref} or refs/tags/${ref})${existing(refs)}`,
    );
  }
  return commitOf(found);
}

function existing(refs: ReadonlyMap<string, AdvertisedRef>): string {
  const names = [...refs.keys()].filter((n) => n.startsWith("refs/heads/") || n.startsWith("refs/tags/"));
  if (names.length === 0) return "; it has no branches or tags";
  const shown = names.slice(0, 8).map((n) => n.replace(/^refs\/(heads|tags)\//, ""));
  return `; it has ${shown.join(", ")}${names.length > 8 ? ", ..." : ""}`;
}
