import { afterAll, beforeAll, expect, it } from "vitest";
import { openImageStore } from "../../../src/registry/image-store.js";
import { startDockerRegistry } from "../../support/docker-registry.js";
import type { RunningDockerRegistry } from "../../support/docker-registry.js";
import { describeWithTools } from "../../support/required-tool.js";
import { makeImage, pushImage } from "../../support/test-images.js";
import { openTestStore } from "./registries.js";

describeWithTools(["docker-registry", "htpasswd"])("docker-registry with htpasswd auth", () => {
  let registry: RunningDockerRegistry;
  beforeAll(async () => {
    registry = await startDockerRegistry({ htpasswd: { username: "builder", password: "pa55word" } });
  });
  afterAll(async () => {
    await registry.stop();
  });

  it("pushes and pulls with the right credentials from a dockerconfigjson", async () => {
    const config = {
      auths: { [registry.host]: { auth: Buffer.from("builder:pa55word").toString("base64") } },
    };
    const store = openTestStore(registry.host, "okd/release", { dockerConfigJson: JSON.stringify(config) });
    const image = makeImage("docker", [500]);
    await pushImage(store, image, "4.15.0");
    expect((await store.getManifest("4.15.0")).digest).toBe(image.digest);
    expect(await store.listTags()).toEqual(["4.15.0"]);
  });

  it("fails with a message naming the registry and repository without credentials or with wrong ones", async () => {
    const image = makeImage("docker", [10]);
    await expect(pushImage(openTestStore(registry.host, "okd/release"), image, "x")).rejects.toThrow(
      `authentication required for ${registry.host}/okd/release: provide credentials (pushSecret/authfile)`,
    );
    const wrong = { auths: { [registry.host]: { username: "builder", password: "guess" } } };
    await expect(
      openTestStore(registry.host, "okd/release", { dockerConfigJson: wrong }).listTags(),
    ).rejects.toMatchObject({
      code: "UNAUTHORIZED",
      message: expect.stringMatching(/rejected the credentials/) as unknown,
    });
  });
});

describeWithTools(["docker-registry", "openssl"])("docker-registry behind TLS with a self-signed CA", () => {
  let registry: RunningDockerRegistry;
  beforeAll(async () => {
    registry = await startDockerRegistry({ tls: true });
  });
  afterAll(async () => {
    await registry.stop();
  });

  it("pushes and pulls when given the CA bundle", async () => {
    const store = openImageStore(`docker://${registry.host}/tls/app`, { caBundle: registry.caCert ?? "" });
    const image = makeImage("oci", [700]);
    await pushImage(store, image, "v1");
    expect((await store.getManifest("v1")).digest).toBe(image.digest);
  });

  it("fails with a TLS error naming the registry and the CA bundle option without it", async () => {
    const store = openImageStore(`docker://${registry.host}/tls/app`, { retry: { attempts: 1 } });
    const failure = store.getManifest("v1");
    await expect(failure).rejects.toMatchObject({ code: "TLS" });
    await expect(failure).rejects.toThrow(
      new RegExp(`TLS connection to ${registry.host} failed.*--registry-ca FILE.*ConfigMap`),
    );
  });
});
