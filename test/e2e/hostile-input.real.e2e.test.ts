/**
 * Hostile input and secrets, end to end on the real control plane (etcd + kube-apiserver +
 * kube-controller-manager, the operator as its ServiceAccount): every semantic error of the
 * hostile input corpus is applied at once beside valid PayloadBuilds. Each wrong one must end in
 * `Ready=False` reason `InvalidSpec` naming every problem's field path, the valid one must still
 * build and push its release, and the operator must keep running with bounded memory.
 *
 * Secrets: the valid release is pushed to a `docker-registry` with htpasswd auth through a push
 * Secret, and another PayloadBuild uses a Secret with a wrong password; neither value may appear in
 * the operator's log, an Event, a status field, a metric or an error message. TLS: a release bound
 * for a registry with a self-signed CA the operator was not given fails saying how to trust it.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { EVENTS, SECRETS } from "../../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../support/docker-registry.js";
import { hostileInputCorpus } from "../support/hostile-input-corpus.js";
import { CONTROL_PLANE_TOOLS, describeWithTools } from "../support/required-tool.js";
import {
  CENTOS,
  component,
  createNamespace,
  hasCondition,
  startE2eEnvironment,
  waitFor,
  waitForStatus,
  type E2eEnvironment,
} from "./e2e-harness.js";

const RELEASE = "4.17.0-0.okd-hostile-2026-12-04-120000";
const USER = "release-pusher";
/** Values that must never leave the Secret (random, so a hit cannot be a coincidence). */
const PASSWORD = `pw-${crypto.randomUUID()}`;
const WRONG_PASSWORD = `wrong-${crypto.randomUUID()}`;
/** How much the operator's peak RSS may grow over its startup peak while handling all of this. */
const MAX_RSS_GROWTH_MIB = 150;

const invalidCases = hostileInputCorpus().filter((c) => c.outcome === "invalid");

