import pino from "pino";
import { describe, expect, it } from "vitest";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { ConflictError, NotFoundError } from "../../../src/kube/kube-errors.js";
import { ManualClock } from "../../../src/runtime/clock.js";
import { LeaderElector } from "../../../src/runtime/leader-elector.js";

interface StoredLease {
  metadata: { name: string; namespace: string; resourceVersion: string };
  spec: Record<string, unknown>;
}

/**
 * One Lease held in memory with optimistic concurrency (a replace with an old resourceVersion is a
 * 409), and a hook run before each replace answers (to let a test put another write in between).
 */
function leaseServer() {
  let lease: StoredLease | undefined;
  let version = 0;
  const server = {
    /** Run one per replace, in order, before it answers (to put another write in between). */
    beforeReplace: [] as (() => Promise<void>)[],
    replaces: 0,
    conflicts: 0,
    lease: () => lease,
    client: {
      get: async () => {
        await Promise.resolve();
        if (lease === undefined) throw new NotFoundError(404, "NotFound", "not found", undefined);
        return structuredClone(lease);
      },
      create: async (_r: unknown, obj: { metadata: { name: string; namespace: string }; spec: object }) => {
        await Promise.resolve();
        lease = { metadata: { ...obj.metadata, resourceVersion: String(++version) }, spec: { ...obj.spec } };
        return structuredClone(lease);
      },
      replace: async (_r: unknown, obj: StoredLease) => {
        await server.beforeReplace.shift()?.();
        server.replaces++;
        if (lease === undefined || obj.metadata.resourceVersion !== lease.metadata.resourceVersion) {
          server.conflicts++;
          throw new ConflictError(409, "Conflict", "the object has been modified", undefined);
        }
        lease = { metadata: { ...obj.metadata, resourceVersion: String(++version) }, spec: { ...obj.spec } };
        return structuredClone(lease);
      },
    } as unknown as KubeClient,
  };
  return server;
}

/** Lets pending promises run until `done()` (at most 100 turns). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

const options = (client: KubeClient, clock: ManualClock) => ({
  client,
  clock,
  logger: pino({ level: "silent" }),
  namespace: "ops",
  name: "payload-operator",
  identity: "op-1",
  leaseDurationMs: 6000,
  renewDeadlineMs: 4000,
  retryPeriodMs: 1000,
});

describe("LeaderElector.release", () => {
  it("clears the holder even when the lease is written between its read and its write (a 409), and waits for a renewal in flight", async () => {
    const server = leaseServer();
    const clock = new ManualClock();
    const elector = new LeaderElector(options(server.client, clock));
    expect(await elector.acquire(new AbortController().signal, () => undefined)).toBe(true);

    // A renewal starts and is held inside its write: release must not race it with a stale read.
    let finishRenewal: (() => void) | undefined;
    server.beforeReplace.push(
      () =>
        new Promise<void>((resolve) => {
          finishRenewal = resolve;
        }),
      // Then another write lands between release's read and its write: one 409, read again.
      async () => {
        const current = server.lease();
        if (current !== undefined) current.metadata.resourceVersion += "-moved";
      },
    );
    clock.advance(1000);
    await until(() => finishRenewal !== undefined);
    expect(server.replaces).toBe(0);
    const released = elector.release();
    for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
    finishRenewal?.();
    await released;

    expect(server.lease()?.spec["holderIdentity"]).toBe("");
    // The renewal's write succeeded (release waited for it); release's first write hit the 409.
    expect(server.conflicts).toBe(1);
    expect(server.replaces).toBe(3);
    expect(elector.isLeader).toBe(false);
  });

  it("gives up after 3 conflicts without throwing, leaving the lease to expire", async () => {
    const server = leaseServer();
    const clock = new ManualClock();
    const elector = new LeaderElector(options(server.client, clock));
    await elector.acquire(new AbortController().signal, () => undefined);
    const bump = async () => {
      const current = server.lease();
      if (current !== undefined) current.metadata.resourceVersion += "x";
    };
    server.beforeReplace.push(bump, bump, bump, bump);
    await expect(elector.release()).resolves.toBeUndefined();
    expect(server.conflicts).toBe(3);
    expect(server.lease()?.spec["holderIdentity"]).toBe("op-1");
  });
});
