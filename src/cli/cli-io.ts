/**
 * Shared plumbing of the payloadctl commands: where output goes, reading YAML/JSON files
 * (single or multi-document, or stdin), and finding the PayloadBuild in them.
 */
import { readFile } from "node:fs/promises";
import { InvalidArgumentError } from "commander";
import type { Problem } from "../api/index.js";
import { parseYamlDocuments, YamlDocumentError } from "./yaml-documents.js";

/** Where a command writes and reads; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
  /** Reads all of standard input. */
  readonly readStdin: () => Promise<string>;
  /** Sets the process exit status (the process itself is never exited by a command). */
  readonly setExitCode: (code: number) => void;
}

/** The real process streams. */
export const processIo: CliIo = {
  stdout: process.stdout,
  stderr: process.stderr,
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString("utf8");
  },
  setExitCode: (code) => {
    process.exitCode = code;
  },
};

/** A user-facing failure: payloadctl prints its message (no stack) and exits 1. */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** One document of a file. */
export interface SourceDocument {
  /** `FILE` for a single-document file, `FILE (document N)` otherwise (N from 1). */
  readonly origin: string;
  readonly value: unknown;
}

/**
 * Line `line` (from 1) of `text` with a caret under column `col` (from 1), numbered like a
 * compiler's message: `  4 |   name: x` then `    |         ^` (pure).
 */
export function renderSourceLine(text: string, line: number, col: number): string {
  let source = (text.split(/\r?\n/)[line - 1] ?? "").replace(/\t/g, " ");
  let caret = Math.max(0, col - 1);
  // A long line (minified JSON) is shown as a window around the column.
  if (source.length > SOURCE_WINDOW) {
    const start = Math.max(0, Math.min(caret - SOURCE_WINDOW / 2, source.length - SOURCE_WINDOW));
    const end = start + SOURCE_WINDOW;
    source = `${start > 0 ? "…" : ""}${source.slice(start, end)}${end < source.length ? "…" : ""}`;
    caret = caret - start + (start > 0 ? 1 : 0);
  }
  const number = String(line);
  const gutter = " ".repeat(number.length);
  return `  ${number} | ${source}\n  ${gutter} | ${" ".repeat(caret)}^`;
}

/** Characters of a long source line shown around an error's column. */
const SOURCE_WINDOW = 100;

/** Reads a YAML or JSON file (`-` for stdin), single or multi-document. Empty documents are skipped. */
export async function readDocuments(file: string, io: CliIo): Promise<SourceDocument[]> {
  const name = file === "-" ? "<stdin>" : file;
  let text: string;
  try {
    text = file === "-" ? await io.readStdin() : await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(
      `${name}: cannot read file${code === "ENOENT" ? ": no such file" : `: ${String(error)}`}`,
    );
  }
  let values: unknown[];
  try {
    values = parseYamlDocuments(text);
  } catch (error) {
    if (!(error instanceof YamlDocumentError)) throw error;
    const { line, col } = error;
    const where = line !== undefined && col !== undefined ? { line, col } : undefined;
    throw new CliError(
      `${name}${where ? `:${where.line}:${where.col}` : ""}: invalid YAML/JSON: ${error.message}${where ? `\n${renderSourceLine(text, where.line, where.col)}` : ""}`,
      { cause: error },
    );
  }
  return values.map((value, i) => ({
    origin: values.length > 1 ? `${name} (document ${i + 1})` : name,
    value,
  }));
}

/** `kind` of a document, if it has one. */
export function kindOf(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === "string" ? kind : undefined;
}

/** The single PayloadBuild document of a file; a CliError when there is none or more than one. */
export async function readPayloadBuildDocument(file: string, io: CliIo): Promise<SourceDocument> {
  const documents = await readDocuments(file, io);
  const builds = documents.filter((doc) => kindOf(doc.value) === "PayloadBuild");
  const name = file === "-" ? "<stdin>" : file;
  if (builds.length === 1 && builds[0] !== undefined) return builds[0];
  if (builds.length > 1) {
    throw new CliError(`${name}: contains ${builds.length} PayloadBuilds; give a file with exactly one`);
  }
  const kinds = documents.map((doc) => kindOf(doc.value) ?? "(no kind)");
  throw new CliError(
    `${name}: no PayloadBuild found${kinds.length > 0 ? ` (found ${kinds.join(", ")})` : " (the file is empty)"}; the document needs kind: PayloadBuild`,
  );
}

/** Formats problems as `ORIGIN: path: message`, one per line. */
export function formatFileProblems(origin: string, problems: readonly Problem[]): string {
  return problems.map((p) => `${origin}: ${p.path === "" ? "" : `${p.path}: `}${p.message}\n`).join("");
}

/** commander argument parser for positive integers. */
export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("must be a positive integer");
  return n;
}

/** commander argument parser for integers (seeds). */
export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError("must be an integer");
  return n;
}
