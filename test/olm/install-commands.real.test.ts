/**
 * The README's "Use with Argo CD" and "Install with OLM" commands, as written, against the real
 * kube-apiserver (built from upstream) serving OLM's own CRDs (from operator-framework/api, copied by
 * `npm run olm-tools:build`) and holding an `argocd-cm` as Argo CD leaves it. Every command of the two
 * sections is either run here or listed in NOT_RUN with the reason. Then: the health checks merged
 * into argocd-cm with its other keys kept; the CatalogSource and Subscription created; the CSV
 * accepted by OLM's CRD; the bundle image that `buildah bud` built, pushed to a local registry, is
 * what `opm render` reads as the catalog's bundle entry.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { startControlPlane, type ControlPlane } from "../support/control-plane.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../support/docker-registry.js";
import { readmeCommands } from "../support/readme-commands.js";
import { CONTROL_PLANE_TOOLS, describeWithTools, locateTool } from "../support/required-tool.js";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "../..");
const OLM_CRDS = join(ROOT, ".tools/olm-crds");
/** prometheus-operator's ServiceMonitor and PrometheusRule CRDs (also copied by `npm run olm-tools:build`). */
const MONITORING_CRDS = join(ROOT, ".tools/monitoring-crds");
const SECTIONS = ["Use with Argo CD", "Install with OLM"];
const BUNDLE_IMAGE = "quay.io/okd/okd-payload-operator-bundle:v0.1.0";

/** Commands of the two sections not run here, by their start, and why. */
const NOT_RUN: readonly (readonly [string, string])[] = [
  ["kubectl apply -f deploy/argocd/application.yaml", "no Argo CD here: its Application CRD is not served"],
  ["buildah push quay.io/", "needs quay.io credentials and the internet"],
  [
    "buildah bud -f deploy/olm/catalog.Dockerfile",
    "FROM quay.io/operator-framework/opm: not reachable here (opm validate/render check the catalog)",
  ],
  ["kubectl get csv", "no OLM runs here to resolve the Subscription and install the CSV"],
];

const notRunReason = (line: string): string | undefined =>
  NOT_RUN.find(([start]) => line.startsWith(start))?.[1];

