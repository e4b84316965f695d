import { describe, expect, it } from "vitest";
import { StatusWriteLimiter } from "../../../src/payload-build/status-write-limiter.js";

const KEY = { namespace: "builds", name: "okd" };

describe("StatusWriteLimiter", () => {
  it("allows one write per interval per PayloadBuild", () => {
    const limiter = new StatusWriteLimiter(2000);
    expect(limiter.delayMs(KEY, 10_000)).toBe(0);
    limiter.wrote(KEY, 10_000, "5");
    expect(limiter.delayMs(KEY, 10_500)).toBe(1500);
    expect(limiter.delayMs({ namespace: "builds", name: "other" }, 10_500)).toBe(0);
    expect(limiter.delayMs(KEY, 12_000)).toBe(0);
  });

  it("knows the version its last write was answered with, and only that one, until forgotten", () => {
    const limiter = new StatusWriteLimiter(2000);
    expect(limiter.isOwnWrite(KEY, "5")).toBe(false);
    limiter.wrote(KEY, 10_000, "5");
    expect(limiter.isOwnWrite(KEY, "5")).toBe(true);
    expect(limiter.isOwnWrite(KEY, "6")).toBe(false); // someone else's change after ours
    expect(limiter.isOwnWrite(KEY, undefined)).toBe(false);
    limiter.wrote(KEY, 12_000, "9");
    expect(limiter.isOwnWrite(KEY, "5")).toBe(false);
    limiter.wrote(KEY, 14_000);
    expect(limiter.isOwnWrite(KEY, "9")).toBe(false);
    limiter.wrote(KEY, 16_000, "12");
    limiter.forget(KEY);
    expect(limiter.isOwnWrite(KEY, "12")).toBe(false);
    expect(limiter.delayMs(KEY, 16_001)).toBe(0);
  });
});
