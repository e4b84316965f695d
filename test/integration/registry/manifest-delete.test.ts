/**
 * Deleting a manifest by digest (`ImageStores.deleteManifest`, what ReleaseStream retention uses with
 * `spec.retention.deleteImages`) against Debian's docker-registry: deleted, then absent; the refusals a
 * user meets carry the status: 405 when the registry has deletes disabled, 401 without credentials.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImageStores, isRegistryError } from "../../../src/registry/image-store.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { makeImage, pushImage } from "../../support/test-images.js";

const started: RunningDockerRegistry[] = [];
let open: RunningDockerRegistry;
let noDeletes: RunningDockerRegistry;
let withAuth: RunningDockerRegistry;
const credentials = { username: "pusher", password: "secret" };

function stores(registry: RunningDockerRegistry, auth = false): ImageStores {
  const dockerConfigJson = JSON.stringify({
    auths: {
      [registry.host]: {
        auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64"),
      },
    },
  });
  return new ImageStores({ insecureRegistries: [registry.host], ...(auth ? { dockerConfigJson } : {}) });
}

async function pushed(registry: RunningDockerRegistry, repository: string, auth = false): Promise<string> {
  const image = makeImage("oci", [200]);
  await pushImage(stores(registry, auth).open(`docker://${registry.host}/${repository}`), image, "v1");
  return image.digest;
}

beforeAll(async () => {
  open = await startDockerRegistry();
  started.push(open);
  noDeletes = await startDockerRegistry({ deletes: false });
  started.push(noDeletes);
  withAuth = await startDockerRegistry({ htpasswd: credentials });
  started.push(withAuth);
});
afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
});

describe("deleting a manifest by digest", () => {
  it("deletes it (its tag goes with it), then reports it absent", async () => {
    const digest = await pushed(open, "okd/release");
    const factory = stores(open);
    const repository = `docker://${open.host}/okd/release`;
    expect(await factory.deleteManifest(repository, digest)).toBe("deleted");
    await expect(factory.open(repository).getManifest(digest)).rejects.toMatchObject({ status: 404 });
    await expect(factory.open(repository).getManifest("v1")).rejects.toMatchObject({ status: 404 });
    expect(await factory.deleteManifest(repository, digest)).toBe("absent");
  });

  it("is refused with 405 by a registry with deletes disabled, and the image stays", async () => {
    const digest = await pushed(noDeletes, "okd/release");
    const factory = stores(noDeletes);
    const repository = `docker://${noDeletes.host}/okd/release`;
    const refusal = await factory.deleteManifest(repository, digest).catch((error: unknown) => error);
    expect(isRegistryError(refusal)).toBe(true);
    expect(refusal).toMatchObject({ status: 405 });
    expect(String(refusal)).toContain(`delete manifest ${noDeletes.host}/okd/release@${digest}`);
    expect((await factory.open(repository).getManifest(digest)).digest).toBe(digest);
  });

  it("needs credentials on a registry that asks for them", async () => {
    const digest = await pushed(withAuth, "okd/release", true);
    const repository = `docker://${withAuth.host}/okd/release`;
    const refusal = await stores(withAuth)
      .deleteManifest(repository, digest)
      .catch((error: unknown) => error);
    expect(isRegistryError(refusal, "UNAUTHORIZED")).toBe(true);
    expect(await stores(withAuth, true).deleteManifest(repository, digest)).toBe("deleted");
  });

  it("is not offered for an OCI layout", async () => {
    await expect(
      new ImageStores().deleteManifest("oci:/tmp/nowhere", `sha256:${"0".repeat(64)}`),
    ).rejects.toMatchObject({
      code: "UNSUPPORTED",
    });
  });
});
