/**
 * The simulated build system's ImageStream writer against the dev cluster: pushes to one stream
 * recorded concurrently all land (none lost to a conflict), cost one PUT each and no GET when the
 * cache holds the stream, and a stale cached copy (someone else wrote since) still ends right.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_STREAMS, type ImageStreamObject } from "../../../src/devcluster/builds/upstream-objects.js";
import { ImageStreamWriter } from "../../../src/devcluster/builds/image-stream-writer.js";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import {
  createNamespace,
  startClusterAndClient,
  type ClusterAndClient,
} from "../../support/dev-cluster-fixture.js";

let env: ClusterAndClient;
beforeAll(async () => {
  env = await startClusterAndClient();
});
afterAll(async () => {
  await env.cluster.stop();
});

const REGISTRY = "127.0.0.1:5000";
const digest = (i: number): string => `sha256:${i.toString(16).padStart(64, "0")}`;

async function newStream(client: KubeClient, namespace: string): Promise<ImageStreamObject> {
  return client.create(IMAGE_STREAMS, {
    apiVersion: "image.openshift.io/v1",
    kind: "ImageStream",
    metadata: { name: "release", namespace },
    spec: {},
  });
}

function tagsOf(stream: ImageStreamObject): Map<string, string[]> {
  return new Map((stream.status?.tags ?? []).map((t) => [t.tag, (t.items ?? []).map((i) => i.image ?? "")]));
}

/** The stream requests of the audit log since `from` (its length), by verb. */
function streamRequests(from: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of env.cluster.audit.entries().slice(from))
    if (e.resource === "imagestreams") counts[e.verb] = (counts[e.verb] ?? 0) + 1;
  return counts;
}

describe("ImageStreamWriter", () => {
  it("records 20 concurrent pushes to one stream, one PUT each and no GET, when the cache holds it", async () => {
    const namespace = await createNamespace(env.client, "writer");
    const created = await newStream(env.client, namespace);
    const writer = new ImageStreamWriter(env.client, REGISTRY, (ns, name) =>
      ns === namespace && name === "release" ? created : undefined,
    );
    const from = env.cluster.audit.entries().length;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => writer.recordPush(namespace, "release", `c${i}`, digest(i), 0)),
    );
    expect(streamRequests(from)).toEqual({ update: 20 });
    const tags = tagsOf(await env.client.get(IMAGE_STREAMS, { namespace, name: "release" }));
    expect(tags.size).toBe(20);
    for (let i = 0; i < 20; i++) expect(tags.get(`c${i}`)).toEqual([digest(i)]);
  });

  it("keeps another writer's tag when its cached copy is stale (conflict, read afresh, retry)", async () => {
    const namespace = await createNamespace(env.client, "writer");
    const stale = await newStream(env.client, namespace);
    const cache = (): ImageStreamObject => stale;
    await new ImageStreamWriter(env.client, REGISTRY).recordPush(namespace, "release", "other", digest(1), 0);
    const writer = new ImageStreamWriter(env.client, REGISTRY, cache);
    await writer.recordPush(namespace, "release", "mine", digest(2), 0);
    const tags = tagsOf(await env.client.get(IMAGE_STREAMS, { namespace, name: "release" }));
    expect(tags.get("other")).toEqual([digest(1)]);
    expect(tags.get("mine")).toEqual([digest(2)]);
  });

  it("answers a tag from the cache, and asks the API server when the cache has not seen it land", async () => {
    const namespace = await createNamespace(env.client, "writer");
    const created = await newStream(env.client, namespace);
    const writer = new ImageStreamWriter(env.client, REGISTRY, () => created);
    await new ImageStreamWriter(env.client, REGISTRY).recordPush(namespace, "release", "base", digest(3), 0);
    expect(await writer.tagPullspec(namespace, "release", "base")).toBe(
      `${REGISTRY}/${namespace}/release@${digest(3)}`,
    );
    expect(await writer.tagPullspec(namespace, "release", "missing")).toBeUndefined();
  });
});
