import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRegistryServer } from "../../../src/devcluster/registry/registry-server.js";
import type { RunningRegistryServer } from "../../../src/devcluster/registry/registry-server.js";
import { sha256Digest } from "../../../src/registry/digest.js";
import { MANIFEST_MEDIA_TYPES } from "../../../src/registry/media-types.js";
import { makeImage, pushImage } from "../../support/test-images.js";
import { openTestStore } from "./registries.js";

/** The distribution API spoken by hand, for the headers and codes a client relies on. */
describe("integrated registry: distribution API details", () => {
  let server: RunningRegistryServer;
  let dir: string;
  const api = (path: string, init?: RequestInit) => fetch(`${server.url}${path}`, init);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "integrated-api-"));
    server = await startRegistryServer({ dir });
  });
  afterAll(async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers the ping with the API version header", async () => {
    const response = await api("/v2/");
    expect(response.status).toBe(200);
    expect(response.headers.get("docker-distribution-api-version")).toBe("registry/2.0");
  });

  it("runs a chunked upload with Range and Location headers, and refuses an out-of-order chunk with 416", async () => {
    const start = await api("/v2/api/chunks/blobs/uploads/", { method: "POST" });
    expect(start.status).toBe(202);
    const location = start.headers.get("location") ?? "";
    expect(location).toMatch(new RegExp(`^${server.url}/v2/api/chunks/blobs/uploads/[0-9a-f-]{36}$`));
    const first = await api(new URL(location).pathname, {
      method: "PATCH",
      body: "hello ",
      headers: { "content-range": "0-5" },
    });
    expect([first.status, first.headers.get("range")]).toEqual([202, "0-5"]);
    const wrong = await api(new URL(location).pathname, {
      method: "PATCH",
      body: "x",
      headers: { "content-range": "3-3" },
    });
    expect(wrong.status).toBe(416);
    const status = await api(new URL(location).pathname);
    expect([status.status, status.headers.get("range")]).toEqual([204, "0-5"]);
    const digest = sha256Digest(Buffer.from("hello world"));
    const done = await api(`${new URL(location).pathname}?digest=${digest}`, {
      method: "PUT",
      body: "world",
    });
    expect(done.status).toBe(201);
    expect(done.headers.get("docker-content-digest")).toBe(digest);
    expect(done.headers.get("location")).toBe(`${server.url}/v2/api/chunks/blobs/${digest}`);
    const blob = await api(`/v2/api/chunks/blobs/${digest}`, { headers: { range: "bytes=6-10" } });
    expect([blob.status, await blob.text()]).toEqual([206, "world"]);
  });

  it("rejects a wrong digest with DIGEST_INVALID in a JSON error body", async () => {
    const start = await api("/v2/api/bad/blobs/uploads/", { method: "POST" });
    const path = new URL(start.headers.get("location") ?? "").pathname;
    const response = await api(`${path}?digest=${sha256Digest(Buffer.from("other"))}`, {
      method: "PUT",
      body: "data",
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ code: "DIGEST_INVALID" }] });
  });

  it("mounts a blob from another repository (201) and opens a session when the source lacks it (202)", async () => {
    const bytes = Buffer.from("mount me");
    const digest = sha256Digest(bytes);
    await api(`/v2/api/src/blobs/uploads/?digest=${digest}`, { method: "POST", body: bytes });
    const mounted = await api(`/v2/api/dst/blobs/uploads/?mount=${digest}&from=api/src`, { method: "POST" });
    expect([mounted.status, mounted.headers.get("docker-content-digest")]).toEqual([201, digest]);
    const missing = await api(
      `/v2/api/dst/blobs/uploads/?mount=${sha256Digest(Buffer.from("?"))}&from=api/src`,
      { method: "POST" },
    );
    expect(missing.status).toBe(202);
    expect(missing.headers.get("location")).toMatch(/\/blobs\/uploads\//);
  });

  it("serves manifests with their media type and digest, deletes by tag and by digest", async () => {
    const store = openTestStore(server.host, "api/manifests");
    const image = makeImage("docker", [10]);
    await pushImage(store, image, "keep");
    await pushImage(store, image, "drop");
    const head = await api("/v2/api/manifests/manifests/keep", {
      method: "HEAD",
      headers: { accept: MANIFEST_MEDIA_TYPES.join(",") },
    });
    expect([
      head.status,
      head.headers.get("content-type"),
      head.headers.get("docker-content-digest"),
    ]).toEqual([200, image.mediaType, image.digest]);
    expect((await api("/v2/api/manifests/manifests/drop", { method: "DELETE" })).status).toBe(202);
    expect(await store.listTags()).toEqual(["keep"]);
    expect((await api(`/v2/api/manifests/manifests/${image.digest}`, { method: "DELETE" })).status).toBe(202);
    const gone = await api("/v2/api/manifests/manifests/keep");
    expect([gone.status, await gone.json()]).toEqual([
      404,
      expect.objectContaining({ errors: [expect.objectContaining({ code: "MANIFEST_UNKNOWN" })] }),
    ]);
  });

  it("pages tags and the catalog with n, last and a Link header; unknown repositories are NAME_UNKNOWN", async () => {
    const store = openTestStore(server.host, "api/paged");
    const image = makeImage("oci", [10]);
    for (const tag of ["t1", "t2", "t3"]) await pushImage(store, image, tag);
    const page = await api("/v2/api/paged/tags/list?n=2");
    expect(await page.json()).toEqual({ name: "api/paged", tags: ["t1", "t2"] });
    expect(page.headers.get("link")).toBe('</v2/api/paged/tags/list?n=2&last=t2>; rel="next"');
    expect(await (await api("/v2/api/paged/tags/list?n=2&last=t2")).json()).toEqual({
      name: "api/paged",
      tags: ["t3"],
    });
    const catalog = await api("/v2/_catalog?n=1");
    expect(catalog.headers.get("link")).toMatch(/^<\/v2\/_catalog\?n=1&last=/);
    const unknown = await api("/v2/api/nothing/tags/list");
    expect([unknown.status, await unknown.json()]).toEqual([
      404,
      { errors: [expect.objectContaining({ code: "NAME_UNKNOWN" })] },
    ]);
  });
});
