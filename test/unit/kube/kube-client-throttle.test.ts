/**
 * `createKubeClient` and 429s: a request answered 429 with `Retry-After` is sent again once that
 * many seconds have elapsed (client-go's rest client does the same), up to `throttleRetries`;
 * without `Retry-After`, or past the retries, the TooManyRequestsError is thrown. The
 * `userAgent` option reaches the server.
 */
import { createServer, type Server } from "node:http";
import { afterEach, expect, it } from "vitest";
import { createKubeClient } from "../../../src/kube/kube-client.js";
import { TooManyRequestsError } from "../../../src/kube/kube-errors.js";
import { CONFIG_MAPS } from "../../../src/kube/resource.js";
import { localKubeConfig } from "../../support/local-kube-config.js";

const CM = CONFIG_MAPS;

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server === undefined ? resolve() : server.close(() => resolve())));
  server = undefined;
});

/** A server answering the first `throttled` requests 429 (with `retryAfter` when given), then 201; logs arrival times and user agents. */
async function serve(throttled: number, retryAfter?: string) {
  const arrivals: { at: number; userAgent: string | undefined }[] = [];
  server = createServer((req, res) => {
    arrivals.push({ at: Date.now(), userAgent: req.headers["user-agent"] });
    req.resume();
    if (arrivals.length <= throttled) {
      res.writeHead(429, {
        "content-type": "application/json",
        ...(retryAfter === undefined ? {} : { "retry-after": retryAfter }),
      });
      res.end(
        JSON.stringify({
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          reason: "TooManyRequests",
          code: 429,
          message: "slow down",
        }),
      );
      return;
    }
    res.writeHead(201, { "content-type": "application/json" });
    res.end(
      JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "ns" } }),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const kc = localKubeConfig(server);
  return { kc, arrivals };
}

const CREATE = { metadata: { name: "a", namespace: "ns" } };

it("sends a throttled request again only after Retry-After, with its User-Agent", async () => {
  const { kc, arrivals } = await serve(2, "1");
  const client = createKubeClient(kc, { userAgent: "okd-payload-operator/test-1" });
  const created = await client.create(CM, CREATE);
  expect(created.metadata.name).toBe("a");
  expect(arrivals).toHaveLength(3);
  expect((arrivals[1]?.at ?? 0) - (arrivals[0]?.at ?? 0)).toBeGreaterThanOrEqual(990);
  expect((arrivals[2]?.at ?? 0) - (arrivals[1]?.at ?? 0)).toBeGreaterThanOrEqual(990);
  expect(arrivals.map((a) => a.userAgent)).toEqual(Array(3).fill("okd-payload-operator/test-1"));
});

it("throws the 429 without Retry-After, and once the retries are used up", async () => {
  const first = await serve(5);
  await expect(createKubeClient(first.kc).create(CM, CREATE)).rejects.toBeInstanceOf(TooManyRequestsError);
  expect(first.arrivals).toHaveLength(1);
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  const second = await serve(5, "0");
  await expect(createKubeClient(second.kc, { throttleRetries: 2 }).create(CM, CREATE)).rejects.toBeInstanceOf(
    TooManyRequestsError,
  );
  expect(second.arrivals).toHaveLength(3);
});
