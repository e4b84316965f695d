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

  it("hands out its own written object while the cache still holds the version that write replaced", () => {
    const limiter = new StatusWriteLimiter(2000);
    const object = (resourceVersion: string, phase: string) => ({
      metadata: { namespace: "builds", name: "okd", resourceVersion },
      status: { phase },
    });
    const before = object("5", "Pending");
    expect(limiter.freshest(before)).toBe(before);
    const written = object("6", "Building");
    limiter.rememberWritten(KEY, "5", written);
    // The echo has not arrived: the cache still has version 5, so the reconcile sees our write.
    expect(limiter.freshest(before)).toBe(written);
    expect(limiter.freshest(object("5", "Pending"))).toBe(written);
    // Another PayloadBuild is not affected.
    const other = { metadata: { namespace: "builds", name: "other", resourceVersion: "5" } };
    expect(limiter.freshest(other)).toBe(other);
    // The cache caught up (or someone else wrote): the cached object wins, and from then on.
    const echoed = object("6", "Building");
    expect(limiter.freshest(echoed)).toBe(echoed);
    expect(limiter.freshest(before)).toBe(before);
    const edited = object("7", "Building");
    limiter.rememberWritten(KEY, "6", object("8", "Building"));
    expect(limiter.freshest(edited)).toBe(edited); // a user's change after version 6
    limiter.rememberWritten(KEY, "6", object("9", "Building"));
    limiter.forget(KEY);
    expect(limiter.freshest(echoed)).toBe(echoed);
  });
});
