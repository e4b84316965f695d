/**
 * Pure: reads a git packfile (gitformat-pack): `PACK`, version 2 or 3, the object count, then each
 * object as a type-and-size header and zlib-deflated data, and a SHA-1 trailer of everything before
 * it (checked). OFS_DELTA (base at a relative offset) and REF_DELTA (base by object id, in the same
 * pack) are resolved through their chains. Only the objects of the kinds asked for are materialised
 * (a commit-only changelog does not resolve the trees and blobs of a pack from a server that cannot
 * filter them out), each with its object id (SHA-1 of `<type> <size>\0<content>`).
 */
import { createHash } from "node:crypto";
import { inflateSync } from "node:zlib";
import { applyDelta } from "./pack-delta.js";
import { GitProtocolError } from "./pkt-line.js";

/** The kinds of objects a pack holds. */
export type GitObjectType = "commit" | "tree" | "blob" | "tag";

/** One object read from a pack. */
export interface PackObject {
  readonly id: string;
  readonly type: GitObjectType;
  readonly content: Uint8Array;
}

const TYPES: Readonly<Record<number, GitObjectType>> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };
const OFS_DELTA = 6;
const REF_DELTA = 7;

type Entry =
  | {
      readonly offset: number;
      readonly kind: "whole";
      readonly type: GitObjectType;
      readonly data: Uint8Array;
    }
  | { readonly offset: number; readonly kind: "ofs"; readonly base: number; readonly delta: Uint8Array }
  | { readonly offset: number; readonly kind: "ref"; readonly base: string; readonly delta: Uint8Array };

/** The object id git gives `content` of `type`. */
export function objectIdOf(type: GitObjectType, content: Uint8Array): string {
  return createHash("sha1").update(`${type} ${content.length}\0`).update(content).digest("hex");
}

/** Largest object (or delta result) read: a hostile server cannot make the reader allocate more. */
export const MAX_OBJECT_BYTES = 256 * 1024 * 1024;

