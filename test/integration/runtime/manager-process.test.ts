import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KubeClient } from "../../../src/kube/kube-client.js";
import { CONFIG_MAPS, LEASES } from "../../../src/kube/resource.js";
import {
  createNamespace,
  startClusterAndClient,
  type DevCluster,
} from "../../support/dev-cluster-fixture.js";
import { eventually } from "../../support/wait-for.js";

let cluster: DevCluster;
let client: KubeClient;
const children: ChildProcess[] = [];

beforeAll(async () => {
  ({ cluster, client } = await startClusterAndClient());
});
afterAll(async () => {
  for (const child of children)
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, "SIGKILL");
  await cluster?.stop();
});

/** Starts the fixture operator process; collects its JSON lines. */
function startOperator(ns: string, identity: string, reconcileMs: number, renewDeadlineMs: number) {
  const script = fileURLToPath(new URL("./fixtures/manager-process.ts", import.meta.url));
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      script,
      cluster.kubeconfigPath,
      ns,
      identity,
      String(reconcileMs),
      String(renewDeadlineMs),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  children.push(child);
  const events: string[] = [];
  createInterface({ input: child.stdout ?? process.stdin }).on("line", (line) => {
    try {
      events.push(String((JSON.parse(line) as { event?: unknown }).event));
    } catch {
      events.push(line);
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, events, exited };
}

async function leaseHolder(ns: string): Promise<unknown> {
  const lease = await client.get(LEASES, { namespace: ns, name: "process-lock" });
  return (lease["spec"] as { holderIdentity?: unknown } | undefined)?.holderIdentity;
}

describe.concurrent("the manager as a process", () => {
  it("on SIGTERM finishes the reconcile in flight, releases the lease and exits 0", async () => {
    const ns = await createNamespace(client, "sigterm");
    const op = startOperator(ns, "op-1", 1500, 6000);
    await eventually(() => op.events.includes("leading"), "the operator to lead", 20_000);
    await client.create(CONFIG_MAPS, { metadata: { name: "slow", namespace: ns } });
    await eventually(() => op.events.includes("reconcile-started"), "a reconcile to start");
    op.child.kill("SIGTERM");
    const code = await op.exited;
    expect(op.events).toContain("reconcile-finished");
    expect(op.events).not.toContain("lost");
    expect(code).toBe(0);
    expect(await leaseHolder(ns)).toBe("");
  });

  it("exits with status 1 when it loses the lease", async () => {
    const ns = await createNamespace(client, "lease-loss");
    const op = startOperator(ns, "op-2", 0, 1500);
    await eventually(() => op.events.includes("leading"), "the operator to lead", 20_000);
    const lease = await client.get(LEASES, { namespace: ns, name: "process-lock" });
    await client.replace(LEASES, {
      ...lease,
      spec: { ...(lease["spec"] as object), holderIdentity: "intruder", leaseDurationSeconds: 3600 },
    });
    expect(await op.exited).toBe(1);
    expect(op.events).toContain("lost");
  });
});
