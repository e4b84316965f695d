/**
 * Which credentials release assembly presents to which registry: the push Secret only to the
 * destination's registry, the operator's token only to the integrated registry, nothing elsewhere.
 * Three local registries that refuse everything with a Basic challenge record what they were sent.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { silentLogger } from "../../../src/observability/logger.js";
import { createReleaseAssembler } from "../../../src/payload-build/release-assembler.js";

const DIGEST = `sha256:${"b".repeat(64)}`;

interface Recorder {
  readonly host: string;
  readonly seen: string[];
  readonly server: Server;
}

async function refusingRegistry(): Promise<Recorder> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const auth = req.headers.authorization;
    if (auth !== undefined) seen.push(Buffer.from(auth.replace(/^Basic /, ""), "base64").toString("utf8"));
    res.writeHead(401, { "www-authenticate": 'Basic realm=openshift,error="access denied"' });
    res.end(JSON.stringify({ errors: [{ code: "UNAUTHORIZED", message: "authentication required" }] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { host: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

let integrated: Recorder;
let external: Recorder;
let destination: Recorder;

beforeAll(async () => {
  [integrated, external, destination] = await Promise.all([
    refusingRegistry(),
    refusingRegistry(),
    refusingRegistry(),
  ]);
});
afterAll(() => {
  for (const r of [integrated, external, destination]) r.server.close();
});

describe("release assembly credentials", () => {
  it("sends the push Secret only to the destination's registry and the token only to the integrated one", async () => {
    const dockerConfig = {
      auths: {
        [destination.host]: { username: "pusher", password: "secret" },
        [external.host]: { username: "pusher", password: "secret" },
      },
    };
    const client = {
      get: () =>
        Promise.resolve({
          apiVersion: "v1",
          kind: "Secret",
          metadata: { name: "push", namespace: "okd" },
          data: { ".dockerconfigjson": Buffer.from(JSON.stringify(dockerConfig)).toString("base64") },
        }),
    } as unknown as KubeClient;
    const insecureRegistries = [integrated.host, external.host, destination.host];
    const assemble = createReleaseAssembler({
      client,
      registryOptions: { insecureRegistries, retry: { attempts: 1 } },
      integratedRegistry: { hosts: () => [integrated.host], token: () => Promise.resolve("sa-token") },
      log: silentLogger(),
    });
    const assembleFrom = (pullspec: string) =>
      assemble(
        {
          name: "4.17.0-0.okd-2026-01-02-030405",
          to: `docker://${destination.host}/okd/release`,
          baseTag: "cluster-version-operator",
          images: [{ tag: "cluster-version-operator", pullspec }],
          include: ["cluster-version-operator"],
          pushSecret: "push",
        },
        "okd",
      ).catch((e: unknown) => e as Error);
    const refused = await assembleFrom(`${integrated.host}/okd/release@${DIGEST}`);
    expect(integrated.seen).toEqual(["serviceaccount:sa-token"]);
    expect((refused as Error).message).toContain(
      'the registry answered HTTP 401, UNAUTHORIZED: authentication required, error="access denied"',
    );
    expect((refused as Error).message).toContain("get on imagestreams/layers");
    await assembleFrom(`${external.host}/okd/other@${DIGEST}`);
    expect(external.seen).toEqual([]);
    expect(destination.seen).toEqual([]);
  });
});