describeWithTools([...CONTROL_PLANE_TOOLS, "kubectl", "olm-validate", "opm", "buildah", "docker-registry"])(
  "README: Argo CD and OLM commands on the real kube-apiserver",
  () => {
    let plane: ControlPlane;
    let registry: RunningDockerRegistry;
    let work = "";
    let env: NodeJS.ProcessEnv = {};
    const commands = readmeCommands(join(ROOT, "README.md")).filter((c) => SECTIONS.includes(c.section));

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), "install-commands-"));
      for (const dir of [OLM_CRDS, MONITORING_CRDS])
        if (!existsSync(dir)) throw new Error(`${dir} is missing: run npm run olm-tools:build`);
      plane = await startControlPlane({ controllerManager: false, crds: [OLM_CRDS, MONITORING_CRDS] });
      registry = await startDockerRegistry();
      // buildah's storage in the temp dir, chroot isolation (no daemon, no runc), as the image tests do.
      await writeFile(
        join(work, "storage.conf"),
        `[storage]\ndriver = "vfs"\ngraphroot = "${join(work, "storage")}"\nrunroot = "${join(work, "run")}"\n`,
      );
      env = {
        ...process.env,
        KUBECONFIG: plane.adminKubeconfigPath,
        CONTAINERS_STORAGE_CONF: join(work, "storage.conf"),
        BUILDAH_ISOLATION: "chroot",
        PATH: `${join(ROOT, "node_modules/.bin")}:${process.env["PATH"] ?? ""}`,
      };
      // What a cluster with Argo CD and OKD's marketplace has before the commands.
      for (const ns of ["argocd", "openshift-marketplace"])
        await run("kubectl", ["create", "namespace", ns], { env });
      await run(
        "kubectl",
        [
          "create",
          "configmap",
          "argocd-cm",
          "-n",
          "argocd",
          "--from-literal=url=https://argocd.example.com",
          "--from-literal=resource.customizations.health.apps_Deployment=hs = {status='Healthy'} return hs",
        ],
        { env },
      );
    }, 180_000);

    afterAll(async () => {
      await registry?.stop();
      await plane?.stop();
      if (work !== "") await rm(work, { recursive: true, force: true });
    });

    it("every command of the two sections is run here or listed with the reason it is not", () => {
      expect(commands.length).toBeGreaterThanOrEqual(10);
      for (const { line } of commands)
        process.stdout.write(
          `${notRunReason(line) ? `not run (${notRunReason(line) ?? ""})` : "run"}: ${line}\n`,
        );
      for (const [start] of NOT_RUN)
        expect(
          commands.some((c) => c.line.startsWith(start)),
          start,
        ).toBe(true);
    });

    it("the commands run as written and do what the README says", async () => {
      for (const { line } of commands) {
        if (notRunReason(line) !== undefined) continue;
        const result = await run("bash", ["-euo", "pipefail", "-c", line], {
          cwd: ROOT,
          env,
          maxBuffer: 1 << 26,
        }).catch((err: { stdout?: string; stderr?: string }) => {
          throw new Error(`README command failed: ${line}\n${err.stdout ?? ""}${err.stderr ?? ""}`);
        });
        if (line.startsWith(".tools/bin/olm-validate"))
          expect(result.stdout.trim()).toBe(
            '{"bundle":"okd-payload-operator.v0.1.0","errors":0,"summary":true,"warnings":0}',
          );
      }

      // argocd-cm: both health checks, byte for byte the Lua files; Argo CD's own keys kept.
      const { stdout } = await run(
        "kubectl",
        ["get", "configmap", "argocd-cm", "-n", "argocd", "-o", "json"],
        { env },
      );
      const data = (JSON.parse(stdout) as { data: Record<string, string> }).data;
      for (const kind of ["PayloadBuild", "ReleaseStream"])
        expect(data[`resource.customizations.health.payload.okd.io_${kind}`]).toBe(
          await readFile(
            join(ROOT, `deploy/argocd/resource_customizations/payload.okd.io/${kind}/health.lua`),
            "utf8",
          ),
        );
      expect(data["url"]).toBe("https://argocd.example.com");
      expect(data["resource.customizations.health.apps_Deployment"]).toBeDefined();

      // OLM's objects exist as the README applied them.
      const get = async (args: string[]) =>
        JSON.parse((await run("kubectl", ["get", ...args, "-o", "json"], { env })).stdout) as {
          spec: Record<string, unknown>;
        };
      expect(
        (await get(["catalogsource", "okd-payload-operator-catalog", "-n", "openshift-marketplace"])).spec,
      ).toMatchObject({
        sourceType: "grpc",
        image: "quay.io/okd/okd-payload-operator-catalog:latest",
      });
      expect(
        (await get(["subscription", "okd-payload-operator", "-n", "okd-payload-operator-system"])).spec,
      ).toMatchObject({
        channel: "candidate",
        name: "okd-payload-operator",
        source: "okd-payload-operator-catalog",
        sourceNamespace: "openshift-marketplace",
      });
      await get(["operatorgroup", "okd-payload-operator", "-n", "okd-payload-operator-system"]);
    }, 300_000);

    it("OLM's ClusterServiceVersion CRD accepts the CSV (server-side dry run)", async () => {
      const { stdout } = await run(
        "kubectl",
        [
          "apply",
          "--dry-run=server",
          "-n",
          "okd-payload-operator-system",
          "-f",
          "deploy/olm/bundle/manifests/okd-payload-operator.clusterserviceversion.yaml",
        ],
        { cwd: ROOT, env },
      );
      expect(stdout.trim()).toBe(
        "clusterserviceversion.operators.coreos.com/okd-payload-operator.v0.1.0 created (server dry run)",
      );
    });

    it("prometheus-operator's CRDs accept config/prometheus (kubectl apply -k) and the bundle's ServiceMonitor and PrometheusRule", async () => {
      for (const ns of ["okd-payload-operator-system", "bundle-check"])
        await run("kubectl", ["create", "namespace", ns], { env }).catch(() => undefined);
      const applied = await run("kubectl", ["apply", "-k", "config/prometheus"], { cwd: ROOT, env });
      expect(applied.stdout.trim().split("\n").sort()).toEqual([
        "prometheusrule.monitoring.coreos.com/okd-payload-operator-controller-manager-alerts created",
        "servicemonitor.monitoring.coreos.com/okd-payload-operator-controller-manager-metrics-monitor created",
      ]);
      const manifests = "deploy/olm/bundle/manifests";
      const bundle = await run(
        "kubectl",
        [
          "apply",
          "--dry-run=server",
          "-n",
          "bundle-check",
          "-f",
          `${manifests}/okd-payload-operator-controller-manager-alerts_monitoring.coreos.com_v1_prometheusrule.yaml`,
          "-f",
          `${manifests}/okd-payload-operator-controller-manager-metrics-monitor_monitoring.coreos.com_v1_servicemonitor.yaml`,
        ],
        { cwd: ROOT, env },
      );
      expect(bundle.stdout.trim().split("\n").sort()).toEqual([
        "prometheusrule.monitoring.coreos.com/okd-payload-operator-controller-manager-alerts created (server dry run)",
        "servicemonitor.monitoring.coreos.com/okd-payload-operator-controller-manager-metrics-monitor created (server dry run)",
      ]);
    });

    it("opm render reads the bundle image buildah built (pushed to a registry) as the catalog's bundle entry", async () => {
      const pushed = `${registry.host}/okd/okd-payload-operator-bundle:v0.1.0`;
      await run("buildah", ["push", "--tls-verify=false", BUNDLE_IMAGE, `docker://${pushed}`], { env });
      const { stdout } = await run(
        locateTool("opm") ?? "opm",
        ["render", "--use-http", pushed, "-o", "json"],
        {
          env,
          maxBuffer: 1 << 26,
        },
      );
      const rendered = JSON.parse(stdout) as {
        image: string;
        properties: unknown[];
        relatedImages: unknown[];
      };
      const catalog = parseAllDocuments(
        await readFile(join(ROOT, "deploy/olm/catalog/okd-payload-operator/catalog.yaml"), "utf8"),
      )
        .map((d) => d.toJS() as { schema?: string; properties?: unknown[] })
        .find((d) => d.schema === "olm.bundle");
      expect(rendered.image).toBe(pushed);
      expect(rendered.properties).toEqual(catalog?.properties);
      expect(rendered.relatedImages).toEqual([
        { name: "", image: pushed },
        { name: "okd-payload-operator", image: "quay.io/okd/okd-payload-operator:v0.1.0" },
      ]);
    }, 120_000);
  },
);
