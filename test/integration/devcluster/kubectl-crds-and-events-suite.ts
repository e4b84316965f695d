/**
 * kubectl 1.32 against a server started without our CRDs: `kubectl apply -f crds/` registers our
 * kinds, events written through `events.k8s.io/v1` show in `kubectl get events` and in the Events
 * section of `kubectl describe`, and `kubectl apply -f deploy/install.yaml` (with kubectl's
 * default client-side validation, which downloads the OpenAPI documents) installs the operator.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startFixture, type ClusterFixture, type ServerKind } from "./cluster-fixture.js";

const run = promisify(execFile);
const NS = "okd-build";
const NAME = "okd-scos-4-17";

/** Defines this file's tests against the server `server`. */
export function kubectlCrdsAndEventsSuite(server: ServerKind): void {
  let f: ClusterFixture;
  let work: string;
  beforeAll(async () => {
    f = await startFixture(server, { crds: false });
    work = await mkdtemp(join(tmpdir(), "devcluster-kubectl-events-"));
  }, 60_000);
  afterAll(async () => {
    await f?.stop();
    await rm(work, { recursive: true, force: true });
  });

  async function kubectl(...list: string[]): Promise<string> {
    const args = ["--kubeconfig", f.kubeconfigPath, "--cache-dir", join(work, "cache"), ...list];
    const { stdout } = await run("kubectl", args, { cwd: ROOT, timeout: 30_000 });
    return stdout;
  }

  describe("kubectl with CRDs applied at run time", () => {
    it("registers our kinds with `kubectl apply -f crds/`", async () => {
      const applied = await kubectl("apply", "-f", "crds/");
      expect(applied).toContain(
        "customresourcedefinition.apiextensions.k8s.io/payloadbuilds.payload.okd.io created",
      );
      expect(applied).toContain(
        "customresourcedefinition.apiextensions.k8s.io/releasestreams.payload.okd.io created",
      );
      await kubectl("create", "namespace", NS);
      expect(await kubectl("apply", "-f", "config/samples/payloadbuild.yaml")).toContain(
        `payloadbuild.payload.okd.io/${NAME} created`,
      );
    });

    it("lists an events.k8s.io/v1 event with `kubectl get events` and in `kubectl describe`", async () => {
      const uid = (
        await kubectl("get", "payloadbuild", NAME, "-n", NS, "-o", "jsonpath={.metadata.uid}")
      ).trim();
      expect(uid).not.toBe("");
      const event = [
        "apiVersion: events.k8s.io/v1",
        "kind: Event",
        "metadata:",
        "  name: okd-scos-4-17.landed",
        `  namespace: ${NS}`,
        "eventTime: 2026-11-21T12:00:00.000000Z",
        "reportingController: payload.okd.io/payload-build-controller",
        "reportingInstance: operator-0",
        "action: Assemble",
        "reason: ReleaseAssembled",
        "type: Normal",
        "note: release 4.17.0-0.okd-scos assembled from 14 components",
        "regarding:",
        "  apiVersion: payload.okd.io/v1alpha1",
        "  kind: PayloadBuild",
        `  namespace: ${NS}`,
        `  name: ${NAME}`,
        `  uid: ${uid}`,
        "",
      ].join("\n");
      await writeFile(join(work, "event.yaml"), event);
      expect(await kubectl("create", "-f", join(work, "event.yaml"))).toContain("event.events.k8s.io/");

      const listed = await kubectl("get", "events", "-n", NS);
      expect(listed).toMatch(/ReleaseAssembled/);
      expect(listed).toContain("release 4.17.0-0.okd-scos assembled from 14 components");

      const viaEventsApi = await kubectl("get", "events.v1.events.k8s.io", "-n", NS);
      // The OBJECT column: kube-apiserver prints kind/name, the dev cluster the name (docs/dev-cluster.md).
      expect(viaEventsApi).toMatch(
        /Normal\s+ReleaseAssembled\s+(payloadbuild\/)?okd-scos-4-17\s+release 4\.17/,
      );

      const described = await kubectl("describe", "payloadbuild", NAME, "-n", NS);
      const section = described.slice(described.indexOf("Events:"));
      expect(section).toMatch(/Normal\s+ReleaseAssembled/);
      expect(section).toContain("release 4.17.0-0.okd-scos assembled from 14 components");
    });
  });

  describe("kubectl apply -f deploy/install.yaml", () => {
    const INSTALLED = [
      "namespace/okd-payload-operator-system",
      "customresourcedefinition.apiextensions.k8s.io/payloadbuilds.payload.okd.io",
      "customresourcedefinition.apiextensions.k8s.io/releasestreams.payload.okd.io",
      "serviceaccount/okd-payload-operator-controller-manager",
      "role.rbac.authorization.k8s.io/okd-payload-operator-leader-election-role",
      "clusterrole.rbac.authorization.k8s.io/okd-payload-operator-manager-role",
      "rolebinding.rbac.authorization.k8s.io/okd-payload-operator-leader-election-rolebinding",
      "clusterrolebinding.rbac.authorization.k8s.io/okd-payload-operator-manager-rolebinding",
      "service/okd-payload-operator-controller-manager-metrics-service",
      "deployment.apps/okd-payload-operator-controller-manager",
    ];

    it("installs every object with kubectl's validation on, and a second apply changes nothing", async () => {
      const applied = await kubectl("apply", "-f", "deploy/install.yaml");
      for (const object of INSTALLED)
        expect(applied).toMatch(
          new RegExp(`^${object.replaceAll(".", "\\.")} (created|unchanged|configured)$`, "m"),
        );
      const again = await kubectl("apply", "-f", "deploy/install.yaml");
      expect(again.trim().split("\n")).toEqual(INSTALLED.map((o) => `${o} unchanged`));
    });

    it("gets what it installed and explains payloadbuild.spec", async () => {
      const names = await kubectl("get", "-f", "deploy/install.yaml", "-o", "name");
      expect(names.trim().split("\n")).toEqual(INSTALLED);
      const deployment = await kubectl(
        "get",
        "deployment",
        "okd-payload-operator-controller-manager",
        "-n",
        "okd-payload-operator-system",
        "-o",
        "jsonpath={.spec.template.spec.serviceAccountName}",
      );
      expect(deployment).toBe("okd-payload-operator-controller-manager");
      const explained = await kubectl("explain", "payloadbuild.spec");
      expect(explained).toContain("KIND:       PayloadBuild");
      expect(explained).toContain("FIELD: spec <Object>");
      expect(explained).toMatch(/^ {2}imageStream\t<string> -required-$/m);
    });
  });
}
