/**
 * Schema validation (422 with field causes), defaulting, pruning and fieldValidation, CEL rules,
 * and CRDs registered at run time (discovery and OpenAPI update).
 */
import {
  ApiextensionsV1Api,
  CustomObjectsApi,
  type V1CustomResourceDefinition,
} from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { eventually } from "../../support/wait-for.js";
import { apiError, type ClusterFixture, type ServerKind, useClusterFixture } from "./cluster-fixture.js";

/** Defines this file's tests against the server `server`. */
export function validationSuite(server: ServerKind): void {
  let f: ClusterFixture;
  let custom: CustomObjectsApi;
  useClusterFixture(server, (started) => {
    f = started;
    custom = f.kubeConfig.makeApiClient(CustomObjectsApi);
  });

  const PB = { group: "payload.okd.io", version: "v1alpha1", plural: "payloadbuilds" };

  function payloadBuild(name: string, spec: Record<string, unknown>): Record<string, unknown> {
    return { apiVersion: "payload.okd.io/v1alpha1", kind: "PayloadBuild", metadata: { name }, spec };
  }

  interface Cause {
    field: string;
    reason: string;
    message: string;
  }

  async function causesOf(ns: string, body: Record<string, unknown>): Promise<Cause[]> {
    const err = await apiError(() => custom.createNamespacedCustomObject({ ...PB, namespace: ns, body }));
    expect(err.code).toBe(422);
    expect(err.body["reason"]).toBe("Invalid");
    return (err.body["details"] as { causes: Cause[] }).causes;
  }

  describe("PayloadBuild validation", () => {
    it("rejects invalid PayloadBuilds naming each field", async () => {
      const ns = await f.namespace();
      expect(await causesOf(ns, payloadBuild("a", { imageStream: "release" }))).toEqual([
        { field: "spec.components", reason: "FieldValueRequired", message: "Required value" },
      ]);
      const many = await causesOf(
        ns,
        payloadBuild("b", {
          imageStream: "release",
          components: [{ name: "x", image: "i" }],
          concurrency: 0,
          backend: "tekton",
        }),
      );
      expect(many.map((c) => `${c.field} ${c.reason}`).sort()).toEqual([
        "spec.backend FieldValueNotSupported",
        "spec.concurrency FieldValueInvalid",
      ]);
      expect(many.find((c) => c.field === "spec.backend")?.message).toContain(
        'supported values: "openshift", "shipwright", "prebuilt"',
      );
      const badName = await causesOf(
        ns,
        payloadBuild("c", { imageStream: "release", components: [{ name: "Not_Valid", image: "i" }] }),
      );
      expect(badName[0]?.field).toBe("spec.components[0].name");
      const typed = await causesOf(
        ns,
        payloadBuild("d", {
          imageStream: "release",
          components: [{ name: "x", image: "i" }],
          concurrency: "many",
        }),
      );
      expect(typed[0]).toMatchObject({ field: "spec.concurrency", reason: "FieldValueTypeInvalid" });
      const duplicate = await causesOf(
        ns,
        payloadBuild("e", {
          imageStream: "release",
          components: [
            { name: "x", image: "i" },
            { name: "x", image: "j" },
          ],
        }),
      );
      expect(duplicate).toEqual([
        {
          field: "spec.components[1]",
          reason: "FieldValueDuplicate",
          message: 'Duplicate value: {"name":"x"}',
        },
      ]);
      const badMeta = await causesOf(
        ns,
        payloadBuild("Bad_Name", { imageStream: "release", components: [{ name: "x", image: "i" }] }),
      );
      expect(badMeta[0]?.field).toBe("metadata.name");
    });

    it("stores a valid PayloadBuild with its defaults filled in and unknown fields pruned (with a warning)", async () => {
      const ns = await f.namespace();
      const res = await f.request("POST", `/apis/payload.okd.io/v1alpha1/namespaces/${ns}/payloadbuilds`, {
        contentType: "application/json",
        body: JSON.stringify(
          payloadBuild("ok", {
            imageStream: "release",
            components: [{ name: "base", image: "quay.io/x/y:1" }],
            bogus: true,
          }),
        ),
      });
      expect(res.status).toBe(201);
      expect(res.headers.get("warning")).toBe('299 - "unknown field \\"spec.bogus\\""');
      const stored = (await custom.getNamespacedCustomObject({ ...PB, namespace: ns, name: "ok" })) as {
        spec: Record<string, unknown>;
      };
      expect(stored.spec).toMatchObject({
        concurrency: 8,
        backend: "openshift",
        failurePolicy: "ContinueIndependent",
        retry: { maxAttempts: 2 },
      });
      expect(stored.spec["bogus"]).toBeUndefined();
    });

    it("rejects unknown fields with fieldValidation=Strict", async () => {
      const ns = await f.namespace();
      const res = await f.request(
        "POST",
        `/apis/payload.okd.io/v1alpha1/namespaces/${ns}/payloadbuilds?fieldValidation=Strict`,
        {
          contentType: "application/json",
          body: JSON.stringify(
            payloadBuild("strict", {
              imageStream: "release",
              components: [{ name: "base", image: "i" }],
              bogus: true,
            }),
          ),
        },
      );
      expect(res.status).toBe(400);
      expect(((await res.json()) as { message: string }).message).toBe(
        'PayloadBuild in version "v1alpha1" cannot be handled as a PayloadBuild: strict decoding error: unknown field "spec.bogus"',
      );
    });
  });

  /** A CRD written with client-node's model names (`_default`, `x_kubernetes_validations`), which its serializer maps to the wire names. */
  const widgetCrd: V1CustomResourceDefinition = {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: "widgets.example.com" },
    spec: {
      group: "example.com",
      scope: "Namespaced",
      names: { plural: "widgets", singular: "widget", kind: "Widget", shortNames: ["wd"] },
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: "object",
              properties: {
                spec: {
                  type: "object",
                  properties: {
                    min: { type: "integer" },
                    max: { type: "integer" },
                    mode: { type: "string", _default: "fast" },
                  },
                  x_kubernetes_validations: [
                    { rule: "self.min <= self.max", message: "min must not exceed max" },
                    { rule: "self.mode == oldSelf.mode", message: "mode is immutable" },
                  ],
                },
                status: { type: "object", x_kubernetes_preserve_unknown_fields: true },
              },
            },
          },
        },
      ],
    },
  };

  describe("CustomResourceDefinitions at run time", () => {
    it("registers a created CRD in discovery and OpenAPI, and enforces its CEL rules", async () => {
      const ext = f.kubeConfig.makeApiClient(ApiextensionsV1Api);
      await ext.createCustomResourceDefinition({ body: widgetCrd });
      // kube-apiserver serves a new CRD once it is Established, a moment after the create returns.
      await eventually(
        async () =>
          (await ext.readCustomResourceDefinition({ name: "widgets.example.com" })).status?.conditions?.some(
            (c) => c.type === "Established" && c.status === "True",
          ) === true,
        "the CRD to be Established",
      );
      const discovery = (await (await f.request("GET", `/apis/example.com/v1`)).json()) as {
        resources: { name: string }[];
      };
      expect(discovery.resources.map((r) => r.name)).toEqual(["widgets", "widgets/status"]);
      // kube-apiserver adds a CRD's OpenAPI v3 document a moment after it is Established.
      await eventually(async () => {
        const index = (await (await f.request("GET", "/openapi/v3")).json()) as {
          paths: Record<string, unknown>;
        };
        return Object.keys(index.paths).includes("apis/example.com/v1");
      }, "the OpenAPI v3 index to list apis/example.com/v1");

      const ns = await f.namespace();
      const api = { group: "example.com", version: "v1", plural: "widgets", namespace: ns };
      const ok = (await custom.createNamespacedCustomObject({
        ...api,
        body: {
          apiVersion: "example.com/v1",
          kind: "Widget",
          metadata: { name: "w" },
          spec: { min: 1, max: 2 },
        },
      })) as {
        spec: { mode: string };
      };
      expect(ok.spec.mode).toBe("fast");
      const bad = await apiError(() =>
        custom.createNamespacedCustomObject({
          ...api,
          body: {
            apiVersion: "example.com/v1",
            kind: "Widget",
            metadata: { name: "x" },
            spec: { min: 3, max: 2 },
          },
        }),
      );
      expect(bad.code).toBe(422);
      expect((bad.body["details"] as { causes: Cause[] }).causes).toEqual([
        {
          reason: "FieldValueInvalid",
          field: "spec",
          message: "Invalid value: min must not exceed max",
        },
      ]);
      const transition = await apiError(() =>
        custom.patchNamespacedCustomObject({
          ...api,
          name: "w",
          body: [{ op: "replace", path: "/spec/mode", value: "slow" }],
        }),
      );
      expect(transition.code).toBe(422);
      expect(String(transition.body["message"])).toContain("mode is immutable");

      await ext.deleteCustomResourceDefinition({ name: "widgets.example.com" });
      // kube-apiserver removes the CRD (and stops serving its kind) once its customresourcecleanup
      // finalizer has deleted the instances.
      await eventually(
        async () => (await f.request("GET", `/apis/example.com/v1/namespaces/${ns}/widgets`)).status === 404,
        "the kind to be no longer served",
      );
    });
  });
}
