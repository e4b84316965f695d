import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { copyImage } from "../../../src/registry/copy-image.js";
import { sha256Digest } from "../../../src/registry/digest.js";
import { ImageStores } from "../../../src/registry/image-store.js";
import { makeImage, pushImage } from "../../support/test-images.js";
import { startFaultyProxy } from "./faulty-proxy.js";
import type { FaultyProxy, ProxyHook } from "./faulty-proxy.js";
import { openTestStore, registryBackends } from "./registries.js";
import type { TestRegistry } from "./registries.js";

const backends = await registryBackends();

async function drain(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts);
}

describe.each(backends)("transient failures and corruption in front of $name", (backend) => {
  let registry: TestRegistry;
  let proxy: FaultyProxy | undefined;
  const image = makeImage("docker", [4000]);
  const layer = image.blobs[1];

  beforeAll(async () => {
    registry = await backend.start();
    await pushImage(openTestStore(registry.host, "faults/image"), image, "v1");
  }, 30_000);
  afterAll(async () => {
    await registry.stop();
  });
  afterEach(async () => {
    await proxy?.stop();
    proxy = undefined;
  });

  /** Fails the first `count` requests whose path matches with `respond`. */
  function failing(count: number, path: RegExp, respond: (res: ServerResponse) => void): ProxyHook {
    let left = count;
    return (_req, res, url) => {
      if (left > 0 && path.test(url.pathname)) {
        left -= 1;
        respond(res);
        return "handled";
      }
      return "pass";
    };
  }

  it.skipIf(!backend.available)("retries 503 and 429, honouring Retry-After", async () => {
    let calls = 0;
    const hook: ProxyHook = (_req, res, url) => {
      if (!url.pathname.includes("/manifests/")) return "pass";
      calls += 1;
      if (calls === 1) res.writeHead(503).end("busy");
      else if (calls === 2) res.writeHead(429, { "retry-after": "3" }).end();
      else return "pass";
      return "handled";
    };
    proxy = await startFaultyProxy(registry.host, hook);
    const sleeps: number[] = [];
    const store = openTestStore(proxy.host, "faults/image", {
      sleep: async (ms: number) => void sleeps.push(ms),
      retry: { baseDelayMs: 50 },
    });
    expect((await store.getManifest("v1")).digest).toBe(image.digest);
    expect(sleeps).toEqual([50, 3000]);
  });

  it.skipIf(!backend.available)(
    "retries a dropped connection and gives up after the configured attempts",
    async () => {
      proxy = await startFaultyProxy(
        registry.host,
        failing(2, /\/blobs\//, (res) => res.socket?.destroy()),
      );
      const store = openTestStore(proxy.host, "faults/image");
      if (layer === undefined) throw new Error("no layer");
      expect(Buffer.from(await store.readBlob(layer.descriptor.digest))).toEqual(Buffer.from(layer.bytes));
      await proxy.stop();
      proxy = await startFaultyProxy(
        registry.host,
        failing(10, /\/blobs\//, (res) => res.writeHead(502).end()),
      );
      const impatient = openTestStore(proxy.host, "faults/image", { retry: { attempts: 3 } });
      await expect(impatient.readBlob(layer.descriptor.digest)).rejects.toMatchObject({
        code: "UNAVAILABLE",
        status: 502,
      });
      expect(proxy.seen.filter((s) => s.includes("/blobs/")).length).toBe(3);
    },
  );

  it.skipIf(!backend.available)(
    "follows blob redirects to another host and relative upload Locations",
    async () => {
      if (layer === undefined) throw new Error("no layer");
      const redirect: ProxyHook = (req, res, url) => {
        if (req.method !== "GET" || !url.pathname.includes("/blobs/sha256:")) return "pass";
        res.writeHead(307, { location: `http://${registry.host}${url.pathname}` }).end();
        return "handled";
      };
      proxy = await startFaultyProxy(registry.host, redirect, () => false, true);
      const store = openTestStore(proxy.host, "faults/image", { chunkSize: 1000 });
      expect(Buffer.from(await store.readBlob(layer.descriptor.digest))).toEqual(Buffer.from(layer.bytes));
      const bytes = Buffer.alloc(2500, 9);
      await store.putBlob({ digest: sha256Digest(bytes), size: bytes.length }, bytes);
      expect(proxy.seen.filter((s) => s.startsWith("PATCH /v2/faults/image/blobs/uploads/"))).toHaveLength(3);
      expect(await openTestStore(registry.host, "faults/image").hasBlob(sha256Digest(bytes))).toBe(true);
    },
  );

  it.skipIf(!backend.available)("detects corrupted blobs and manifests", async () => {
    if (layer === undefined) throw new Error("no layer");
    proxy = await startFaultyProxy(
      registry.host,
      () => "pass",
      (req, url) => req.method === "GET" && /\/(blobs|manifests)\/sha256:/.test(url.pathname),
    );
    const store = openTestStore(proxy.host, "faults/image");
    await expect(store.readBlob(layer.descriptor.digest)).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
    await expect(drain(await store.openBlob(layer.descriptor.digest))).rejects.toMatchObject({
      code: "DIGEST_MISMATCH",
    });
    await expect(store.getManifest(image.digest)).rejects.toMatchObject({ code: "DIGEST_MISMATCH" });
  });
});

describe("bearer token authentication (token server in front of the integrated registry)", () => {
  let registry: TestRegistry;
  let proxy: FaultyProxy;
  let tokenRequests: string[];

  beforeAll(async () => {
    const integrated = (await registryBackends()).find((b) => b.name === "integrated registry");
    if (integrated === undefined) throw new Error("no integrated registry");
    registry = await integrated.start();
    tokenRequests = [];
    const basic = `Basic ${Buffer.from("robot:s3cret").toString("base64")}`;
    proxy = await startFaultyProxy(registry.host, (req, res, url) => {
      if (url.pathname === "/token") {
        tokenRequests.push(url.searchParams.getAll("scope").join(" "));
        if (req.headers.authorization !== basic) res.writeHead(401).end();
        else
          res
            .writeHead(200, { "content-type": "application/json" })
            .end(
              JSON.stringify({ token: `tok:${url.searchParams.getAll("scope").join(" ")}`, expires_in: 300 }),
            );
        return "handled";
      }
      if (url.searchParams.has("mount")) {
        // act like a registry that will not mount: the client must upload into the session it gets
        url.searchParams.delete("mount");
        url.searchParams.delete("from");
        req.url = `${url.pathname}${url.search}`;
      }
      const repo = /^\/v2\/(.+?)\/(?:manifests|blobs|tags)\//.exec(url.pathname)?.[1] ?? "";
      if (!(req.headers.authorization ?? "").startsWith(`Bearer tok:repository:${repo}:`)) {
        res.writeHead(401, {
          "www-authenticate": `Bearer realm="http://${req.headers.host ?? ""}/token",service="test",scope="repository:${repo}:pull"`,
        });
        res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
        return "handled";
      }
      return "pass";
    });
  });
  afterAll(async () => {
    await proxy.stop();
    await registry.stop();
  });

  it("gets a token for the request's scope with the configured credentials and reuses it", async () => {
    const auths = { auths: { [proxy.host]: { auth: Buffer.from("robot:s3cret").toString("base64") } } };
    const store = openTestStore(proxy.host, "secure/app", { dockerConfigJson: JSON.stringify(auths) });
    const image = makeImage("oci", [100, 200]);
    await pushImage(store, image, "v1");
    expect((await store.getManifest("v1")).digest).toBe(image.digest);
    expect(await store.hasBlob(sha256Digest(Buffer.from("x")))).toBe(false);
    expect(new Set(tokenRequests)).toEqual(
      new Set(["repository:secure/app:pull,push", "repository:secure/app:pull"]),
    );
  });

  it("shares one token cache among the stores one ImageStores opens", async () => {
    tokenRequests.length = 0;
    const auths = { auths: { [proxy.host]: { username: "robot", password: "s3cret" } } };
    const stores = new ImageStores({ insecureRegistries: [proxy.host], dockerConfigJson: auths });
    await stores.open(`docker://${proxy.host}/secure/app`).getManifest("v1");
    expect(await stores.open(`${proxy.host}/secure/app:ignored`).listTags()).toEqual(["v1"]);
    expect(tokenRequests).toEqual(["repository:secure/app:pull"]);
  });

  it("uploads into the session a refused mount opens, with the token it got for the mount", async () => {
    const auths = { auths: { [proxy.host]: { username: "robot", password: "s3cret" } } };
    const from = openTestStore(proxy.host, "secure/base", { dockerConfigJson: auths });
    const to = openTestStore(proxy.host, "secure/copy", { dockerConfigJson: auths });
    const image = makeImage("docker", [300]);
    await pushImage(from, image, "v1");
    const result = await copyImage(from, "v1", to, "v1");
    expect(result).toMatchObject({ digest: image.digest, blobs: { mounted: 0, copied: 2 } });
    expect(proxy.seen.filter((s) => s === "PUT /v2/secure/copy/manifests/v1")).toHaveLength(1);
  });

  it("says which repository needs credentials when none are given, and when they are wrong", async () => {
    await expect(openTestStore(proxy.host, "secure/app").getManifest("v1")).rejects.toThrow(
      `authentication required for ${proxy.host}/secure/app: provide credentials (pushSecret/authfile)`,
    );
    const wrong = { auths: { [proxy.host]: { username: "robot", password: "nope" } } };
    await expect(
      openTestStore(proxy.host, "secure/app", { dockerConfigJson: wrong }).getManifest("v1"),
    ).rejects.toThrow(/rejected the credentials/);
  });
});
