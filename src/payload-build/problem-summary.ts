/**
 * The problems of an invalid spec as one condition message of bounded size: a spec with thousands
 * of problems still gets a status the API server accepts (a condition message is at most 32,768
 * characters), listing as many problems as fit and saying how many more there are.
 */
import { formatProblems, type Problem } from "../api/index.js";

/** Most UTF-8 bytes of the problem list in an `InvalidSpec` condition message. */
export const PROBLEM_SUMMARY_MAX_BYTES = 12 * 1024;

/**
 * `problems` one per line (`path: message`), as many as fit in `maxBytes` UTF-8 bytes, followed by
 * `... and N more problems (payloadctl validate -f FILE lists them all)` when some were left out.
 * A single problem longer than the budget is cut. Pure.
 */
export function summarizeProblems(
  problems: readonly Problem[],
  maxBytes: number = PROBLEM_SUMMARY_MAX_BYTES,
): string {
  const lines: string[] = [];
  let used = 0;
  for (const [i, problem] of problems.entries()) {
    const line = formatProblems([problem]);
    const size = Buffer.byteLength(line, "utf8") + 1;
    if (used + size > maxBytes) {
      if (lines.length === 0) lines.push(`${cutToBytes(line, maxBytes - 200)}…`);
      const rest = problems.length - Math.max(i, 1);
      if (rest > 0) {
        lines.push(
          `... and ${rest} more problem${rest === 1 ? "" : "s"} (payloadctl validate -f FILE lists them all)`,
        );
      }
      break;
    }
    lines.push(line);
    used += size;
  }
  return lines.join("\n");
}

/** `text` cut to at most `maxBytes` UTF-8 bytes without splitting a code point. */
function cutToBytes(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char, "utf8");
    if (bytes > maxBytes) break;
    end += char.length;
  }
  return text.slice(0, end);
}