function inflateAt(pack: Uint8Array, offset: number, size: number): { data: Uint8Array; next: number } {
  if (size > MAX_OBJECT_BYTES)
    throw new GitProtocolError(
      `packfile object at byte ${offset} is ${size} bytes, over ${MAX_OBJECT_BYTES}`,
    );
  let result;
  try {
    result = inflateSync(pack.subarray(offset), {
      info: true,
      maxOutputLength: Math.max(size, 1),
    }) as unknown as {
      buffer: Buffer;
      engine: { bytesWritten: number };
    };
  } catch (error) {
    throw new GitProtocolError(
      `packfile object at byte ${offset}: bad zlib data (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (result.buffer.length !== size) {
    throw new GitProtocolError(
      `packfile object at byte ${offset}: inflated to ${result.buffer.length} bytes, its header says ${size}`,
    );
  }
  return { data: result.buffer, next: offset + result.engine.bytesWritten };
}

function readEntries(pack: Uint8Array): Entry[] {
  if (pack.length < 32 || Buffer.from(pack.subarray(0, 4)).toString("latin1") !== "PACK") {
    throw new GitProtocolError("not a packfile (no PACK signature)");
  }
  const view = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
  const version = view.getUint32(4);
  if (version !== 2 && version !== 3)
    throw new GitProtocolError(`packfile version ${version} is not supported`);
  const count = view.getUint32(8);
  const end = pack.length - 20;
  const trailer = Buffer.from(pack.subarray(end)).toString("hex");
  const actual = createHash("sha1").update(pack.subarray(0, end)).digest("hex");
  if (trailer !== actual) throw new GitProtocolError(`packfile checksum mismatch (${trailer} != ${actual})`);
  const entries: Entry[] = [];
  let at = 12;
  for (let i = 0; i < count; i++) {
    const offset = at;
    let byte = pack[at++] ?? 0;
    const typeCode = (byte >> 4) & 7;
    let size = byte & 0x0f;
    let shift = 4;
    while ((byte & 0x80) !== 0) {
      byte = pack[at++] ?? 0;
      size += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    }
    if (at >= end) throw new GitProtocolError(`packfile truncated at object ${i + 1} of ${count}`);
    if (typeCode === OFS_DELTA) {
      byte = pack[at++] ?? 0;
      let distance = byte & 0x7f;
      while ((byte & 0x80) !== 0) {
        byte = pack[at++] ?? 0;
        distance = (distance + 1) * 128 + (byte & 0x7f);
      }
      const inflated = inflateAt(pack, at, size);
      entries.push({ offset, kind: "ofs", base: offset - distance, delta: inflated.data });
      at = inflated.next;
    } else if (typeCode === REF_DELTA) {
      const base = Buffer.from(pack.subarray(at, at + 20)).toString("hex");
      const inflated = inflateAt(pack, at + 20, size);
      entries.push({ offset, kind: "ref", base, delta: inflated.data });
      at = inflated.next;
    } else {
      const type = TYPES[typeCode];
      if (type === undefined)
        throw new GitProtocolError(`packfile object at byte ${offset} has type ${typeCode}`);
      const inflated = inflateAt(pack, at, size);
      entries.push({ offset, kind: "whole", type, data: inflated.data });
      at = inflated.next;
    }
  }
  if (at !== end) throw new GitProtocolError(`packfile has ${end - at} unexpected bytes after its objects`);
  return entries;
}

/**
 * The objects of `pack` whose type is in `types` (default: every type). Throws
 * {@link GitProtocolError} on a malformed pack, a bad checksum, or a delta whose base is not in it.
 */
export function readPackObjects(
  pack: Uint8Array,
  types: ReadonlySet<GitObjectType> = new Set(["commit", "tree", "blob", "tag"]),
): PackObject[] {
  const entries = readEntries(pack);
  const byOffset = new Map(entries.map((e) => [e.offset, e]));
  const resolved = new Map<number, { readonly type: GitObjectType; readonly content: Uint8Array }>();
  for (const e of entries) if (e.kind === "whole") resolved.set(e.offset, { type: e.type, content: e.data });
  let everythingResolved = false;

  // A REF_DELTA names its base by id: every object is resolved and named, rounds until no progress.
  const resolveEverything = (): void => {
    if (everythingResolved) return;
    everythingResolved = true;
    const offsetOfId = new Map<string, number>();
    for (const [offset, r] of resolved) offsetOfId.set(objectIdOf(r.type, r.content), offset);
    let pending = entries.filter((e) => !resolved.has(e.offset));
    while (pending.length > 0) {
      const left: Entry[] = [];
      for (const e of pending) {
        const baseOffset = e.kind === "ofs" ? e.base : e.kind === "ref" ? offsetOfId.get(e.base) : undefined;
        const base = baseOffset === undefined ? undefined : resolved.get(baseOffset);
        if (base === undefined || e.kind === "whole") {
          left.push(e);
          continue;
        }
        const r = { type: base.type, content: applyDelta(base.content, e.delta) };
        resolved.set(e.offset, r);
        offsetOfId.set(objectIdOf(r.type, r.content), e.offset);
      }
      if (left.length === pending.length) {
        const e = left[0];
        throw new GitProtocolError(
          e?.kind === "ref"
            ? `packfile delta at byte ${e.offset} has its base ${e.base} outside the pack`
            : `packfile delta at byte ${e?.offset ?? 0} has no base in the pack`,
        );
      }
      pending = left;
    }
  };

  // An OFS_DELTA chain is followed by offsets, so only the wanted objects are materialised.
  const resolveEntry = (e: Entry): { readonly type: GitObjectType; readonly content: Uint8Array } => {
    const chain: Entry[] = [];
    let cursor: Entry | undefined = e;
    while (cursor !== undefined && !resolved.has(cursor.offset)) {
      if (cursor.kind !== "ofs") break;
      chain.push(cursor);
      if (chain.length > entries.length) throw new GitProtocolError("packfile has a delta cycle");
      cursor = byOffset.get(cursor.base);
    }
    if (cursor === undefined || !resolved.has(cursor.offset)) {
      resolveEverything();
      const r = resolved.get(e.offset);
      if (r === undefined)
        throw new GitProtocolError(`packfile object at byte ${e.offset} cannot be resolved`);
      return r;
    }
    let base = resolved.get(cursor.offset) ?? { type: "blob" as const, content: new Uint8Array() };
    for (const c of chain.reverse()) {
      if (c.kind !== "ofs") continue;
      base = { type: base.type, content: applyDelta(base.content, c.delta) };
      resolved.set(c.offset, base);
    }
    return base;
  };
  const typeOf = (e: Entry): GitObjectType => {
    let cursor: Entry | undefined = e;
    for (let hops = 0; cursor !== undefined && hops <= entries.length; hops++) {
      const known = resolved.get(cursor.offset);
      if (known !== undefined) return known.type;
      if (cursor.kind !== "ofs") break;
      cursor = byOffset.get(cursor.base);
    }
    return resolveEntry(e).type;
  };

  const out: PackObject[] = [];
  for (const e of entries) {
    if (!types.has(typeOf(e))) continue;
    const r = resolveEntry(e);
    out.push({ id: objectIdOf(r.type, r.content), type: r.type, content: r.content });
  }
  return out;
}
