import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import { gitSecretFor, payloadBuildGitCredentials } from "../../../src/web/git-credentials.js";
import { normalizeGitUri } from "../../../src/payload-build/component-key.js";

function payloadBuild(namespace: string, components: unknown[]): KubeObject {
  return {
    apiVersion: "payload.okd.io/v1alpha1",
    kind: "PayloadBuild",
    metadata: { name: "pb", namespace },
    spec: { imageStream: "release", components },
  };
}

const secretObject = (username: string, password: string): KubeObject => ({
  apiVersion: "v1",
  kind: "Secret",
  metadata: { name: "git", namespace: "okd" },
  data: {
    username: Buffer.from(username).toString("base64"),
    password: Buffer.from(password).toString("base64"),
  },
});

describe("git credentials of changelog repositories", () => {
  const builds = [
    payloadBuild("public", [{ name: "a", source: { git: { uri: "https://github.com/okd/a" } } }]),
    payloadBuild("okd", [
      { name: "b", source: { git: { uri: "https://GitHub.com/okd/private.git/", secret: { name: "git" } } } },
    ]),
  ];

  it("finds the Secret a PayloadBuild names for the repository, whatever its spelling", () => {
    expect(normalizeGitUri("https://GitHub.com/okd/private.git/")).toBe("https://github.com/okd/private");
    expect(gitSecretFor(builds, "https://github.com/okd/private", "okd")).toEqual({
      namespace: "okd",
      name: "git",
    });
    // Never another namespace's Secret.
    expect(gitSecretFor(builds, "https://github.com/okd/private", "public")).toBeUndefined();
    expect(gitSecretFor(builds, "https://github.com/okd/a", "public")).toBeUndefined();
    expect(
      gitSecretFor([payloadBuild("x", [{ name: "c", source: "junk" }]), ...builds], "https://x/y", "x"),
    ).toBeUndefined();
  });

  it("reads the Secret once per ttl, and none for a public repository; a Secret without password is an error naming it", async () => {
    const reads: string[] = [];
    let now = 0;
    const credentialsFor = payloadBuildGitCredentials(
      () => builds,
      (ref) => {
        reads.push(`${ref.namespace}/${ref.name}`);
        return Promise.resolve(secretObject("bot", "t0ken"));
      },
      { ttlMs: 100, now: () => now },
    );
    expect(await credentialsFor("https://github.com/okd/a", "okd")).toBeUndefined();
    expect(await credentialsFor("https://github.com/okd/private", "okd")).toEqual({
      username: "bot",
      password: "t0ken",
    });
    expect(await credentialsFor("https://github.com/okd/private.git", "okd")).toEqual({
      username: "bot",
      password: "t0ken",
    });
    expect(reads).toEqual(["okd/git"]);
    now = 100;
    await credentialsFor("https://github.com/okd/private", "okd");
    expect(reads).toEqual(["okd/git", "okd/git"]);
    const empty = payloadBuildGitCredentials(
      () => builds,
      () => Promise.resolve(secretObject("bot", "")),
    );
    await expect(empty("https://github.com/okd/private", "okd")).rejects.toThrow(
      "Secret okd/git has no password (expected type kubernetes.io/basic-auth with username and password)",
    );
  });
});
