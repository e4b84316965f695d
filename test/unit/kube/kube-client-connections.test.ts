/**
 * `createKubeClient`'s `reuseConnections`: client-node makes a new dispatcher (so a new connection)
 * for every request; with the option on, a client's requests share one connection pool.
 */
import { createServer, type Server } from "node:http";
import { afterEach, expect, it } from "vitest";
import type { KubeConfig } from "@kubernetes/client-node";
import { createKubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS } from "../../../src/kube/resource.js";
import { localKubeConfig } from "../../support/local-kube-config.js";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A server answering every GET with a ConfigMap; counts the TCP connections it accepted. */
async function serve(): Promise<{ kc: KubeConfig; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns" } }),
    );
  });
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const kc = localKubeConfig(server);
  return { kc, connections: () => connections };
}

async function twentyGets(reuseConnections: boolean): Promise<number> {
  const { kc, connections } = await serve();
  const client = createKubeClient(kc, { reuseConnections });
  for (let i = 0; i < 20; i++)
    expect((await client.get(CONFIG_MAPS, { namespace: "ns", name: "a" })).metadata.name).toBe("a");
  return connections();
}

it("sends a client's requests over one connection with reuseConnections", async () => {
  // One pool: its first connection or two carry all 20 (undici may open a second while the first
  // is being handed back), against one connection per request without the option.
  expect(await twentyGets(true)).toBeLessThanOrEqual(2);
});

it("opens a connection per request without it (client-node's default)", async () => {
  expect(await twentyGets(false)).toBe(20);
});