describeWithTools([...CONTROL_PLANE_TOOLS, "docker-registry", "htpasswd", "openssl", "kubectl"])(
  "hostile input and secrets on the real control plane",
  () => {
    let env: E2eEnvironment;
    let operator: OperatorProcess;
    let authRegistry: RunningDockerRegistry;
    let tlsRegistry: RunningDockerRegistry;
    let ns: string;
    let startupPeakMib: number;

    beforeAll(async () => {
      [env, authRegistry, tlsRegistry] = await Promise.all([
        startE2eEnvironment({
          speed: 20,
          plane: "real",
          profile: { components: { "cluster-version-operator": { operator: true } } },
        }),
        startDockerRegistry({ htpasswd: { username: USER, password: PASSWORD } }),
        startDockerRegistry({ tls: true }),
      ]);
      operator = await env.startOperator(["--insecure-registry", authRegistry.host]);
      ns = await createNamespace(env.client, "hostile");
      await waitFor(
        async () => ((await operator.tail(50)).includes('"operator started"') ? true : undefined),
        "the operator to start",
      );
      startupPeakMib = await peakRssMib(operator.pid);
    }, 180_000);

    afterAll(async () => {
      await Promise.all([env?.stop(), authRegistry?.stop(), tlsRegistry?.stop()]);
    });

    const pushSecret = (name: string, password: string) => ({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: ns },
      type: "kubernetes.io/dockerconfigjson",
      stringData: {
        ".dockerconfigjson": JSON.stringify({ auths: { [authRegistry.host]: { username: USER, password } } }),
      },
    });
    const validBuild = (name: string, release: Record<string, unknown>) => ({
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name, namespace: ns },
      spec: {
        imageStream: name,
        retry: { maxAttempts: 1 },
        components: [component("base", CENTOS), component("cluster-version-operator", "base")],
        release: { name: RELEASE, ...release },
      },
    });
    const where = (name: string) => ({ namespace: ns, name });

    it(`ends ${invalidCases.length} wrong PayloadBuilds in InvalidSpec naming every problem while a valid one builds and pushes with its push Secret`, async () => {
      await env.client.create(SECRETS, pushSecret("release-push", PASSWORD));
      await env.client.create(SECRETS, pushSecret("release-push-wrong", WRONG_PASSWORD));
      for (const c of invalidCases) {
        const object = parseYaml(c.text) as Record<string, unknown>;
        await env.client.create(PAYLOAD_BUILDS, {
          ...object,
          metadata: { name: nameOf(c.file), namespace: ns },
        });
      }
      await env.client.create(
        PAYLOAD_BUILDS,
        validBuild("valid", {
          to: `docker://${authRegistry.host}/okd/release`,
          pushSecret: { name: "release-push" },
        }),
      );
      await env.client.create(
        PAYLOAD_BUILDS,
        validBuild("wrong-password", {
          to: `docker://${authRegistry.host}/okd/release-wrong`,
          pushSecret: { name: "release-push-wrong" },
        }),
      );
      await env.client.create(
        PAYLOAD_BUILDS,
        validBuild("untrusted-ca", { to: `docker://${tlsRegistry.host}/okd/release` }),
      );

      for (const c of invalidCases) {
        const status = await waitForStatus(
          env,
          operator,
          where(nameOf(c.file)),
          `${c.file}: InvalidSpec`,
          (s) =>
            (s.conditions ?? []).some(
              (k) => k.type === "Ready" && k.status === "False" && k.reason === "InvalidSpec",
            ),
        );
        const message = status.conditions?.find((k) => k.type === "Ready")?.message ?? "";
        for (const path of c.problems) expect(message, c.file).toContain(`${path}: `);
        expect(status.phase).toBe("Invalid");
      }

      const valid = await waitForStatus(
        env,
        operator,
        where("valid"),
        "the valid PayloadBuild to be Ready",
        (s) => hasCondition(s, "Ready", "True"),
        120_000,
      );
      expect(valid.release?.image).toMatch(
        new RegExp(`^${authRegistry.host}/okd/release@sha256:[0-9a-f]{64}$`),
      );

      const wrong = await waitForStatus(
        env,
        operator,
        where("wrong-password"),
        "the wrong password refused",
        (s) => (s.conditions ?? []).some((k) => k.type === "Ready" && k.reason === "ReleaseFailed"),
      );
      expect(wrong.conditions?.find((k) => k.type === "Ready")?.message).toMatch(/rejected the credentials/);

      const untrusted = await waitForStatus(
        env,
        operator,
        where("untrusted-ca"),
        "the untrusted CA refused",
        (s) => (s.conditions ?? []).some((k) => k.type === "Ready" && k.reason === "ReleaseFailed"),
      );
      const tlsMessage = untrusted.conditions?.find((k) => k.type === "Ready")?.message ?? "";
      expect(tlsMessage).toContain(`TLS connection to ${tlsRegistry.host} failed`);
      expect(tlsMessage).toMatch(/--registry-ca FILE.*ConfigMap/);

      expect(operator.hasExited()).toBe(false);
    }, 300_000);

    it("kept the operator's memory bounded: its peak grew little over its startup peak", async () => {
      const peak = await peakRssMib(operator.pid);
      console.log(
        `operator peak RSS: ${Math.round(startupPeakMib)} MiB after startup, ${Math.round(peak)} MiB after the hostile input run`,
      );
      expect(peak - startupPeakMib).toBeLessThan(MAX_RSS_GROWTH_MIB);
    });

    it("never shows a push Secret's value: not in the log, an Event, a status, a metric or an error", async () => {
      const log = await readFile(join(env.work, "operator-1.log"), "utf8");
      const started = log
        .split("\n")
        .map((line) => {
          try {
            return JSON.parse(line) as { msg?: string; healthUrl?: string };
          } catch {
            return undefined;
          }
        })
        .find((entry) => entry?.msg === "operator started");
      const metrics = await (await fetch(`${started?.healthUrl ?? ""}/metrics`)).text();
      expect(metrics).toContain("payload_");
      const events = JSON.stringify((await env.client.listAll(EVENTS, { namespace: ns })).items);
      const builds = JSON.stringify((await env.client.listAll(PAYLOAD_BUILDS, { namespace: ns })).items);
      // The captured output really is about these builds (so an empty capture cannot pass).
      expect(log).toContain("wrong-password");
      expect(events).toContain("rejected the credentials");
      expect(builds).toContain(authRegistry.host);
      const secrets = [PASSWORD, WRONG_PASSWORD].flatMap((password) => [
        password,
        Buffer.from(`${USER}:${password}`).toString("base64"),
        Buffer.from(password).toString("base64"),
      ]);
      for (const [where, text] of Object.entries({ log, events, builds, metrics }))
        for (const secret of secrets)
          expect(text.includes(secret), `a push Secret's value in ${where}`).toBe(false);
    });
  },
);

/** The peak resident set (VmHWM) of process `pid`, in MiB. */
async function peakRssMib(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** The PayloadBuild name for a corpus file. */
function nameOf(file: string): string {
  return file
    .replace(/\.(yaml|json)$/, "")
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 60);
}
