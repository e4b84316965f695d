/** Hostile YAML: alias bombs and deep nesting are refused with a position, never a stack overflow. */
import { describe, expect, it } from "vitest";
import { MAX_NESTING_DEPTH, parseYamlDocuments, YamlDocumentError } from "../../../src/cli/yaml-documents.js";

/** The error `text` is refused with. */
function refusal(text: string): YamlDocumentError {
  try {
    parseYamlDocuments(text);
  } catch (error) {
    if (error instanceof YamlDocumentError) return error;
    throw error;
  }
  throw new Error("accepted");
}

describe("parseYamlDocuments", () => {
  it("reads multi-document YAML and JSON, leaving out empty documents", () => {
    expect(parseYamlDocuments('a: 1\n---\n---\n{"b": [2]}\n')).toEqual([{ a: 1 }, { b: [2] }]);
  });

  it("refuses an alias bomb at the alias that multiplies, with line and column", () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i <= 5; i++)
      lines.push(
        `b${i}: &b${i} [${Array(9)
          .fill(i === 1 ? "*a" : `*b${i - 1}`)
          .join(",")}]`,
      );
    const error = refusal(lines.join("\n"));
    expect(error.message).toMatch(/aliases expand to more than 100 nodes \(an alias bomb\)/);
    expect({ line: error.line, col: error.col }).toEqual({ line: 3, col: 10 });
  });

  it("allows a few ordinary aliases", () => {
    expect(parseYamlDocuments("a: &x {k: v}\nb: *x\n")).toEqual([{ a: { k: "v" }, b: { k: "v" } }]);
  });

  it("refuses nesting deeper than the limit with the position of the first too-deep node", () => {
    const depth = MAX_NESTING_DEPTH + 1;
    const error = refusal(`spec: ${"[".repeat(depth)}${"]".repeat(depth)}\n`);
    expect(error.message).toBe(
      `nested more than ${MAX_NESTING_DEPTH} levels deep (maps and lists); no Kubernetes object nests this far`,
    );
    expect(error.line).toBe(1);
    expect(error.col).toBe(6 + MAX_NESTING_DEPTH); // the root map is the first level
  });

  it("says 'nested too deeply' where the parser itself would overflow its stack (5,000 levels of JSON)", () => {
    const error = refusal(`${'{"a":'.repeat(5_000)}1${"}".repeat(5_000)}`);
    expect(error.message).toMatch(/^nested too deeply to parse/);
    expect(error.message).not.toMatch(/call stack/);
    expect(error.line).toBe(1);
  });
});
