import { describe, expect, it } from "vitest";
import {
  formatElapsed,
  progressBar,
  progressKey,
  renderProgressLine,
  renderProgressPlain,
  type ProgressSnapshot,
} from "../../../src/demo/demo-progress.js";

const counts = { total: 25, waiting: 9, building: 8, landed: 8, failed: 0, blocked: 0 };
const snapshot: ProgressSnapshot = {
  phase: "Building",
  counts,
  newlyLanded: ["cli", "tools"],
  elapsedMs: 83_400,
};

describe("demo progress", () => {
  it("prints one plain line per change with the counts and what just landed", () => {
    expect(renderProgressPlain(snapshot)).toBe(
      "[1:23] Building: 8/25 landed, 8 building, 9 waiting (landed: cli, tools)\n",
    );
    expect(renderProgressPlain({ ...snapshot, counts: undefined, newlyLanded: [], phase: "Pending" })).toBe(
      "[1:23] Pending: waiting for the operator\n",
    );
  });

  it("names failed and blocked components only when there are some", () => {
    const failing = { ...counts, failed: 1, blocked: 2, waiting: 6 };
    expect(renderProgressPlain({ ...snapshot, counts: failing, newlyLanded: [] })).toContain(
      "8/25 landed, 8 building, 6 waiting, 1 failed, 2 blocked",
    );
  });

  it("fills the bar in proportion to landed components and fits the terminal width", () => {
    expect(progressBar(counts, 25)).toBe(`[${"#".repeat(8)}${"-".repeat(17)}]`);
    expect(progressBar({ ...counts, landed: 25 }, 10)).toBe("[##########]");
    expect(progressBar(undefined, 4)).toBe("[----]");
    const line = renderProgressLine(snapshot, 200);
    expect(line).toContain("8/25 landed");
    expect(line).not.toContain("\n");
    expect(renderProgressLine(snapshot, 30).length).toBeLessThanOrEqual(29);
  });

  it("changes key only when phase or counts change (not for elapsed time)", () => {
    expect(progressKey({ ...snapshot, elapsedMs: 1 })).toBe(progressKey(snapshot));
    expect(progressKey({ ...snapshot, counts: { ...counts, landed: 9, building: 7 } })).not.toBe(
      progressKey(snapshot),
    );
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(605_000)).toBe("10:05");
  });
});
