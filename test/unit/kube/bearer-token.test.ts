import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { bearerTokenSource } from "../../../src/kube/bearer-token.js";

function kubeConfigWith(user: Record<string, unknown>): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: "https://127.0.0.1:6443", skipTLSVerify: true }],
    users: [{ name: "u", ...user }],
    contexts: [{ name: "ctx", cluster: "c", user: "u" }],
    currentContext: "ctx",
  });
  return kc;
}

describe("bearerTokenSource", () => {
  it("reads a kubeconfig's token", async () => {
    expect(await bearerTokenSource(kubeConfigWith({ token: "abc" }))()).toBe("abc");
  });

  it("reads the in-cluster token file (as the API client does: again after a minute, for rotation)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "token-"));
    const file = join(dir, "token");
    await writeFile(file, "first");
    const read = bearerTokenSource(
      kubeConfigWith({ authProvider: { name: "tokenFile", config: { tokenFile: file } } }),
    );
    expect(await read()).toBe("first");
  });

  it("is undefined for a client certificate user", async () => {
    expect(await bearerTokenSource(kubeConfigWith({ certData: "", keyData: "" }))()).toBeUndefined();
  });
});
