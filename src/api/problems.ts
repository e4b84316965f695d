/** Field-path problems: the one shape every validation in this project reports. */
import type { z } from "zod";

/** One problem found in an object, located by a field path such as `spec.components[12].from`. */
export interface Problem {
  /** Field path in JSONPath-like notation: `spec.components[3].inputs[0].from`; `""` for the whole object. */
  readonly path: string;
  /** What is wrong and what the user should do about it. */
  readonly message: string;
}

/** The outcome of parsing untrusted input: the typed value, or every problem found. */
export type ParseResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problems: readonly Problem[] };

/** Formats a path of keys and indexes as `spec.components[12].from`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][\w$-]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** Converts zod issues into problems, one per issue, keeping zod's order. */
export function problemsFromZodIssues(
  issues: readonly z.core.$ZodIssue[],
  prefix: readonly PropertyKey[] = [],
): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the branch with the fewest problems: it is the one the user most likely meant.
      const best = [...issue.errors].sort((a, b) => a.length - b.length)[0] ?? [];
      return problemsFromZodIssues(best, path);
    }
    if (issue.code === "unrecognized_keys") {
      return issue.keys.map((key) => ({
        path: formatPath([...path, key]),
        message: `unknown field "${key}"`,
      }));
    }
    return [{ path: formatPath(path), message: issue.message }];
  });
}

/** Parses `input` with `schema`, returning the value or every problem with its field path. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, problems: problemsFromZodIssues(result.error.issues) };
}

/** Renders problems one per line: `path: message`. */
export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => (p.path === "" ? p.message : `${p.path}: ${p.message}`)).join("\n");
}
