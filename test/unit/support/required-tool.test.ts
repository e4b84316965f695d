/** The missing-tool policy: fail under CI, skip with the install command elsewhere. */
import { describe, expect, it } from "vitest";
import {
  findOnPath,
  isCi,
  missingTools,
  missingToolsMessage,
  requireTools,
} from "../../support/required-tool.js";

describe("required tools", () => {
  it("finds executables on PATH like command -v, and not elsewhere", () => {
    expect(findOnPath("sh")).toMatch(/\/sh$/);
    expect(findOnPath("sh", "/nonexistent-dir")).toBeUndefined();
  });

  it("names each missing tool with the command that installs it, one command per distinct install", () => {
    expect(missingToolsMessage(["buildah", "htpasswd"])).toBe(
      "buildah missing: apt-get install -y buildah; htpasswd missing: apt-get install -y apache2-utils",
    );
    expect(missingToolsMessage(["etcd", "kube-apiserver"])).toMatch(
      /^etcd, kube-apiserver missing: npm run control-plane:build/,
    );
  });

  it("treats CI=true/1 as CI and unset, empty, 0 or false as not", () => {
    expect(isCi({ CI: "true" })).toBe(true);
    expect(isCi({ CI: "1" })).toBe(true);
    for (const CI of [undefined, "", "0", "false", "FALSE"])
      expect(isCi(CI === undefined ? {} : { CI })).toBe(false);
  });

  it("skips with the install command outside CI and throws it under CI", () => {
    const saved = { PATH: process.env["PATH"], CI: process.env["CI"] };
    process.env["PATH"] = "/nonexistent-dir";
    try {
      expect(missingTools(["buildah", "skopeo", "buildah"])).toEqual(["buildah", "skopeo"]);
      delete process.env["CI"];
      const skip = (note?: string): never => {
        throw new Error(`skipped: ${note ?? ""}`);
      };
      expect(() => requireTools({ skip }, ["buildah"])).toThrow(
        "skipped: buildah missing: apt-get install -y buildah",
      );
      process.env["CI"] = "true";
      expect(() => requireTools({ skip }, ["buildah"])).toThrow(
        /^required tool buildah missing: apt-get install -y buildah \(CI is set/,
      );
    } finally {
      process.env["PATH"] = saved.PATH;
      if (saved.CI === undefined) delete process.env["CI"];
      else process.env["CI"] = saved.CI;
    }
  });
});
