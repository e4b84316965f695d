import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  formatImageReference,
  parseImageReference,
  tagOrDigestOf,
} from "../../../src/registry/image-reference.js";

const D = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  it.each([
    ["busybox", { registry: "docker.io", repository: "library/busybox" }],
    ["busybox:1.36", { registry: "docker.io", repository: "library/busybox", tag: "1.36" }],
    ["openshift/origin-cli:4.15", { registry: "docker.io", repository: "openshift/origin-cli", tag: "4.15" }],
    ["index.docker.io/library/ubuntu", { registry: "docker.io", repository: "library/ubuntu" }],
    [
      "quay.io/okd/scos-release:4.15.0-0.okd-scos",
      { registry: "quay.io", repository: "okd/scos-release", tag: "4.15.0-0.okd-scos" },
    ],
    ["localhost/a", { registry: "localhost", repository: "a" }],
    ["127.0.0.1:5000/ns/repo", { registry: "127.0.0.1:5000", repository: "ns/repo" }],
    [
      `docker://127.0.0.1:5000/ns/repo@${D}`,
      { registry: "127.0.0.1:5000", repository: "ns/repo", digest: D },
    ],
    [
      `registry.ci.openshift.org/origin/4.15:cli@${D}`,
      { registry: "registry.ci.openshift.org", repository: "origin/4.15", tag: "cli", digest: D },
    ],
  ])("parses %s", (input, expected) => {
    expect(parseImageReference(input)).toEqual({ transport: "docker", ...expected });
  });

  it("parses oci:DIR[:tag] splitting at the first colon, like containers/image", () => {
    expect(parseImageReference("oci:/tmp/layout:4.15.0")).toEqual({
      transport: "oci",
      directory: "/tmp/layout",
      tag: "4.15.0",
    });
    expect(parseImageReference("oci:out")).toEqual({ transport: "oci", directory: "out" });
    expect(parseImageReference("oci:oci:tiny")).toEqual({ transport: "oci", directory: "oci", tag: "tiny" });
  });

  it.each([
    ["Quay.io/UPPER/Case", /component "UPPER"/],
    ["quay.io/a:b:c", /component "a:b"/],
    ["quay.io/a@sha256:abc", /not a sha256/],
    ["dir:/tmp/x", /not supported/],
    ["oci:", /directory is empty/],
    ["docker://", /empty/],
  ])("rejects %s with a message naming the problem", (input, message) => {
    expect(() => parseImageReference(input)).toThrow(message);
  });

  it("prefers the digest when a reference has a tag and a digest", () => {
    expect(tagOrDigestOf(parseImageReference(`quay.io/a/b:t@${D}`))).toBe(D);
    expect(tagOrDigestOf(parseImageReference("quay.io/a/b:t"))).toBe("t");
  });

  it("formats what it parses back to the same reference", () => {
    const component = fc.stringMatching(/^[a-z0-9]{1,8}(?:[._-][a-z0-9]{1,5})?$/);
    const tag = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/);
    fc.assert(
      fc.property(
        fc.constantFrom("quay.io", "127.0.0.1:5000", "registry.example.org:443"),
        fc.array(component, { minLength: 1, maxLength: 3 }),
        fc.option(tag, { nil: undefined }),
        (registry, path, t) => {
          const ref = parseImageReference(
            `docker://${registry}/${path.join("/")}${t === undefined ? "" : `:${t}`}`,
          );
          expect(parseImageReference(formatImageReference(ref))).toEqual(ref);
        },
      ),
    );
  });
});
