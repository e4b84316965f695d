/**
 * The generated RBAC against what the operator really does: the operator process runs a scenario
 * that exercises every API call it makes (openshift and shipwright backends, a prebuilt component,
 * a push Secret, a component removed mid-build, leader election), and the API server's audit log
 * of its requests (the dev cluster's, or the real kube-apiserver's) is compared with `config/rbac/role.yaml` and `leader_election_role.yaml`: every
 * (verb, group, resource/subresource) used must be granted, and everything granted must be used,
 * except a short allowlist of permissions these scenarios cannot exercise, each with its reason.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import { installOkdPayloadStrategy } from "../support/shipwright-strategies.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { SECRETS } from "../../src/kube/resource.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { IMAGE_STREAMS } from "../../src/builds/build-resources.js";
import { RELEASE_STREAMS } from "../../src/release-stream/release-stream-objects.js";
import {
  CENTOS,
  ROOT,
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

const NAME = "okd";
const RELEASE = "4.17.0-0.okd-rbac-2026-11-21-140000";

/**
 * Granted, never called: admission checks them on the operator's behalf. On the real control plane
 * `rbac-refusals.real.e2e.test.ts` proves each is needed (without it the API refuses the
 * operator's writes); the dev cluster enforces neither admission.
 */
export const ADMISSION_CHECKED = [
  // OwnerReferencesPermissionEnforcement: children with blockOwnerDeletion owner references.
  "update payload.okd.io/payloadbuilds/finalizers",
  // OpenShift's BuildByStrategy: Docker-strategy Builds.
  "create build.openshift.io/builds/docker",
  // OwnerReferencesPermissionEnforcement: a ReleaseStream's ImageStreams and Jobs.
  "update payload.okd.io/releasestreams/finalizers",
  // OpenShift's integrated registry: its access review for a pull with the operator's token
  // (integrated-registry-auth.real.e2e.test.ts proves it needed).
  "get image.openshift.io/imagestreams/layers",
  // OpenShift's integrated registry: its access review for a push with the operator's token (the
  // image index of a multi-arch component).
  "update image.openshift.io/imagestreams/layers",
];

/** Granted but not exercised here, each for a documented reason. */
const ALLOWED_UNUSED = new Set([
  // An outdated BuildRun is deleted only after a spec change under the shipwright backend
  // (the openshift backend's deletes are exercised below).
  "delete shipwright.io/buildruns",
  // Patching an Event happens only when the very same Event recurs (its series count).
  "patch events.k8s.io/events",
  // A ReleaseStream with a payloadBuild source creates a PayloadBuild per scheduled run (a cron
  // minute at the earliest) and deletes it with its release: covered by the decide step's scenario
  // tests, too slow for this scenario.
  "create payload.okd.io/payloadbuilds",
  "delete payload.okd.io/payloadbuilds",
  ...ADMISSION_CHECKED,
]);

