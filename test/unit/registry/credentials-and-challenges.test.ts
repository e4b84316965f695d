import { describe, expect, it } from "vitest";
import { parseAuthChallenges } from "../../../src/registry/auth-challenge.js";
import { lookupCredentials, parseDockerConfig } from "../../../src/registry/docker-config.js";
import { retryDelayMs } from "../../../src/registry/registry-client.js";
import { nextLink } from "../../../src/registry/registry-store.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

describe("docker config credentials", () => {
  const store = parseDockerConfig(
    JSON.stringify({
      auths: {
        "https://index.docker.io/v1/": { auth: b64("hub:pw") },
        "quay.io": { username: "robot", password: "p:w" },
        "quay.io/okd": { auth: b64("okd-robot:secret:with:colons") },
        "https://registry.example.org:5000/v2/": { auth: b64("ex:1") },
      },
    }),
  );

  it("finds credentials by registry, normalizing scheme, path and Docker Hub's legacy key", () => {
    expect(lookupCredentials(store, "docker.io", "library/busybox")).toEqual({
      username: "hub",
      password: "pw",
    });
    expect(lookupCredentials(store, "registry.example.org:5000", "a")).toEqual({
      username: "ex",
      password: "1",
    });
    expect(lookupCredentials(store, "ghcr.io", "a")).toBeUndefined();
  });

  it("prefers the longest repository-scoped key (podman's authfile)", () => {
    expect(lookupCredentials(store, "quay.io", "okd/scos-release")).toEqual({
      username: "okd-robot",
      password: "secret:with:colons",
    });
    expect(lookupCredentials(store, "quay.io", "other/x")).toEqual({ username: "robot", password: "p:w" });
  });

  it("rejects an auth entry that is not user:password", () => {
    expect(() => parseDockerConfig({ auths: { "quay.io": { auth: b64("nocolon") } } })).toThrow(
      /auths\["quay.io"\]/,
    );
    expect(() => parseDockerConfig("{not json")).toThrow(/not valid JSON/);
  });
});

describe("WWW-Authenticate", () => {
  it("parses a bearer challenge with a comma inside a quoted scope", () => {
    expect(
      parseAuthChallenges(
        'Bearer realm="https://auth.example/token",service="reg",scope="repository:a/b:pull,push"',
      ),
    ).toEqual([
      {
        scheme: "bearer",
        params: { realm: "https://auth.example/token", service: "reg", scope: "repository:a/b:pull,push" },
      },
    ]);
  });

  it("parses several challenges", () => {
    const challenges = parseAuthChallenges('Basic realm="Registry Realm", Bearer realm="x"');
    expect(challenges.map((c) => c.scheme)).toEqual(["basic", "bearer"]);
  });
});

describe("retry delays", () => {
  const policy = { attempts: 5, baseDelayMs: 100, maxDelayMs: 5000 };
  it("doubles from the base, capped", () => {
    expect([1, 2, 3, 7].map((a) => retryDelayMs(a, policy, null, 0))).toEqual([100, 200, 400, 5000]);
  });
  it("honours Retry-After in seconds and as an HTTP date, capped", () => {
    expect(retryDelayMs(1, policy, "2", 0)).toBe(2000);
    expect(retryDelayMs(1, policy, "120", 0)).toBe(5000);
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryDelayMs(1, policy, "Thu, 01 Jan 2026 00:00:03 GMT", now)).toBe(3000);
  });
});

describe("Link pagination", () => {
  it("resolves a relative next link against the request URL", () => {
    expect(nextLink('</v2/a/tags/list?n=2&last=b>; rel="next"', "http://r:5000/v2/a/tags/list?n=2")).toBe(
      "http://r:5000/v2/a/tags/list?n=2&last=b",
    );
    expect(nextLink(null, "http://r")).toBeUndefined();
  });
});
