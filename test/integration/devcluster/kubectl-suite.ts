/**
 * kubectl 1.32 against the dev cluster, as a subprocess with a kubeconfig written by the cluster:
 * apply, get with printer columns, explain, describe, wait for a condition, get -w, delete.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../support/wait-for.js";
import { devClusterOf, ROOT, startFixture, type ClusterFixture, type ServerKind } from "./cluster-fixture.js";

const run = promisify(execFile);
const SAMPLE = "config/samples/payloadbuild.yaml";
const NS = "okd-build";
const NAME = "okd-scos-4-17";

/** Defines this file's tests against the server `server`. */
export function kubectlSuite(server: ServerKind): void {
  let f: ClusterFixture;
  let work: string;
  beforeAll(async () => {
    f = await startFixture(server);
    work = await mkdtemp(join(tmpdir(), "devcluster-kubectl-"));
    await writeFile(join(work, "ns.yaml"), `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${NS}\n`);
  }, 60_000);
  afterAll(async () => {
    await f?.stop();
    await rm(work, { recursive: true, force: true });
  });

  function args(list: string[]): string[] {
    return ["--kubeconfig", f.kubeconfigPath, "--cache-dir", join(work, "cache"), ...list];
  }

  async function kubectl(...list: string[]): Promise<string> {
    const { stdout } = await run("kubectl", args(list), { cwd: ROOT, timeout: 30_000 });
    return stdout;
  }

  async function kubectlFails(...list: string[]): Promise<string> {
    try {
      await run("kubectl", args(list), { cwd: ROOT, timeout: 30_000 });
    } catch (e) {
      return String((e as { stderr?: string }).stderr ?? "");
    }
    throw new Error(`kubectl ${list.join(" ")} succeeded but was expected to fail`);
  }

  async function setReady(status: "True" | "False"): Promise<void> {
    const api = f.kubeConfig.makeApiClient(CustomObjectsApi);
    await api.patchNamespacedCustomObjectStatus(
      {
        group: "payload.okd.io",
        version: "v1alpha1",
        namespace: NS,
        plural: "payloadbuilds",
        name: NAME,
        body: {
          status: {
            observedGeneration: 1,
            phase: status === "True" ? "Succeeded" : "Building",
            conditions: [
              {
                type: "Ready",
                status,
                reason: "Test",
                message: "set by the test",
                lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
                observedGeneration: 1,
              },
            ],
          },
        },
      },
      setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
    );
  }

  describe("kubectl", () => {
    it("applies the samples, prints the CRD's printer columns, explains and describes", async () => {
      expect(await kubectl("apply", "-f", join(work, "ns.yaml"))).toContain(`namespace/${NS} created`);
      expect(await kubectl("apply", "-f", SAMPLE)).toContain(`payloadbuild.payload.okd.io/${NAME} created`);
      expect(
        await kubectl(
          "apply",
          "-f",
          "crds/payloadbuilds.payload.okd.io.yaml",
          "-f",
          "crds/releasestreams.payload.okd.io.yaml",
        ),
      ).toMatch(
        /customresourcedefinition.apiextensions.k8s.io\/payloadbuilds.payload.okd.io (unchanged|configured)/,
      );

      const table = await kubectl("get", "payloadbuilds", "-n", NS);
      const [header, row] = table.trim().split("\n");
      expect(header?.split(/\s+/)).toEqual(["NAME", "PHASE", "LANDED", "TOTAL", "RELEASE", "AGE"]);
      expect(row).toMatch(new RegExp(`^${NAME}\\s+4\\.17\\.0-0\\.okd-scos-2026-11-21-120000\\s+\\d+s$`));
      expect(await kubectl("get", "pb", "-A", "-o", "name")).toBe(`payloadbuild.payload.okd.io/${NAME}\n`);

      const explained = await kubectl("explain", "payloadbuild.spec.components");
      expect(explained).toContain("KIND:       PayloadBuild");
      expect(explained).toContain("FIELD: components <[]Object>");

      const described = await kubectl("describe", "payloadbuild", NAME, "-n", NS);
      expect(described).toMatch(/^Name:\s+okd-scos-4-17$/m);
      expect(described).toContain("Kind:         PayloadBuild");
    });

    it("rejects unknown fields with its default strict validation, showing the server's message", async () => {
      await writeFile(
        join(work, "bad.yaml"),
        `apiVersion: payload.okd.io/v1alpha1\nkind: PayloadBuild\nmetadata:\n  name: bad\n  namespace: ${NS}\nspec:\n  imageStream: release\n  bogus: 1\n  components:\n  - name: base\n    image: quay.io/x/y:1\n`,
      );
      expect(await kubectlFails("apply", "-f", join(work, "bad.yaml"))).toContain(
        'unknown field "spec.bogus"',
      );
      await writeFile(
        join(work, "invalid.yaml"),
        `apiVersion: payload.okd.io/v1alpha1\nkind: PayloadBuild\nmetadata:\n  name: invalid\n  namespace: ${NS}\nspec:\n  imageStream: release\n`,
      );
      expect(await kubectlFails("apply", "-f", join(work, "invalid.yaml"))).toContain(
        "spec.components: Required value",
      );
    });

    it("waits for a condition set through /status and streams changes with get -w", async () => {
      const watcher = spawn(
        "kubectl",
        args(["get", "payloadbuild", NAME, "-n", NS, "-w", "--output-watch-events"]),
      );
      let watched = "";
      watcher.stdout.on("data", (d: Buffer) => (watched += d.toString()));
      const waiter = run(
        "kubectl",
        args(["wait", "--for=condition=Ready", `payloadbuild/${NAME}`, "-n", NS, "--timeout=20s"]),
        { cwd: ROOT, timeout: 30_000 },
      );
      try {
        await eventually(() => watched.includes(NAME), "kubectl get -w to print the object", 15_000);
        await setReady("True");
        expect((await waiter).stdout).toContain(`payloadbuild.payload.okd.io/${NAME} condition met`);
        await eventually(
          () => watched.includes("Succeeded"),
          "kubectl get -w to print the new phase",
          15_000,
        );
        expect(watched).toMatch(/MODIFIED\s+okd-scos-4-17\s+Succeeded/);
      } finally {
        watcher.kill();
      }
    });

    it("creates built-in objects with kubectl's typed generators (protobuf request bodies)", async () => {
      expect(await kubectl("create", "namespace", "generated")).toContain("namespace/generated created");
      expect(
        await kubectl("create", "configmap", "settings", "-n", "generated", "--from-literal=a=b"),
      ).toContain("configmap/settings created");
      expect(
        await kubectl("create", "secret", "generic", "creds", "-n", "generated", "--from-literal=token=t0k"),
      ).toContain("secret/creds created");
      expect(
        await kubectl("create", "job", "once", "-n", "generated", "--image=busybox", "--", "echo", "hi"),
      ).toContain("job.batch/once created");
      expect(
        JSON.parse(
          await kubectl("get", "configmap", "settings", "-n", "generated", "-o", "jsonpath={.data}"),
        ),
      ).toEqual({ a: "b" });
      expect(await kubectl("get", "secret", "creds", "-n", "generated", "-o", "jsonpath={.data.token}")).toBe(
        Buffer.from("t0k").toString("base64"),
      );
      expect(
        JSON.parse(
          await kubectl(
            "get",
            "job",
            "once",
            "-n",
            "generated",
            "-o",
            "jsonpath={.spec.template.spec.containers[0]}",
          ),
        ),
      ).toEqual({
        name: "once",
        image: "busybox",
        command: ["echo", "hi"],
        resources: {},
        imagePullPolicy: "Always",
        terminationMessagePath: "/dev/termination-log",
        terminationMessagePolicy: "File",
      });
      expect(await kubectl("delete", "namespace", "generated")).toContain('namespace "generated" deleted');
    });

    it("deletes, waiting until the object is gone", async () => {
      expect(await kubectl("delete", "payloadbuild", NAME, "-n", NS)).toContain(
        `payloadbuild.payload.okd.io "${NAME}" deleted`,
      );
      expect(await kubectlFails("get", "payloadbuild", NAME, "-n", NS)).toContain(
        `payloadbuilds.payload.okd.io "${NAME}" not found`,
      );
    });

    // The dev cluster's own audit ring buffer (kube-apiserver's audit log is a file, see control-plane.ts).
    it.runIf(server === "dev")("records kubectl's requests in the dev cluster's audit log", () => {
      const agents = new Set(
        devClusterOf(f)
          .audit.entries()
          .map((e) => e.userAgent.split("/")[0]),
      );
      expect(agents).toContain("kubectl");
    });
  });
}