/** Defines this file's tests on the control plane `plane`. */
export function rbacSuite(plane: ControlPlaneKind): void {
  let env: E2eEnvironment;
  let operator: OperatorProcess;

  beforeAll(async () => {
    env = await startE2eEnvironment({
      speed: 20,
      plane,
      profile: {
        components: { "cluster-version-operator": { operator: true }, slow: { durationMs: 200_000 } },
      },
    });
    await installOkdPayloadStrategy(env.client); // as a cluster admin would, for the shipwright scenario
    operator = await env.startOperator(["--leader-elect"]);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  function payloadBuild(namespace: string, spec: Record<string, unknown>) {
    return {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: NAME, namespace },
      spec: {
        imageStream: "release",
        release: { name: RELEASE, to: `docker://${env.dockerRegistry.host}/${namespace}/release` },
        ...spec,
      },
    };
  }

  /**
   * A ReleaseStream over an input importing the landed tags of `source`: two releases, each verified by
   * a Job; retention (keepAccepted 1) deletes the first one's pinned ImageStream and Job.
   */
  async function releaseStreamScenario(ns: string, source: string): Promise<void> {
    const landed = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: source });
    const tags = (landed.status?.tags ?? []).flatMap((t) => {
      const ref = t.items?.[0]?.dockerImageReference;
      return ref === undefined ? [] : [{ name: t.tag, from: { kind: "DockerImage", name: ref } }];
    });
    await env.client.create(IMAGE_STREAMS, {
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: { name: "stream-input", namespace: ns },
      spec: { tags },
    });
    const verify = [
      {
        name: "smoke",
        jobTemplate: {
          spec: {
            template: {
              spec: {
                restartPolicy: "Never",
                containers: [{ name: "smoke", image: "quay.io/okd/cli:4.17" }],
              },
            },
          },
        },
      },
    ];
    await env.client.create(RELEASE_STREAMS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "ReleaseStream",
      metadata: { name: "stream", namespace: ns },
      spec: {
        name: "4.17.0-0.okd-rbac",
        source: { imageStream: "stream-input" },
        to: `docker://${env.dockerRegistry.host}/${ns}/stream`,
        retention: { keepAccepted: 1 },
        verify,
      },
    });
    await waitFor(
      async () => {
        const status = (await env.client.get(RELEASE_STREAMS, { namespace: ns, name: "stream" }))[
          "status"
        ] as { latestAccepted?: string } | undefined;
        return status?.latestAccepted;
      },
      "the stream's first release accepted",
      60_000,
    );
    const first = (
      (await env.client.get(RELEASE_STREAMS, { namespace: ns, name: "stream" }))["status"] as {
        latestAccepted: string;
      }
    ).latestAccepted;
    await new Promise((r) => setTimeout(r, 1100)); // release names have a one-second resolution
    const one = tags[0];
    await env.client.patch(
      IMAGE_STREAMS,
      { namespace: ns, name: "stream-input" },
      {
        type: "json",
        operations: [{ op: "add", path: "/spec/tags/-", value: { name: "extra", from: one?.from } }],
      },
    );
    await waitFor(
      async () => {
        const status = (await env.client.get(RELEASE_STREAMS, { namespace: ns, name: "stream" }))[
          "status"
        ] as { latestAccepted?: string; releases?: unknown[] } | undefined;
        return status?.latestAccepted !== undefined &&
          status.latestAccepted !== first &&
          status.releases?.length === 1
          ? true
          : undefined;
      },
      "the stream's second release accepted and the first removed",
      60_000,
    );
  }

  async function openShiftScenario(): Promise<void> {
    const ns = await createNamespace(env.client, "rbac-openshift");
    const where = { namespace: ns, name: NAME };
    await env.client.create(SECRETS, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "release-push", namespace: ns },
      type: "kubernetes.io/dockerconfigjson",
      data: { ".dockerconfigjson": Buffer.from(JSON.stringify({ auths: {} })).toString("base64") },
    });
    const components = [
      component("base", CENTOS),
      component("slow", "base"),
      component("cluster-version-operator", "base"),
      { name: "pod", image: "quay.io/openshift/origin-pod:4.17" },
    ];
    const release = {
      name: RELEASE,
      to: `docker://${env.dockerRegistry.host}/${ns}/release`,
      pushSecret: { name: "release-push" },
    };
    await env.client.create(PAYLOAD_BUILDS, payloadBuild(ns, { components, release }));
    await waitForStatus(env, operator, where, "slow building", (s) =>
      (s.components ?? []).some((c) => c.name === "slow" && c.state === "Building"),
    );
    const spec = payloadBuild(ns, {
      components: components.filter((c) => c["name"] !== "slow"),
      release,
    }).spec;
    await replaceSpec(env.client, where, spec);
    await waitForStatus(
      env,
      operator,
      where,
      "Ready=True for generation 2",
      (s) => hasCondition(s, "Ready", "True") && s.observedGeneration === 2,
    );
    await releaseStreamScenario(ns, "release");
  }

  async function shipwrightScenario(): Promise<void> {
    const ns = await createNamespace(env.client, "rbac-shipwright");
    await env.client.create(
      PAYLOAD_BUILDS,
      payloadBuild(ns, {
        backend: "shipwright",
        components: [component("base", CENTOS), component("cluster-version-operator", "base")],
      }),
    );
    await waitForStatus(env, operator, { namespace: ns, name: NAME }, "Ready=True", (s) =>
      hasCondition(s, "Ready", "True"),
    );
  }

  interface Rule {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
  }

  async function granted(): Promise<Set<string>> {
    const rulesOf = async (file: string): Promise<Rule[]> =>
      (parse(await readFile(join(ROOT, "config/rbac", file), "utf8")) as { rules: Rule[] }).rules;
    const permissions = new Set<string>();
    for (const rule of [...(await rulesOf("role.yaml")), ...(await rulesOf("leader_election_role.yaml"))]) {
      for (const group of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs) permissions.add(`${verb} ${group}/${resource}`);
    }
    return permissions;
  }

  it("uses exactly the permissions the generated RBAC grants", async () => {
    await Promise.all([openShiftScenario(), shipwrightScenario()]);
    // Leader election: the Lease is renewed every retry period (2 s) while the operator leads.
    await waitFor(
      async () =>
        (await env.operatorRequests()).some((e) => e.resource === "leases" && e.verb === "update")
          ? true
          : undefined,
      "the operator to renew its Lease",
    );
    expect(env.auditDropped(), "audit entries dropped: some requests would go unchecked").toBe(0);
    const used = new Set<string>();
    for (const entry of await env.operatorRequests()) {
      if (entry.resource === "") continue; // discovery and other non-resource URLs (system:discovery grants them)
      const resource = entry.subresource === "" ? entry.resource : `${entry.resource}/${entry.subresource}`;
      used.add(`${entry.verb} ${entry.group}/${resource}`);
    }
    const rbac = await granted();
    expect([...used].filter((u) => !rbac.has(u)).sort(), "used but not granted").toEqual([]);
    expect(
      [...rbac].filter((g) => !used.has(g) && !ALLOWED_UNUSED.has(g)).sort(),
      "granted but never used",
    ).toEqual([]);
    expect(
      [...ALLOWED_UNUSED].filter((a) => !rbac.has(a)),
      "allowlisted but not granted",
    ).toEqual([]);
  }, 90_000);
}
