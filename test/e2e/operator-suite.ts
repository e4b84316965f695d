/**
 * End to end: the operator as a real child process (`payloadctl operator --leader-elect`) against
 * the dev cluster with its integrated registry and simulated builds; releases go to Debian's
 * `docker-registry`. One cluster and one operator serve every test of this file (each test has
 * its own namespace and component names). `rbac.e2e.test.ts` checks the operator's API use
 * against the generated RBAC.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installOkdPayloadStrategy } from "../support/shipwright-strategies.js";
import { hasRawCondition, recordStatusFixture } from "../support/status-fixtures.js";
import { documentedMetrics, isDefaultProcessMetric } from "../support/operations-doc.js";
import {
  histogramProblems,
  parseExposition,
  sampleValue,
  type MetricFamily,
} from "../support/prometheus-text.js";
import { promtoolCheckMetrics, promtoolLintProblems } from "../support/promtool.js";
import { requireTools } from "../support/required-tool.js";
import { BUILD_RUNS, BUILDS } from "../../src/builds/build-resources.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { isNotFound } from "../../src/kube/kube-errors.js";
import { SECRETS } from "../../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { openImageStore } from "../../src/registry/index.js";
import { parseReleaseMetadata } from "../../src/release-image/release-documents.js";
import { parseImageStream } from "../../src/release-image/image-stream.js";
import { verifyReleasePayload } from "../../src/release-image/verify-release-payload.js";
import { cvoLoadRelease, ocReleaseInfo } from "../integration/release-image/release-tools.js";
import { skopeoInspect, umociUnpackRelease } from "../integration/release-image/third-party-tools.js";
import {
  CENTOS,
  component,
  createNamespace,
  hasCondition,
  replaceSpec,
  startE2eEnvironment,
  waitFor,
  waitForStatus,
  type ControlPlaneKind,
  type E2eEnvironment,
} from "./e2e-harness.js";

const run = promisify(execFile);
const RELEASE = "4.17.0-0.okd-e2e-2026-11-21-120000";
const NAME = "okd";

/** Defines this file's tests on the control plane `plane`. */
export function operatorSuite(plane: ControlPlaneKind): void {
  let env: E2eEnvironment;
  let operator: OperatorProcess;

  beforeAll(async () => {
    env = await startE2eEnvironment({
      speed: 20,
      plane,
      profile: {
        components: {
          "cluster-version-operator": { operator: true },
          "dns-operator": { operator: true, references: ["coredns"] },
          slow: { durationMs: 200_000 },
        },
      },
    });
    await installOkdPayloadStrategy(env.client); // as a cluster admin would, for the shipwright test
    // Retries 0.1 s, 0.2 s, 0.4 s ...: eight attempts of a failing component fit in a test.
    operator = await env.startOperator(["--leader-elect", "--build-retry-delay", "0.1"]);
  }, 60_000);

  afterAll(async () => {
    await env?.stop();
  });

  type PayloadBuildInput = {
    readonly apiVersion: string;
    readonly kind: string;
    readonly metadata: { readonly name: string; readonly namespace: string };
    readonly spec: Record<string, unknown>;
  };

  function payloadBuild(namespace: string, spec: Record<string, unknown>): PayloadBuildInput {
    return {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: NAME, namespace },
      spec: { imageStream: "release", retry: { maxAttempts: 2 }, ...spec },
    };
  }

  function release(namespace: string): Record<string, unknown> {
    return { name: RELEASE, to: `docker://${env.dockerRegistry.host}/${namespace}/release` };
  }

  const where = (namespace: string) => ({ namespace, name: NAME });

  /** How many Builds (or `resource`) the operator created in `namespace`, from the audit log. */
  async function creations(namespace: string, resource = "builds"): Promise<number> {
    return (await env.operatorRequests()).filter(
      (e) => e.verb === "create" && e.resource === resource && e.namespace === namespace && e.code === 201,
    ).length;
  }

  async function buildNames(namespace: string): Promise<string[]> {
    return (await env.client.list(BUILDS, { namespace })).items.map((b) => b.metadata.name).sort();
  }

  describe("payloadctl operator end to end", () => {
    let readyNamespace = "";

    it("builds the payload to Ready=True and pushes a release that skopeo and umoci accept", async () => {
      const ns = await createNamespace(env.client, "ready");
      readyNamespace = ns;
      await env.client.create(SECRETS, {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "release-push", namespace: ns },
        type: "kubernetes.io/dockerconfigjson",
        data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths: {} })).toString("base64") },
      });
      await env.client.create(
        PAYLOAD_BUILDS,
        payloadBuild(ns, {
          concurrency: 3,
          components: [
            component("base", CENTOS),
            component("cluster-version-operator", "base"),
            component("dns-operator", "base"),
            component("coredns", "base"),
            { name: "pod", image: "quay.io/openshift/origin-pod:4.17" },
          ],
          release: { ...release(ns), pushSecret: { name: "release-push" } },
        }),
      );
      const status = await waitForStatus(env, operator, where(ns), "Ready=True", (s) =>
        hasCondition(s, "Ready", "True"),
      );
      expect(status.phase).toBe("Succeeded");
      expect(status.counts).toMatchObject({ total: 5, landed: 5, failed: 0 });
      const digest = status.release?.digest ?? "";
      expect(status.release?.image).toBe(`${env.dockerRegistry.host}/${ns}/release@${digest}`);

      const reference = `docker://${env.dockerRegistry.host}/${ns}/release@${digest}`;
      const cvoImage = status.components?.find((c) => c.name === "cluster-version-operator")?.image ?? "";
      const [inspected, cvo] = await Promise.all([
        skopeoInspect(reference),
        skopeoInspect(`docker://${cvoImage}`),
      ]);
      expect(inspected.Digest).toBe(digest);
      expect(inspected.Labels).toEqual({
        "io.openshift.release": RELEASE,
        "io.openshift.release.base-image-digest": cvo.Digest,
      });
      expect(inspected.Layers).toEqual([...cvo.Layers, inspected.Layers.at(-1)]);
      expect(inspected.Layers).toHaveLength(cvo.Layers.length + 1);

      const { releaseManifests } = await umociUnpackRelease(env.work, reference);
      expect(verifyReleasePayload(releaseManifests)).toEqual([]);
      const metadata = parseReleaseMetadata(releaseManifests.get("release-metadata")?.toString() ?? "");
      const references = parseImageStream(
        releaseManifests.get("image-references")?.toString() ?? "",
        "image-references",
      );
      expect(metadata.version).toBe(RELEASE);
      expect(references.metadata?.name).toBe(RELEASE);
      const byTag = new Map((references.spec?.tags ?? []).map((t) => [t.name, t.from?.name ?? ""]));
      for (const c of status.components ?? []) {
        const landedDigest = c.image?.split("@")[1];
        if (byTag.has(c.name))
          expect(byTag.get(c.name)?.endsWith(`@${landedDigest ?? "?"}`), c.name).toBe(true);
      }
      expect(byTag.has("dns-operator") && byTag.has("coredns")).toBe(true);

      // The real consumers: `oc adm release info` and the CVO's own payload loader.
      const pullspec = `${env.dockerRegistry.host}/${ns}/release@${digest}`;
      const info = await ocReleaseInfo(pullspec);
      expect(info.digest).toBe(digest);
      expect(info.metadata.version).toBe(RELEASE);
      expect(info.references.spec.tags.map((t) => t.name).sort()).toEqual([...byTag.keys()].sort());
      const loaded = await cvoLoadRelease(pullspec, join(env.work, "cvo-load"));
      expect(loaded.errors).toEqual([]);
      expect(loaded.release?.version).toBe(RELEASE);
      expect(loaded.manifests.filter((m) => m.file.startsWith("release-manifests/") && !m.loaded)).toEqual(
        [],
      );
      expect(loaded.manifestsLoaded).toBeGreaterThan(0);
      expect(await buildNames(ns)).toEqual([
        "okd-base-1",
        "okd-cluster-version-operator-1",
        "okd-coredns-1",
        "okd-dns-operator-1",
      ]);
      expect(await creations(ns)).toBe(4);
    });

    it("`kubectl get payloadbuilds` shows phase, counts, release, readiness and image", async () => {
      const kubectl = (...args: string[]) =>
        run("kubectl", [
          "--kubeconfig",
          env.kubeconfigPath,
          "-n",
          readyNamespace,
          "get",
          "payloadbuilds",
          ...args,
        ]);
      const rows = (text: string) =>
        text
          .trimEnd()
          .split("\n")
          .map((line) => line.trim().split(/\s+/));
      const { stdout } = await kubectl();
      const [header, row] = rows(stdout);
      expect(header).toEqual(["NAME", "PHASE", "LANDED", "TOTAL", "RELEASE", "AGE"]);
      expect(row?.slice(0, 5)).toEqual([NAME, "Succeeded", "5", "5", RELEASE]);
      const wide = rows((await kubectl("-o", "wide")).stdout);
      expect(wide[0]).toEqual([
        "NAME",
        "PHASE",
        "LANDED",
        "TOTAL",
        "FAILED",
        "RELEASE",
        "READY",
        "IMAGE",
        "AGE",
      ]);
      expect(wide[1]?.slice(0, 7)).toEqual([NAME, "Succeeded", "5", "5", "0", RELEASE, "True"]);
      expect(wide[1]?.[7]).toMatch(
        new RegExp(`^${env.dockerRegistry.host}/${readyNamespace}/release@sha256:[0-9a-f]{64}$`),
      );
    });

    it("retries a component that fails once, then succeeds", async () => {
      const ns = await createNamespace(env.client, "flaky");
      env.builds.setBehaviour("flaky", { failTimes: 1 });
      await env.client.create(
        PAYLOAD_BUILDS,
        payloadBuild(ns, {
          components: [
            component("base", CENTOS),
            component("flaky", "base"),
            component("cluster-version-operator", "flaky"),
          ],
          release: release(ns),
        }),
      );
      const status = await waitForStatus(env, operator, where(ns), "Ready=True", (s) =>
        hasCondition(s, "Ready", "True"),
      );
      expect(status.components?.find((c) => c.name === "flaky")).toMatchObject({
        state: "Landed",
        attempts: 2,
        build: "okd-flaky-2",
      });
      expect(status.release?.digest).toMatch(/^sha256:/);
      expect(await buildNames(ns)).toEqual([
        "okd-base-1",
        "okd-cluster-version-operator-1",
        "okd-flaky-1",
        "okd-flaky-2",
      ]);
      expect(await creations(ns)).toBe(4);
    });

    it("fails a component for good: dependents Blocked, independent ones Landed, Degraded names it, no release", async () => {
      const ns = await createNamespace(env.client, "broken");
      env.builds.setBehaviour("broken", { failAlways: true, logSnippet: "error: undefined: foo.Bar" });
      await env.client.create(
        PAYLOAD_BUILDS,
        payloadBuild(ns, {
          components: [
            component("base", CENTOS),
            component("broken", "base"),
            component("needs-broken", "broken"),
            component("cluster-version-operator", "base"),
          ],
          release: release(ns),
        }),
      );
      const status = await waitForStatus(
        env,
        operator,
        where(ns),
        "phase Failed",
        (s) => s.phase === "Failed",
      );
      await recordStatusFixture(env, "PayloadBuild", where(ns), "degraded", (o) =>
        hasRawCondition(o, "Degraded", "True", "ComponentFailed"),
      );
      const byName = new Map((status.components ?? []).map((c) => [c.name, c]));
      expect(byName.get("broken")).toMatchObject({ state: "Failed", attempts: 2 });
      expect(byName.get("needs-broken")?.state).toBe("Blocked");
      expect(byName.get("needs-broken")?.message).toContain("broken");
      expect(byName.get("cluster-version-operator")?.state).toBe("Landed");
      expect(byName.get("base")?.state).toBe("Landed");
      const degraded = status.conditions?.find((c) => c.type === "Degraded");
      expect(degraded?.status).toBe("True");
      expect(degraded?.message).toContain("broken");
      expect(degraded?.message).toContain("undefined: foo.Bar");
      expect(hasCondition(status, "Ready", "True")).toBe(false);
      expect(status.release?.digest).toBeUndefined();
      const tags = await openImageStore(`docker://${env.dockerRegistry.host}/${ns}/release`, {
        insecureRegistries: [env.dockerRegistry.host],
      }).listTags();
      expect(tags).toEqual([]);
      expect(await buildNames(ns)).toEqual([
        "okd-base-1",
        "okd-broken-1",
        "okd-broken-2",
        "okd-cluster-version-operator-1",
      ]);
      expect(await creations(ns)).toBe(4);
    });

    it("retry.maxAttempts 8: a component that always fails ends Failed after exactly 8 attempts while its old Builds are pruned", async () => {
      const ns = await createNamespace(env.client, "pruned");
      env.builds.setBehaviour("always-broken", { failAlways: true });
      await env.client.create(
        PAYLOAD_BUILDS,
        payloadBuild(ns, {
          retry: { maxAttempts: 8 },
          components: [component("always-broken", CENTOS), component("cluster-version-operator", CENTOS)],
        }),
      );
      // Prune as `oc adm prune builds` or a person would: only the newest failed Build stays.
      let pruned = 0;
      let pruning = true;
      const pruner = (async () => {
        while (pruning) {
          const failed = (await env.client.list(BUILDS, { namespace: ns })).items
            .filter((b) => (b["status"] as { phase?: string } | undefined)?.phase === "Failed")
            .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name, "en", { numeric: true }));
          for (const old of failed.slice(0, -1)) {
            await env.client
              .delete(BUILDS, { namespace: ns, name: old.metadata.name })
              .catch(() => undefined);
            pruned++;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      })();
      const status = await waitForStatus(
        env,
        operator,
        where(ns),
        "phase Failed",
        (s) => s.phase === "Failed",
      ).finally(async () => {
        pruning = false;
        await pruner;
      });
      const broken = status.components?.find((c) => c.name === "always-broken");
      expect(broken).toMatchObject({ state: "Failed", attempts: 8, build: "okd-always-broken-8" });
      expect(broken?.message).toContain("8 of 8 attempts used");
      expect(pruned).toBeGreaterThan(0);
      expect(await creations(ns)).toBe(9); // 8 attempts and the CVO's one build
      expect(await buildNames(ns)).not.toContain("okd-always-broken-9");
    }, 120_000);

    it("reports an invalid spec as Ready=False InvalidSpec naming the field, and builds nothing", async () => {
      const ns = await createNamespace(env.client, "invalid");
      await env.client.create(
        PAYLOAD_BUILDS,
        payloadBuild(ns, {
          components: [component("base", CENTOS), { ...component("cli", "base"), dependsOn: ["ghost"] }],
        }),
      );
      const status = await waitForStatus(env, operator, where(ns), "Ready=False", (s) =>
        hasCondition(s, "Ready", "False"),
      );
      const ready = status.conditions?.find((c) => c.type === "Ready");
      expect(ready?.reason).toBe("InvalidSpec");
      expect(ready?.message).toContain("spec.components[1].dependsOn[0]");
      expect(ready?.message).toContain("ghost");
      expect(status.phase).toBe("Invalid");
      expect(await buildNames(ns)).toEqual([]);
      await recordStatusFixture(env, "PayloadBuild", where(ns), "invalid", (o) =>
        hasRawCondition(o, "Ready", "False", "InvalidSpec"),
      );
    });

    it("rebuilds a changed component and its dependents after a spec change mid-build, and nothing else", async () => {
      const ns = await createNamespace(env.client, "change");
      const spec = (revision: string) => ({
        concurrency: 4,
        components: [
          component("base", CENTOS),
          { ...component("middle", "base"), buildArgs: { REVISION: revision } },
          component("leaf", "middle"),
          component("slow", "base"),
          { ...component("cluster-version-operator", "base"), dependsOn: ["leaf", "slow"] },
        ],
        release: release(ns),
      });
      await env.client.create(PAYLOAD_BUILDS, payloadBuild(ns, spec("1")));
      await waitForStatus(env, operator, where(ns), "leaf landed while slow builds", (s) => {
        const state = new Map((s.components ?? []).map((c) => [c.name, c.state]));
        return state.get("leaf") === "Landed" && state.get("slow") === "Building";
      });
      await recordStatusFixture(env, "PayloadBuild", where(ns), "progressing", (o) =>
        hasRawCondition(o, "Progressing", "True", "Building"),
      );
      await replaceSpec(env.client, where(ns), payloadBuild(ns, spec("2")).spec);
      // As Argo CD sees it right after a sync changed the spec (the status may still describe generation 1).
      await recordStatusFixture(env, "PayloadBuild", where(ns), "spec-changed", () => true);
      const status = await waitForStatus(
        env,
        operator,
        where(ns),
        "Ready=True for generation 2",
        (s) => hasCondition(s, "Ready", "True") && s.observedGeneration === 2,
        90_000,
      );
      await recordStatusFixture(env, "PayloadBuild", where(ns), "ready", (o) =>
        hasRawCondition(o, "Ready", "True", "ReleasePushed"),
      );
      expect(status.components?.every((c) => c.state === "Landed")).toBe(true);
      const names = await buildNames(ns);
      const count = (name: string) => names.filter((b) => b.startsWith(`okd-${name}-`)).length;
      expect({
        base: count("base"),
        slow: count("slow"),
        middle: count("middle"),
        leaf: count("leaf"),
        cvo: count("cluster-version-operator"),
      }).toEqual({ base: 1, slow: 1, middle: 2, leaf: 2, cvo: 1 });
      expect(await creations(ns), `Builds created; Builds now: ${names.join(", ")}`).toBe(7);
    }, 120_000);

    it("leaves no Builds behind when the PayloadBuild is deleted mid-build", async () => {
      const ns = await createNamespace(env.client, "deleted");
      await env.client.create(
        PAYLOAD_BUILDS,
        payloadBuild(ns, {
          components: [
            component("base", CENTOS),
            component("slow", "base"),
            component("cluster-version-operator", "slow"),
          ],
          release: release(ns),
        }),
      );
      await waitForStatus(env, operator, where(ns), "slow building", (s) =>
        (s.components ?? []).some((c) => c.name === "slow" && c.state === "Building"),
      );
      await env.client.delete(PAYLOAD_BUILDS, where(ns), { propagationPolicy: "Background" });
      await waitFor(async () => {
        const gone = await env.client.get(PAYLOAD_BUILDS, where(ns)).then(
          () => false,
          (e: unknown) => isNotFound(e),
        );
        return gone && (await buildNames(ns)).length === 0 ? true : undefined;
      }, "the PayloadBuild and its Builds to be gone");
      expect(await buildNames(ns)).toEqual([]);
    });

    it("deletes the live Build of a component removed from the spec mid-build", async () => {
      const ns = await createNamespace(env.client, "removed");
      const components = [
        component("base", CENTOS),
        component("slow", "base"),
        component("cluster-version-operator", "base"),
      ];
      await env.client.create(PAYLOAD_BUILDS, payloadBuild(ns, { components, release: release(ns) }));
      await waitForStatus(env, operator, where(ns), "slow building", (s) =>
        (s.components ?? []).some((c) => c.name === "slow" && c.state === "Building"),
      );
      const spec = payloadBuild(ns, {
        components: components.filter((c) => c["name"] !== "slow"),
        release: release(ns),
      }).spec;
      await replaceSpec(env.client, where(ns), spec);
      const status = await waitForStatus(
        env,
        operator,
        where(ns),
        "Ready=True for generation 2",
        (s) => hasCondition(s, "Ready", "True") && s.observedGeneration === 2,
      );
      expect(status.components?.map((c) => c.name).sort()).toEqual(["base", "cluster-version-operator"]);
      await waitFor(
        async () => ((await buildNames(ns)).some((b) => b.startsWith("okd-slow-")) ? undefined : true),
        "the Build of the removed component to be deleted",
      );
      expect(await buildNames(ns)).toEqual(["okd-base-1", "okd-cluster-version-operator-1"]);
    });

    it("builds with the shipwright backend (BuildRuns) to Ready=True", async () => {
      const ns = await createNamespace(env.client, "shipwright");
      await env.client.create(
        PAYLOAD_BUILDS,
        payloadBuild(ns, {
          backend: "shipwright",
          components: [component("base", CENTOS), component("cluster-version-operator", "base")],
          release: release(ns),
        }),
      );
      const status = await waitForStatus(env, operator, where(ns), "Ready=True", (s) =>
        hasCondition(s, "Ready", "True"),
      );
      expect(status.release?.digest).toMatch(/^sha256:/);
      const runs = await env.client.list(BUILD_RUNS, { namespace: ns });
      expect(runs.items.map((r) => r.metadata.name).sort()).toEqual([
        "okd-base-1",
        "okd-cluster-version-operator-1",
      ]);
      expect(await creations(ns, "buildruns")).toBe(2);
    });

    // Last in this file: every test before it built, failed, retried and pushed something.
    it("serves /metrics: controller-runtime's names and ours, values matching what the tests did; promtool check metrics accepts the scrape", async (context) => {
      requireTools(context, ["promtool"]);
      const started = (await operator.tail(1_000_000))
        .split("\n")
        .map((line) => {
          try {
            return JSON.parse(line) as { msg?: string; healthUrl?: string };
          } catch {
            return undefined;
          }
        })
        .find((entry) => entry?.msg === "operator started");
      const url = started?.healthUrl ?? "";
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const scrape = async (): Promise<{ text: string; families: Map<string, MetricFamily> }> => {
        const response = await fetch(`${url}/metrics`);
        expect(response.status).toBe(200);
        expect(response.headers.get("content-type")).toContain("text/plain; version=0.0.4");
        const text = await response.text();
        return { text, families: parseExposition(text) };
      };
      const before = await scrape();
      const requests = await env.operatorRequests();
      const after = await scrape();
      const families = before.families;
      const value = (name: string, labels: Record<string, string> = {}, from = families): number =>
        sampleValue(from, name, labels) ?? Number.NaN;

      // Exactly the documented metrics, with the documented types; histograms well formed.
      const documented = await documentedMetrics();
      expect([...families.keys()].filter((n) => !isDefaultProcessMetric(n)).sort()).toEqual(
        documented.map((row) => row.name).sort(),
      );
      for (const row of documented) expect(families.get(row.name)?.type, row.name).toBe(row.cells[0]);
      expect(histogramProblems(families)).toEqual([]);
      const notANumber = [...families.values()]
        .filter((f) => !isDefaultProcessMetric(f.name))
        .flatMap((f) =>
          f.samples.filter((x) => Number.isNaN(x.value)).map((x) => `${x.name}${JSON.stringify(x.labels)}`),
        );
      expect(notANumber).toEqual([]);
      expect(promtoolLintProblems(await promtoolCheckMetrics(before.text))).toEqual([]);

      // controller-runtime's: every reconcile counted once in the total and once in the histogram.
      const pb = { controller: "payloadbuild" };
      const results = ["success", "error", "requeue", "requeue_after"];
      const reconciles = results.reduce(
        (sum, result) => sum + value("controller_runtime_reconcile_total", { ...pb, result }),
        0,
      );
      expect(value("controller_runtime_reconcile_total", { ...pb, result: "success" })).toBeGreaterThan(10);
      expect(value("controller_runtime_reconcile_time_seconds_count", pb)).toBe(reconciles);
      const reconcileSeconds = value("controller_runtime_reconcile_time_seconds_sum", pb);
      expect(reconcileSeconds).toBeGreaterThan(0);
      expect(reconcileSeconds / reconciles).toBeLessThan(5);
      expect(value("controller_runtime_reconcile_errors_total", pb)).toBe(
        value("controller_runtime_reconcile_total", { ...pb, result: "error" }),
      );
      expect(value("controller_runtime_max_concurrent_reconciles", pb)).toBe(4);
      expect(value("workqueue_adds_total", { name: "payloadbuild" })).toBeGreaterThan(0);
      expect(value("workqueue_depth", { name: "payloadbuild" })).toBeGreaterThanOrEqual(0);
      expect(value("workqueue_depth", { name: "payloadbuild" })).toBeLessThan(50);
      expect(value("workqueue_work_duration_seconds_count", { name: "payloadbuild" })).toBeGreaterThan(0);
      expect(value("leader_election_master_status", { name: "payload-operator" })).toBe(1);
      const startTime = value("process_start_time_seconds");
      expect(Date.now() / 1000 - startTime).toBeGreaterThan(0);
      expect(Date.now() / 1000 - startTime).toBeLessThan(3600);

      // Ours, against the API server's audit log: builds counted as created (scrape, audit, scrape).
      expect(env.auditDropped()).toBe(0);
      const createdOf = (group: string, resource: string) =>
        requests.filter(
          (e) => e.verb === "create" && e.group === group && e.resource === resource && e.code === 201,
        ).length;
      for (const [backend, group, resource] of [
        ["openshift", "build.openshift.io", "builds"],
        ["shipwright", "shipwright.io", "buildruns"],
      ] as const) {
        const created = createdOf(group, resource);
        expect(created, `${resource} created`).toBeGreaterThan(0);
        expect(value("payload_operator_builds_started_total", { backend })).toBeLessThanOrEqual(created);
        expect(
          value("payload_operator_builds_started_total", { backend }, after.families),
        ).toBeGreaterThanOrEqual(created);
      }
      expect(value("payload_operator_builds_failed_total", { backend: "openshift" })).toBeGreaterThanOrEqual(
        10,
      );
      expect(value("payload_operator_builds_retried_total", { backend: "openshift" })).toBeGreaterThanOrEqual(
        8,
      );
      const pushed = value("payload_operator_release_push_total", { result: "success" });
      expect(pushed).toBeGreaterThanOrEqual(4);
      expect(value("payload_operator_time_to_release_seconds_count")).toBe(pushed);
      expect(value("payload_operator_release_assembly_seconds_count")).toBe(pushed);
      expect(value("payload_operator_release_assembly_seconds_sum")).toBeGreaterThan(0);

      // payload_operator_condition mirrors every PayloadBuild's conditions (read from the informer cache).
      await waitFor(
        async () => {
          const { families: now } = await scrape();
          const items = (await env.client.list(PAYLOAD_BUILDS, {})).items;
          const mismatches: string[] = [];
          for (const item of items) {
            const conditions = (
              item["status"] as { conditions?: { type: string; status: string }[] } | undefined
            )?.conditions;
            for (const c of conditions ?? []) {
              const labels = {
                kind: "PayloadBuild",
                namespace: item.metadata.namespace ?? "",
                name: item.metadata.name,
                type: c.type,
              };
              const expected = c.status === "True" ? 1 : 0;
              if (sampleValue(now, "payload_operator_condition", labels) !== expected)
                mismatches.push(`${JSON.stringify(labels)} != ${expected}`);
            }
          }
          return items.length >= 8 && mismatches.length === 0 ? true : undefined;
        },
        "payload_operator_condition to match every PayloadBuild's conditions",
        15_000,
      );
      expect(
        value("payload_operator_condition", {
          kind: "PayloadBuild",
          namespace: readyNamespace,
          type: "Ready",
        }),
      ).toBe(1);
    });
  });
}
