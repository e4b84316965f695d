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

  describe("CRD structural schemas and string formats", () => {
    const kindOf = (plural: string) => `${plural[0]?.toUpperCase() ?? ""}${plural.slice(1, -1)}`;
    const crd = (plural: string, schema: Record<string, unknown>) => ({
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: `${plural}.structural.example.com` },
      spec: {
        group: "structural.example.com",
        scope: "Namespaced",
        // One kind per CRD: the real server refuses a kind another CRD of the group holds (NamesAccepted=False).
        names: {
          plural,
          singular: plural.slice(0, -1),
          kind: kindOf(plural),
          listKind: `${kindOf(plural)}List`,
        },
        versions: [{ name: "v1", served: true, storage: true, schema: { openAPIV3Schema: schema } }],
      },
    });
    const create = (body: unknown) =>
      f.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
        body: JSON.stringify(body),
        contentType: "application/json",
      });

    it.each([
      [
        "a field without a type",
        {
          type: "object",
          properties: { spec: { type: "object", properties: { foo: { description: "x" } } } },
        },
        "spec.validation.openAPIV3Schema.properties[spec].properties[foo].type: Required value: must not be empty for specified object fields",
      ],
      [
        "no type at the root",
        { properties: { spec: { type: "object" } } },
        "spec.validation.openAPIV3Schema.type: Required value: must not be empty at the root",
      ],
      [
        "properties beside additionalProperties",
        {
          type: "object",
          properties: {
            spec: {
              type: "object",
              properties: { a: { type: "string" } },
              additionalProperties: { type: "string" },
            },
          },
        },
        "spec.validation.openAPIV3Schema.properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive",
      ],
      [
        "metadata restricted beyond name",
        {
          type: "object",
          properties: { metadata: { type: "object", properties: { labels: { type: "object" } } } },
        },
        "spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified",
      ],
      [
        "a type inside anyOf",
        { type: "object", properties: { spec: { type: "object", anyOf: [{ type: "string" }] } } },
        "spec.validation.openAPIV3Schema.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural",
      ],
    ])("refuses a CRD with %s, naming the schema path", async (_what, schema, message) => {
      const plural = `things${Math.random().toString(36).slice(2, 8)}`;
      const res = await create(crd(plural, schema));
      expect(res.status).toBe(422);
      const body = (await res.json()) as { message: string };
      expect(body.message).toContain(message);
    });

    it("accepts int-or-string quantities written the controller-gen way", async () => {
      const plural = `quantities${Math.random().toString(36).slice(2, 8)}`;
      const quantity = {
        anyOf: [{ type: "integer" }, { type: "string" }],
        "x-kubernetes-int-or-string": true,
      };
      const res = await create(
        crd(plural, {
          type: "object",
          properties: { spec: { type: "object", properties: { cpu: quantity } } },
        }),
      );
      expect(res.status).toBe(201);
    });

    it("checks the string formats kube-apiserver checks, and only those", async () => {
      const formats = [
        "date-time",
        "date",
        "byte",
        "uuid",
        "ipv4",
        "ipv6",
        "cidr",
        "hostname",
        "email",
        "uri",
        "duration",
        "mac",
        "int32",
        "password",
        "bogus",
      ];
      const key = (format: string) => format.replace("-", "");
      const properties = Object.fromEntries(
        formats.map((fmt) => [key(fmt), { type: "string", format: fmt }]),
      );
      const ext = f.kubeConfig.makeApiClient(ApiextensionsV1Api);
      await ext.createCustomResourceDefinition({
        body: crd("formats", {
          type: "object",
          properties: { spec: { type: "object", properties } },
        }) as V1CustomResourceDefinition,
      });
      await eventually(
        async () =>
          (
            await ext.readCustomResourceDefinition({ name: "formats.structural.example.com" })
          ).status?.conditions?.some((c) => c.type === "Established" && c.status === "True") === true,
        "the CRD to be Established",
      );
      const ns = await f.namespace();
      let n = 0;
      const post = async (field: string, value: string) => {
        n += 1;
        const res = await f.request("POST", `/apis/structural.example.com/v1/namespaces/${ns}/formats`, {
          body: JSON.stringify({
            apiVersion: "structural.example.com/v1",
            kind: kindOf("formats"),
            metadata: { name: `t${n}` },
            spec: { [field]: value },
          }),
          contentType: "application/json",
        });
        return {
          status: res.status,
          message: res.status === 201 ? "" : ((await res.json()) as { message: string }).message,
        };
      };
      const invalid: Record<string, string> = {
        datetime: "2026-11-21T12:00:00",
        date: "2026-13-45",
        byte: "###",
        uuid: "nope",
        ipv4: "300.1.1.1",
        ipv6: "zz::",
        cidr: "10.0.0.0/99",
        hostname: "a.b-c.d",
        email: "nope",
        uri: "::",
        duration: "5 parsecs",
        mac: "zz",
      };
      for (const [field, value] of Object.entries(invalid)) {
        const format = formats.find((fmt) => key(fmt) === field) ?? field;
        expect(await post(field, value), field).toEqual({
          status: 422,
          message: expect.stringContaining(
            `spec.${field}: Invalid value: ${JSON.stringify(value)}: spec.${field} in body must be of type ${format}: ${JSON.stringify(value)}`,
          ) as unknown as string,
        });
      }
      const valid: Record<string, string> = {
        datetime: "2026-11-21T12:00:00Z",
        date: "2026-11-21",
        byte: "aGVsbG8=",
        uuid: "123e4567-e89b-12d3-a456-426614174000",
        ipv4: "10.1.2.3",
        ipv6: "::1",
        cidr: "10.0.0.0/8",
        hostname: "registry.example.com",
        email: "a@b.c",
        uri: "https://x.y/z",
        duration: "5m",
        mac: "00:11:22:33:44:55",
        int32: "abc",
        password: "x",
        bogus: "anything",
      };
      for (const [field, value] of Object.entries(valid))
        expect(await post(field, value), field).toEqual({ status: 201, message: "" });
    });
  });
}
