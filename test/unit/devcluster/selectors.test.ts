import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/devcluster/errors.js";
import { buildMatcher, parseLabelSelector, pinnedName } from "../../../src/devcluster/selectors.js";
import type { KubeObject } from "../../../src/devcluster/types.js";

const obj = (labels: Record<string, string>, name = "n", namespace = "ns"): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, namespace, labels },
});

describe("label selectors", () => {
  it.each([
    ["app=web", { app: "web" }, true],
    ["app==web", { app: "db" }, false],
    ["app!=web", {}, true],
    ["tier in (a, b)", { tier: "b" }, true],
    ["tier in (a,b)", {}, false],
    ["tier notin (a,b)", {}, true],
    ["tier notin (a,b)", { tier: "a" }, false],
    ["app", { app: "" }, true],
    ["!app", { app: "x" }, false],
    ["app=web,tier in (x),!debug", { app: "web", tier: "x" }, true],
    ["example.com/role=ctl", { "example.com/role": "ctl" }, true],
  ])("%s on %j -> %s", (selector, labels, expected) => {
    expect(buildMatcher(selector, undefined)?.(obj(labels))).toBe(expected);
  });

  it("rejects malformed requirements with 400", () => {
    expect(() => parseLabelSelector("a b c")).toThrow(ApiError);
    expect(() => parseLabelSelector("-bad=1")).toThrow(/invalid label key/);
  });
});

describe("field selectors", () => {
  it("match metadata.name and metadata.namespace, and pin a name", () => {
    const m = buildMatcher(undefined, "metadata.name=a,metadata.namespace!=kube-system");
    expect(m?.(obj({}, "a", "ns"))).toBe(true);
    expect(m?.(obj({}, "a", "kube-system"))).toBe(false);
    expect(m?.(obj({}, "b", "ns"))).toBe(false);
    expect(pinnedName("metadata.name=a")).toBe("a");
    expect(pinnedName("metadata.name!=a")).toBeUndefined();
    expect(buildMatcher("", "")).toBeUndefined();
  });
});

describe("selectable fields", () => {
  it("refuses field labels the resource does not support", () => {
    expect(() => buildMatcher(undefined, "spec.x=1", [])).toThrow(/field label not supported: spec.x/);
    expect(buildMatcher(undefined, "involvedObject.name=a", ["involvedObject.name"])).toBeDefined();
  });
});
