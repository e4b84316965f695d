/**
 * The subset of Kubernetes JSONPath used by printer columns: `.a.b`, `.a[0]`, `.a[*].b`,
 * `['a.b']`, and filters `[?(@.type=="Ready")]`, optionally wrapped in `{...}`.
 */

type Step =
  | { kind: "field"; name: string }
  | { kind: "index"; index: number }
  | { kind: "all" }
  | { kind: "filter"; path: string[]; op: "==" | "!="; value: string };

/** Parses a printer-column JSONPath into steps; throws on syntax it does not support. */
export function parseJsonPath(expression: string): Step[] {
  let expr = expression.trim();
  if (expr.startsWith("{") && expr.endsWith("}")) expr = expr.slice(1, -1);
  if (expr.startsWith("$")) expr = expr.slice(1);
  const steps: Step[] = [];
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i];
    if (ch === ".") {
      const m = /^\.([A-Za-z0-9_\-$]+)/.exec(expr.slice(i));
      if (m === null) throw new Error(`unsupported JSONPath ${expression} at ${i}`);
      steps.push({ kind: "field", name: m[1] ?? "" });
      i += m[0].length;
    } else if (ch === "[") {
      const close = findClose(expr, i);
      const inner = expr.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === "*") steps.push({ kind: "all" });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: "field", name: inner.slice(1, -1) });
      else {
        const f = /^\?\(@((?:\.[A-Za-z0-9_-]+)+)\s*(==|!=)\s*(?:"([^"]*)"|'([^']*)'|(\S+))\)$/.exec(inner);
        if (f === null) throw new Error(`unsupported JSONPath filter ${inner} in ${expression}`);
        steps.push({
          kind: "filter",
          path: (f[1] ?? "").slice(1).split("."),
          op: f[2] === "!=" ? "!=" : "==",
          value: f[3] ?? f[4] ?? f[5] ?? "",
        });
      }
    } else throw new Error(`unsupported JSONPath ${expression} at ${i}`);
  }
  return steps;
}

function findClose(expr: string, open: number): number {
  let quote: string | undefined;
  for (let j = open + 1; j < expr.length; j++) {
    const c = expr[j];
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "]") return j;
  }
  throw new Error(`unterminated [ in JSONPath ${expr}`);
}

function get(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** Evaluates a JSONPath against a value; returns every match (empty when none). */
export function evaluateJsonPath(steps: readonly Step[], root: unknown): unknown[] {
  let current: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of current) {
      if (step.kind === "field") {
        const r = get(v, step.name);
        if (r !== undefined) next.push(r);
      } else if (step.kind === "index") {
        if (Array.isArray(v)) {
          const r: unknown = v[step.index < 0 ? v.length + step.index : step.index];
          if (r !== undefined) next.push(r);
        }
      } else if (step.kind === "all") {
        if (Array.isArray(v)) next.push(...(v as unknown[]));
        else if (typeof v === "object" && v !== null) next.push(...Object.values(v));
      } else if (Array.isArray(v)) {
        for (const item of v as unknown[]) {
          let x: unknown = item;
          for (const p of step.path) x = get(x, p);
          const s = typeof x === "string" ? x : JSON.stringify(x);
          if (step.op === "==" ? s === step.value : s !== step.value) next.push(item);
        }
      }
    }
    current = next;
  }
  return current;
}
