/**
 * OpenShift's ImageStream strategy: spec tag generations stamped by the server on every write path.
 * Dev cluster only: the strategy is openshift-apiserver's, which a kube-apiserver serving
 * ImageStreams as a CRD does not have.
 */
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDevFixture, type DevClusterFixture } from "./cluster-fixture.js";

let f: DevClusterFixture;
let custom: CustomObjectsApi;
beforeAll(async () => {
  f = await startDevFixture();
  custom = f.kubeConfig.makeApiClient(CustomObjectsApi);
});
afterAll(async () => {
  await f?.stop();
});

interface Tag {
  name: string;
  from?: { kind: string; name: string };
  generation?: number;
}
interface Stream {
  metadata: { name: string; generation: number; resourceVersion: string };
  spec: { tags: Tag[] };
}

const from = (name: string) => ({ kind: "DockerImage", name });
const generations = (s: Stream) => Object.fromEntries(s.spec.tags.map((t) => [t.name, t.generation]));

describe("ImageStream spec tag generations", () => {
  it("stamps the stream's generation on new and changed tags, keeps it on the others", async () => {
    const ns = await f.namespace();
    const api = { group: "image.openshift.io", version: "v1", namespace: ns, plural: "imagestreams" };
    const created = (await custom.createNamespacedCustomObject({
      ...api,
      body: {
        apiVersion: "image.openshift.io/v1",
        kind: "ImageStream",
        metadata: { name: "release" },
        spec: { tags: [{ name: "cli", from: from("quay.io/okd/cli:1"), generation: 7 }] },
      },
    })) as Stream;
    expect(created.metadata.generation).toBe(1);
    expect(generations(created)).toEqual({ cli: 1 });

    // A PUT that adds a tag and omits the generations (what a client that never read them sends).
    const replaced = (await custom.replaceNamespacedCustomObject({
      ...api,
      name: "release",
      body: {
        ...created,
        spec: {
          tags: [
            { name: "cli", from: from("quay.io/okd/cli:1") },
            { name: "oc", from: from("q/oc:1") },
          ],
        },
      },
    })) as Stream;
    expect(replaced.metadata.generation).toBe(2);
    expect(generations(replaced)).toEqual({ cli: 1, oc: 2 });

    // A merge patch that changes one tag's source.
    const patched = (await custom.patchNamespacedCustomObject(
      {
        ...api,
        name: "release",
        body: { spec: { tags: [{ name: "cli", from: from("quay.io/okd/cli:2") }, replaced.spec.tags[1]] } },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    )) as Stream;
    expect(patched.metadata.generation).toBe(3);
    expect(generations(patched)).toEqual({ cli: 3, oc: 2 });

    // A client cannot set a generation of its own; it changes nothing, not even metadata.generation.
    const ignored = (await custom.patchNamespacedCustomObject(
      { ...api, name: "release", body: [{ op: "replace", path: "/spec/tags/1/generation", value: 99 }] },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    )) as Stream;
    expect(ignored.metadata.generation).toBe(3);
    expect(ignored.metadata.resourceVersion).toBe(patched.metadata.resourceVersion);
    expect(generations(ignored)).toEqual({ cli: 3, oc: 2 });

    // Setting 0 asks for a re-import: the tag gets the stream's next generation.
    const reimport = (await custom.patchNamespacedCustomObject(
      { ...api, name: "release", body: [{ op: "replace", path: "/spec/tags/1/generation", value: 0 }] },
      setHeaderOptions("Content-Type", PatchStrategy.JsonPatch),
    )) as Stream;
    expect(reimport.metadata.generation).toBe(4);
    expect(generations(reimport)).toEqual({ cli: 3, oc: 4 });
  });

  it("stamps tags written by server-side apply", async () => {
    const ns = await f.namespace();
    const api = { group: "image.openshift.io", version: "v1", namespace: ns, plural: "imagestreams" };
    const apply = async (tags: Tag[]): Promise<Stream> =>
      (await custom.patchNamespacedCustomObject(
        {
          ...api,
          name: "base",
          fieldManager: "test",
          body: {
            apiVersion: "image.openshift.io/v1",
            kind: "ImageStream",
            metadata: { name: "base" },
            spec: { tags },
          },
        },
        setHeaderOptions("Content-Type", PatchStrategy.ServerSideApply),
      )) as Stream;
    expect(generations(await apply([{ name: "a", from: from("q/a:1") }]))).toEqual({ a: 1 });
    const second = await apply([
      { name: "a", from: from("q/a:1") },
      { name: "b", from: from("q/b:1") },
    ]);
    expect(second.metadata.generation).toBe(2);
    expect(generations(second)).toEqual({ a: 1, b: 2 });
  });
});
