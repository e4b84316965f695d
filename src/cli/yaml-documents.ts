/**
 * YAML/JSON text to plain values, with the limits a hostile file needs: an alias bomb (aliases
 * that expand to millions of nodes) and nesting deeper than any Kubernetes object are refused with
 * the file, line and column, never as a bare `ReferenceError` or `Maximum call stack size exceeded`.
 */
import {
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  type Document,
  type Node,
} from "yaml";

/**
 * Deepest nesting of maps and lists accepted. A PayloadBuild nests about 8 levels (managedFields'
 * fieldsV1 a few more); 64 leaves room for any Kubernetes object and stops pathological input early.
 */
export const MAX_NESTING_DEPTH = 64;

/** Most alias expansions per document (the yaml library's `maxAliasCount`). */
export const MAX_ALIAS_COUNT = 100;

/** A refused document: what is wrong, and where (1-based line and column) when known. */
export class YamlDocumentError extends Error {
  override readonly name = "YamlDocumentError";
  constructor(
    message: string,
    readonly line?: number,
    readonly col?: number,
  ) {
    super(message);
  }
}

/** One YAML node with its nesting depth, for the iterative walk (no recursion: the input may be deep). */
interface Visit {
  readonly node: unknown;
  readonly depth: number;
}

/** The first node nested deeper than `max`, if any. Iterative, so it never overflows the stack. */
function tooDeepNode(root: unknown, max: number): Node | undefined {
  const stack: Visit[] = [{ node: root, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { node, depth } = next;
    if (isMap(node) || isSeq(node)) {
      if (depth + 1 > max) return node;
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    } else if (isPair(node)) {
      stack.push({ node: node.key, depth }, { node: node.value, depth });
    }
  }
  return undefined;
}

/** True when `node` (an anchored node) holds an alias: expanding it multiplies. */
function holdsAlias(node: unknown): boolean {
  const stack: unknown[] = [node];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (isAlias(next)) return true;
    if (isMap(next) || isSeq(next)) stack.push(...next.items);
    else if (isPair(next)) stack.push(next.key, next.value);
  }
  return false;
}

/** The alias that makes expansion explode: the first one naming an anchor that itself holds aliases. */
function amplifyingAlias(doc: Document.Parsed): Node | undefined {
  const anchors = new Map<string, unknown>();
  let first: Node | undefined;
  const stack: unknown[] = [doc.contents];
  const ordered: Node[] = [];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    if (isAlias(next)) {
      ordered.push(next);
      continue;
    }
    if ((isMap(next) || isSeq(next) || isScalar(next)) && next.anchor !== undefined)
      anchors.set(next.anchor, next);
    if (isMap(next) || isSeq(next)) stack.push(...[...next.items].reverse());
    else if (isPair(next)) stack.push(next.value, next.key);
  }
  for (const alias of ordered) {
    first ??= alias;
    if (isAlias(alias) && holdsAlias(anchors.get(alias.source))) return alias;
  }
  return first;
}

const positionOf = (node: Node | undefined, lines: LineCounter): { line?: number; col?: number } => {
  const offset = node?.range?.[0];
  return offset === undefined ? {} : lines.linePos(offset);
};

/**
 * `text` parsed as one JSON document when it is one (a hundred times faster than the YAML parser on
 * a megabyte of JSON), else undefined (then the YAML parser reads it, and reports any error with
 * its position). Nesting is checked as for YAML; too deep is undefined, so the YAML path says where.
 */
function parseJsonDocument(text: string): unknown {
  if (!text.trimStart().startsWith("{")) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return value === null || nestingExceeds(value, MAX_NESTING_DEPTH) ? undefined : value;
}

/** True when a plain value nests maps and lists deeper than `max` (iterative). */
function nestingExceeds(root: unknown, max: number): boolean {
  const stack: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, depth } = next;
    if (typeof value !== "object" || value === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Object.values(value)) stack.push({ value: child, depth: depth + 1 });
  }
  return false;
}

/**
 * Parses every document of `text` (YAML, or JSON, which is YAML) into plain values; empty documents
 * are left out. Throws {@link YamlDocumentError} for a syntax error, nesting deeper than
 * {@link MAX_NESTING_DEPTH}, or aliases expanding to more than {@link MAX_ALIAS_COUNT} nodes.
 */
export function parseYamlDocuments(text: string): unknown[] {
  const json = parseJsonDocument(text);
  if (json !== undefined) return [json];
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { prettyErrors: true, lineCounter: lines });
  if (!Array.isArray(documents)) return [];
  const values: unknown[] = [];
  for (const doc of documents) {
    const [first] = doc.errors;
    if (first !== undefined) {
      const where = first.linePos?.[0];
      const raw = (first.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
      const message = /call stack/i.test(raw)
        ? `nested too deeply to parse (Kubernetes objects nest at most ${MAX_NESTING_DEPTH} levels)`
        : raw;
      throw new YamlDocumentError(message, where?.line, where?.col);
    }
    const deep = tooDeepNode(doc.contents, MAX_NESTING_DEPTH);
    if (deep !== undefined) {
      const { line, col } = positionOf(deep, lines);
      throw new YamlDocumentError(
        `nested more than ${MAX_NESTING_DEPTH} levels deep (maps and lists); no Kubernetes object nests this far`,
        line,
        col,
      );
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      if (!(error instanceof ReferenceError) || !/alias/i.test(error.message)) throw error;
      const { line, col } = positionOf(amplifyingAlias(doc), lines);
      throw new YamlDocumentError(
        `YAML aliases expand to more than ${MAX_ALIAS_COUNT} nodes (an alias bomb); write the values out instead of nesting aliases`,
        line,
        col,
      );
    }
    if (value !== null && value !== undefined) values.push(value);
  }
  return values;
}
