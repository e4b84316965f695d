/**
 * A deterministic tar writer: the same entries always give the same bytes. Headers carry uid/gid 0,
 * no user or group names, explicit modes and an explicit mtime (a fixed epoch unless the entry gives one).
 */
import { pack as createPack, type Header, type Pack } from "tar-stream";

/** The mtime used for entries that give none: the Unix epoch, so output never depends on the clock. */
export const FIXED_MTIME = new Date(0);

/** One entry of a tar archive: a regular file with its content, or a directory. */
export type TarEntry =
  | {
      readonly type: "file";
      /** Path inside the archive, relative (`release-manifests/a.yaml`), no leading `/` or `./`. */
      readonly path: string;
      readonly content: Uint8Array | string;
      /** Permission bits; default 0o644. */
      readonly mode?: number;
      /** Modification time; cut to whole seconds; default {@link FIXED_MTIME}. */
      readonly mtime?: Date;
    }
  | {
      readonly type: "directory";
      readonly path: string;
      /** Permission bits; default 0o755. */
      readonly mode?: number;
      readonly mtime?: Date;
    };

/** How {@link writeDeterministicTar} orders and completes the entries. */
export interface TarWriteOptions {
  /**
   * `sorted` (default): entries sorted by path, with every missing parent directory added before its
   * children. `as-given`: written exactly in the order given (the caller owns the order, e.g. to match
   * `oc adm release new`), with no directories added.
   */
  readonly order?: "sorted" | "as-given";
}

/** Normalises an archive path: no leading `./` or `/`, no trailing `/`, no empty or `..` segments. */
export function normalizeTarPath(path: string): string {
  const segments = path
    .replace(/^(\.\/|\/)+/, "")
    .split("/")
    .filter((segment) => segment !== "" && segment !== ".");
  if (segments.length === 0 || segments.includes("..")) {
    throw new Error(`invalid path in tar archive: "${path}"`);
  }
  return segments.join("/");
}

function withParentDirectories(entries: readonly TarEntry[]): TarEntry[] {
  const byPath = new Map<string, TarEntry>();
  for (const entry of entries) {
    const path = normalizeTarPath(entry.path);
    if (byPath.has(path)) throw new Error(`duplicate path in tar archive: "${path}"`);
    byPath.set(path, { ...entry, path });
  }
  for (const path of [...byPath.keys()]) {
    const segments = path.split("/");
    for (let i = 1; i < segments.length; i += 1) {
      const parent = segments.slice(0, i).join("/");
      if (!byPath.has(parent)) byPath.set(parent, { type: "directory", path: parent });
    }
  }
  return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** Writes `entries` as an uncompressed tar archive and returns its bytes. Same input, same bytes. */
export async function writeDeterministicTar(
  entries: readonly TarEntry[],
  options: TarWriteOptions = {},
): Promise<Buffer> {
  const ordered =
    options.order === "as-given"
      ? entries.map((entry) => ({ ...entry, path: normalizeTarPath(entry.path) }))
      : withParentDirectories(entries);
  const pack = createPack();
  const chunks: Buffer[] = [];
  const collected = (async () => {
    for await (const chunk of pack as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
  })();
  for (const entry of ordered) {
    const common = {
      uid: 0,
      gid: 0,
      uname: "",
      gname: "",
      mtime: wholeSeconds(entry.mtime ?? FIXED_MTIME),
    };
    if (entry.type === "directory") {
      await addEntry(pack, {
        ...common,
        name: `${entry.path}/`,
        type: "directory",
        mode: entry.mode ?? 0o755,
      });
    } else {
      const content =
        typeof entry.content === "string" ? Buffer.from(entry.content, "utf8") : Buffer.from(entry.content);
      await addEntry(
        pack,
        { ...common, name: entry.path, type: "file", mode: entry.mode ?? 0o644, size: content.length },
        content,
      );
    }
  }
  pack.finalize();
  await collected;
  return Buffer.concat(chunks);
}

function addEntry(
  pack: Pack,
  header: Partial<Header> & Pick<Header, "name">,
  content?: Buffer,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const callback = (error?: Error | null): void => (error ? reject(error) : resolve());
    if (content === undefined) pack.entry(header, callback);
    else pack.entry(header, content, callback);
  });
}
