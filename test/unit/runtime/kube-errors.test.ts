import { describe, expect, it } from "vitest";
import {
  AlreadyExistsError,
  ConflictError,
  GoneError,
  InvalidError,
  KubeApiError,
  kubeErrorFrom,
  NotFoundError,
  TooManyRequestsError,
} from "../../../src/kube/kube-errors.js";
import { toWatchEvent } from "../../../src/kube/kube-watch.js";
import { CONFIG_MAPS, resourcePath } from "../../../src/kube/resource.js";

const status = (code: number, reason: string, extra: object = {}) =>
  JSON.stringify({
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    code,
    reason,
    message: `${reason} happened`,
    ...extra,
  });

describe("API errors", () => {
  it("maps Status bodies to typed errors that name the failed call", () => {
    expect(
      kubeErrorFrom(404, status(404, "NotFound"), "GET /api/v1/namespaces/a/configmaps/x"),
    ).toBeInstanceOf(NotFoundError);
    expect(kubeErrorFrom(409, status(409, "AlreadyExists"), "POST x")).toBeInstanceOf(AlreadyExistsError);
    expect(kubeErrorFrom(409, status(409, "Conflict"), "PUT x")).toBeInstanceOf(ConflictError);
    expect(kubeErrorFrom(410, status(410, "Expired"), "GET x")).toBeInstanceOf(GoneError);
    expect(kubeErrorFrom(422, status(422, "Invalid"), "POST x")).toBeInstanceOf(InvalidError);
    const err = kubeErrorFrom(500, "upstream connect error", "GET /api/v1/x");
    expect(err).toBeInstanceOf(KubeApiError);
    expect(err.message).toBe("GET /api/v1/x: upstream connect error");
    expect(kubeErrorFrom(404, status(404, "NotFound"), "GET /p").message).toBe("GET /p: NotFound happened");
  });

  it("takes the retry delay of a 429 from Retry-After, else from the Status details", () => {
    const fromHeader = kubeErrorFrom(429, status(429, "TooManyRequests"), "PATCH x", "3");
    expect(fromHeader).toBeInstanceOf(TooManyRequestsError);
    expect((fromHeader as TooManyRequestsError).retryAfterMs).toBe(3000);
    const fromBody = kubeErrorFrom(
      429,
      status(429, "TooManyRequests", { details: { retryAfterSeconds: 2 } }),
      "PATCH x",
    );
    expect((fromBody as TooManyRequestsError).retryAfterMs).toBe(2000);
  });
});

describe("watch events", () => {
  it("turns a 410 ERROR event into a GoneError and a bookmark into its version", () => {
    const gone = toWatchEvent(CONFIG_MAPS, "ERROR", {
      kind: "Status",
      code: 410,
      reason: "Expired",
      message: "too old resource version",
    });
    expect(gone.type === "ERROR" && gone.error instanceof GoneError).toBe(true);
    expect(
      toWatchEvent(CONFIG_MAPS, "BOOKMARK", { kind: "ConfigMap", metadata: { resourceVersion: "42" } }),
    ).toEqual({ type: "BOOKMARK", resourceVersion: "42" });
  });

  it("reports an object that does not match the schema instead of applying it", () => {
    const event = toWatchEvent(CONFIG_MAPS, "ADDED", { metadata: { namespace: "ns" } });
    expect(event.type).toBe("INVALID");
  });
});

describe("resource paths", () => {
  it("addresses core and grouped, namespaced and cluster-scoped resources and subresources", () => {
    expect(resourcePath(CONFIG_MAPS, { namespace: "ns", name: "a" })).toBe(
      "/api/v1/namespaces/ns/configmaps/a",
    );
    expect(
      resourcePath(
        {
          group: "payload.okd.io",
          version: "v1alpha1",
          kind: "PayloadBuild",
          plural: "payloadbuilds",
          namespaced: true,
        },
        { namespace: "ns", name: "x", subresource: "status" },
      ),
    ).toBe("/apis/payload.okd.io/v1alpha1/namespaces/ns/payloadbuilds/x/status");
    expect(resourcePath(CONFIG_MAPS, {})).toBe("/api/v1/configmaps");
    expect(() => resourcePath(CONFIG_MAPS, { name: "a" })).toThrow(/needs a namespace/);
  });
});
