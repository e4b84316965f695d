import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/kube/kube-object.js";
import {
  imageStreamRegistryHosts,
  integratedRegistryAccess,
  missingLayersPermission,
  tokenCredentials,
} from "../../../src/payload-build/integrated-registry.js";
import { lookupCredentials, parseDockerConfig } from "../../../src/registry/docker-config.js";

const INTERNAL = "image-registry.openshift-image-registry.svc:5000";
const PUBLIC = "default-route-openshift-image-registry.apps.example.com";
const DIGEST = `sha256:${"a".repeat(64)}`;

function stream(namespace: string, status: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name: "release", namespace },
    status,
  };
}

describe("integrated registry hosts", () => {
  it("are the hosts of the ImageStreams' internal and public repositories", () => {
    const hosts = imageStreamRegistryHosts([
      stream("okd", {
        dockerImageRepository: `${INTERNAL}/okd/release`,
        publicDockerImageRepository: `${PUBLIC}/okd/release`,
      }),
      stream("other", {}),
    ]);
    expect([...hosts].sort()).toEqual([PUBLIC, INTERNAL].sort());
  });

  it("add the flag's hosts and only the namespace's streams", () => {
    const streams = [
      stream("okd", { dockerImageRepository: "a:5000/okd/release" }),
      stream("x", { dockerImageRepository: "b:5000/x/release" }),
    ];
    const access = integratedRegistryAccess(
      { registries: [INTERNAL], token: () => Promise.resolve("t") },
      { list: (ns) => streams.filter((s) => ns === undefined || s.metadata.namespace === ns) },
    );
    expect([...access.hosts("okd")]).toEqual([INTERNAL, "a:5000"]);
  });
});

describe("tokenCredentials", () => {
  it("gives the token as the password of each integrated host and nothing else", () => {
    const store = parseDockerConfig(tokenCredentials([INTERNAL], "sa-token"));
    expect(lookupCredentials(store, INTERNAL, "okd/release")?.password).toBe("sa-token");
    expect(lookupCredentials(store, "quay.io", "okd/release")).toBeUndefined();
  });
});

describe("missingLayersPermission", () => {
  const pullspec = `${INTERNAL}/okd/release@${DIGEST}`;
  const message = `cannot read image "cli" (${pullspec}): ...: authentication failed for ${INTERNAL}/okd/release; the registry answered HTTP 401`;

  it("names the verb, resource, namespace and stream of a refused integrated-registry image", () => {
    const hint = missingLayersPermission(
      message,
      [`quay.io/x/y@${DIGEST}`, pullspec],
      new Set([INTERNAL]),
      true,
    );
    expect(hint).toContain(
      "get on imagestreams/layers (group image.openshift.io) in namespace okd, resource name release",
    );
    expect(hint).toContain("system:image-puller");
  });

  it("says the operator had no token to present", () => {
    expect(missingLayersPermission(message, [pullspec], new Set([INTERNAL]), false)).toContain(
      "no bearer token",
    );
  });

  it("says nothing of images outside the integrated registry", () => {
    expect(missingLayersPermission(message, [pullspec], new Set(["other:5000"]), true)).toBeUndefined();
  });
});
