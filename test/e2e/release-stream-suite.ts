/**
 * End to end: ReleaseStreams reconciled by the operator process, over input ImageStreams whose tags
 * were built by a PayloadBuild (the simulated build system) and imported by digest; releases pushed
 * to Debian's docker-registry; verification Jobs finished by the simulated job runner. One
 * environment, one operator and one namespace serve every test (each test its own stream and input).
 */
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ReleaseStreamStatusSchema,
  type ReleaseStreamStatus,
  type StreamRelease,
} from "../../src/api/index.js";
import { IMAGE_STREAMS } from "../../src/builds/build-resources.js";
import type { ImageStream } from "../../src/builds/image-stream-schema.js";
import type { OperatorProcess } from "../../src/demo/operator-process.js";
import { PAYLOAD_BUILDS } from "../../src/payload-build/payload-build-controller.js";
import { parseReleaseMetadata } from "../../src/release-image/release-documents.js";
import { verifyReleasePayload } from "../../src/release-image/verify-release-payload.js";
import { JOBS, RELEASE_STREAMS } from "../../src/release-stream/release-stream-objects.js";
import { umociUnpackRelease } from "../integration/release-image/third-party-tools.js";
import { hasRawCondition, recordStatusFixture } from "../support/status-fixtures.js";
import {
  CENTOS,
  component,
  createNamespace,
  startE2eEnvironment,
  waitFor,
  waitForStatus,
  type ControlPlaneKind,
  type E2eEnvironment,
} from "./e2e-harness.js";

const PREFIX = "4.17.0-0.okd-e2e";

/** Defines this file's tests on the control plane `plane`. */
export function releaseStreamSuite(plane: ControlPlaneKind): void {
  let env: E2eEnvironment;
  let operator: OperatorProcess;
  let ns = "";
  let landed: { tag: string; pullspec: string }[] = [];

  beforeAll(async () => {
    env = await startE2eEnvironment({
      speed: 20,
      plane,
      profile: {
        components: {
          "cluster-version-operator": { operator: true },
          "dns-operator": { operator: true, references: ["coredns"] },
        },
      },
    });
    operator = await env.startOperator(["--verify-retry-delay", "0.2"]);
    ns = await createNamespace(env.client, "streams");
    await env.client.create(PAYLOAD_BUILDS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: "okd", namespace: ns },
      spec: {
        imageStream: "release",
        components: [
          component("base", CENTOS),
          component("cluster-version-operator", "base"),
          component("dns-operator", "base"),
          component("coredns", "base"),
        ],
      },
    });
    const status = await waitForStatus(
      env,
      operator,
      { namespace: ns, name: "okd" },
      "every component landed",
      (s) => (s.counts?.landed ?? 0) === 4,
    );
    landed = (status.components ?? []).map((c) => ({ tag: c.name, pullspec: c.image ?? "" }));
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  });

  /** An input ImageStream importing `tags` (default: every landed component) by digest. */
  async function createInput(name: string, tags = landed): Promise<void> {
    await env.client.create(IMAGE_STREAMS, {
      apiVersion: "image.openshift.io/v1",
      kind: "ImageStream",
      metadata: { name, namespace: ns },
      spec: { tags: tags.map((t) => ({ name: t.tag, from: { kind: "DockerImage", name: t.pullspec } })) },
    });
    let last: ImageStream | undefined;
    await waitFor(
      async () => {
        last = await env.client.get(IMAGE_STREAMS, { namespace: ns, name });
        return (last.status?.tags ?? []).filter((t) => (t.items ?? []).length > 0).length === tags.length
          ? last
          : undefined;
      },
      `the tags of ${name} to land`,
      60_000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(last)}`, { cause: err });
    });
  }

  /** Adds spec tag `tag` (importing `pullspec`) to input `name`, in one write. */
  async function addInputTag(name: string, tag: string, pullspec: string): Promise<void> {
    await env.client.patch(
      IMAGE_STREAMS,
      { namespace: ns, name },
      {
        type: "json",
        operations: [
          {
            op: "add",
            path: "/spec/tags/-",
            value: { name: tag, from: { kind: "DockerImage", name: pullspec } },
          },
        ],
      },
    );
  }

  function verification(name: string, container: string, extra: Record<string, unknown> = {}) {
    return {
      name,
      ...extra,
      jobTemplate: {
        spec: {
          backoffLimit: 0,
          template: {
            spec: {
              restartPolicy: "Never",
              containers: [
                { name: container, image: "quay.io/okd/scos-content:4.17-cli", command: ["/bin/true"] },
              ],
            },
          },
        },
      },
    };
  }

  async function createStream(
    name: string,
    input: string,
    spec: Record<string, unknown> = {},
  ): Promise<void> {
    await env.client.create(RELEASE_STREAMS, {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "ReleaseStream",
      metadata: { name, namespace: ns },
      spec: {
        name: `${PREFIX}-${name}`,
        source: { imageStream: input },
        to: `docker://${env.dockerRegistry.host}/${ns}/${name}`,
        ...spec,
      },
    });
  }

  async function streamStatus(name: string): Promise<ReleaseStreamStatus | undefined> {
    const s = await env.client.get(RELEASE_STREAMS, { namespace: ns, name });
    const parsed = ReleaseStreamStatusSchema.safeParse(s["status"] ?? {});
    return parsed.success ? parsed.data : undefined;
  }

  async function waitForStream(
    name: string,
    what: string,
    done: (s: ReleaseStreamStatus) => boolean,
    timeoutMs = 60_000,
  ): Promise<ReleaseStreamStatus> {
    let last: ReleaseStreamStatus | undefined;
    try {
      return await waitFor(
        async () => {
          if (operator.hasExited()) throw new Error("operator exited");
          last = await streamStatus(name);
          return last !== undefined && done(last) ? last : undefined;
        },
        what,
        timeoutMs,
      );
    } catch (err) {
      throw new Error(
        `${String(err)}; last status: ${JSON.stringify(last, null, 1)}\noperator log:\n${await operator.tail(30)}`,
        { cause: err },
      );
    }
  }

  /** The HTTP status of a GET of a release image's manifest (`host/repo@digest`) from the test registry. */
  async function manifestStatus(image: string): Promise<number> {
    const [repository, digest] = image.slice(env.dockerRegistry.host.length + 1).split("@");
    const response = await fetch(
      `${env.dockerRegistry.url}/v2/${repository ?? ""}/manifests/${digest ?? ""}`,
      {
        headers: {
          accept: [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
          ].join(", "),
        },
      },
    );
    await response.body?.cancel();
    return response.status;
  }
  const phases = (s: ReleaseStreamStatus) => (s.releases ?? []).map((r) => r.phase);

  /** Jobs the operator created in the namespace, from the audit log. */
  async function jobCreations(): Promise<number> {
    return (await env.operatorRequests()).filter(
      (e) => e.verb === "create" && e.resource === "jobs" && e.namespace === ns && e.code === 201,
    ).length;
  }

  async function jobsOf(release: StreamRelease) {
    return (await env.client.list(JOBS, { namespace: ns })).items.filter(
      (j) => j.metadata.annotations?.["release.openshift.io/tag"] === release.name,
    );
  }

  describe("ReleaseStream end to end", () => {
    it("cuts exactly one release from landed tags, pushes it, tags it, verifies it to Accepted; an unchanged input cuts none", async () => {
      await createInput("input-one");
      await createStream("one", "input-one", { verify: [verification("smoke", "smoke")] });
      const status = await waitForStream("one", "Accepted", (s) => phases(s).includes("Accepted"));
      await recordStatusFixture(env, "ReleaseStream", { namespace: ns, name: "one" }, "ready", (o) =>
        hasRawCondition(o, "Ready", "True", "LatestAccepted"),
      );
      expect(status.releases).toHaveLength(1);
      const release = status.releases?.[0] as StreamRelease;
      expect(release.name).toMatch(
        new RegExp(`^${PREFIX.replace(/\./g, "\\.")}-one-\\d{4}-\\d{2}-\\d{2}-\\d{6}$`),
      );
      expect(release.image).toBe(`${env.dockerRegistry.host}/${ns}/one@${release.digest ?? ""}`);
      expect(status.latest).toBe(release.name);
      expect(status.latestAccepted).toBe(release.name);
      expect(release.verifications).toEqual([
        expect.objectContaining({ name: "smoke", state: "Succeeded", attempts: 1 }),
      ]);
      expect((status.conditions ?? []).find((c) => c.type === "Ready")?.status).toBe("True");

      // The target ImageStream tag carries release-controller's annotations.
      const target: ImageStream = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "one" });
      const tag = target.spec?.tags?.find((t) => t.name === release.name);
      expect(tag?.annotations).toMatchObject({
        "release.openshift.io/name": `${PREFIX}-one`,
        "release.openshift.io/source": `${ns}/input-one`,
        "release.openshift.io/phase": "Accepted",
        "release.openshift.io/hash": release.inputHash,
        "release.openshift.io/creationTimestamp": release.createdAt,
      });
      expect(tag?.from).toMatchObject({ kind: "DockerImage", name: release.image });
      expect(target.metadata.annotations?.["release.openshift.io/hasReleases"]).toBe("true");

      // The inputs are pinned by digest in a stream-owned ImageStream.
      const pinned: ImageStream = await env.client.get(IMAGE_STREAMS, {
        namespace: ns,
        name: `one-${release.name.slice(`${PREFIX}-one-`.length)}`,
      });
      expect((pinned.spec?.tags ?? []).map((t) => t.from?.name).sort()).toEqual(
        landed.map((l) => l.pullspec).sort(),
      );
      expect(pinned.metadata.ownerReferences?.[0]).toMatchObject({
        kind: "ReleaseStream",
        name: "one",
        controller: true,
      });

      // The release passes the release-image checks.
      const { releaseManifests } = await umociUnpackRelease(env.work, `docker://${release.image ?? ""}`);
      expect(verifyReleasePayload(releaseManifests)).toEqual([]);
      expect(parseReleaseMetadata(releaseManifests.get("release-metadata")?.toString() ?? "").version).toBe(
        release.name,
      );

      // The job got the release in its environment.
      const [job] = await jobsOf(release);
      expect(JSON.stringify(job?.spec)).toContain(
        `"name":"RELEASE_IMAGE_LATEST","value":"${release.image ?? ""}"`,
      );

      // Unchanged input: no second release, no second Job.
      await new Promise((r) => setTimeout(r, 1500));
      expect((await streamStatus("one"))?.releases).toHaveLength(1);
      expect(await jobCreations()).toBe(1);
      expect((await env.client.list(JOBS, { namespace: ns })).items).toHaveLength(1);
    });

    it("rejects after the retries of a required Job fail, ignores an optional failure, and accepts after a person moves it back to Ready", async () => {
      env.jobs.setBehaviour("gate", { failAlways: true, durationMs: 2000, failMessage: "smoke test failed" });
      env.jobs.setBehaviour("informing", { failAlways: true, durationMs: 2000 });
      await createInput("input-two");
      await createStream("two", "input-two", {
        verify: [
          verification("gate", "gate", { maxRetries: 1 }),
          verification("informing", "informing", { optional: true }),
        ],
      });
      const rejected = await waitForStream("two", "Rejected", (s) => phases(s).includes("Rejected"));
      await recordStatusFixture(env, "ReleaseStream", { namespace: ns, name: "two" }, "rejected", (o) =>
        hasRawCondition(o, "Ready", "False", "NoAcceptedRelease"),
      );
      const release = rejected.releases?.[0] as StreamRelease;
      expect(release.reason).toBe("VerificationFailed");
      expect(release.message).toContain("smoke test failed");
      expect(release.verifications?.find((v) => v.name === "gate")).toMatchObject({
        state: "Failed",
        attempts: 2,
      });
      expect((await jobsOf(release)).filter((j) => j.metadata.name.includes("-gate-"))).toHaveLength(2);

      env.jobs.setBehaviour("gate", { durationMs: 2000 });
      await env.client.patch(
        RELEASE_STREAMS,
        { namespace: ns, name: "two" },
        {
          type: "merge",
          body: { metadata: { annotations: { "payload.okd.io/retry": release.name } } },
        },
      );
      const accepted = await waitForStream("two", "Accepted after the retry", (s) =>
        phases(s).includes("Accepted"),
      );
      expect(accepted.releases?.[0]).toMatchObject({ name: release.name, phase: "Accepted", round: 2 });
      expect(accepted.releases?.[0]?.verifications?.find((v) => v.name === "gate")).toMatchObject({
        state: "Succeeded",
      });
      expect(accepted.releases).toHaveLength(1);
    });

    it("holds a new release back while maxUnready releases are being verified", async () => {
      env.jobs.setBehaviour("hold", { durationMs: 100_000 });
      await createInput("input-three");
      await createStream("three", "input-three", { maxUnready: 1, verify: [verification("hold", "hold")] });
      await waitForStream("three", "first release Ready", (s) => phases(s).join() === "Ready");
      await recordStatusFixture(env, "ReleaseStream", { namespace: ns, name: "three" }, "progressing", (o) =>
        hasRawCondition(o, "Progressing", "True", "Verifying"),
      );
      const extra = landed[0] as { tag: string; pullspec: string };
      await addInputTag("input-three", "extra", extra.pullspec);
      await new Promise((r) => setTimeout(r, 1500));
      expect(phases((await streamStatus("three")) ?? {})).toEqual(["Ready"]);
      const both = await waitForStream(
        "three",
        "a second release after the first is accepted",
        (s) => phases(s).length === 2,
      );
      expect(phases(both)[1]).toBe("Accepted");
    });

    it("SIGKILLed and restarted mid-verification, the operator neither cuts a second release nor runs a Job twice", async () => {
      env.jobs.setBehaviour("long", { durationMs: 100_000 });
      await createInput("input-five");
      const jobsBefore = await jobCreations();
      const creates = async (resource: string) =>
        (await env.operatorRequests()).filter(
          (e) => e.verb === "create" && e.resource === resource && e.namespace === ns && e.code === 201,
        ).length;
      const streamsBefore = await creates("imagestreams");
      await createStream("five", "input-five", { verify: [verification("long", "long")] });
      await waitForStream("five", "the release being verified", (s) =>
        (s.releases?.[0]?.verifications ?? []).some((v) => v.state === "Running"),
      );
      expect(await operator.kill("SIGKILL")).toBe("SIGKILL");
      operator = await env.startOperator(["--verify-retry-delay", "0.2"]);
      const accepted = await waitForStream("five", "Accepted after the restart", (s) =>
        phases(s).includes("Accepted"),
      );
      expect(accepted.releases).toHaveLength(1);
      expect(accepted.releases?.[0]?.verifications).toEqual([
        expect.objectContaining({ name: "long", state: "Succeeded", attempts: 1 }),
      ]);
      await new Promise((r) => setTimeout(r, 1000));
      expect((await streamStatus("five"))?.releases).toHaveLength(1);
      expect((await jobCreations()) - jobsBefore).toBe(1);
      expect((await creates("imagestreams")) - streamsBefore).toBe(2); // the target and one pinned stream
    });

    it("retention removes exactly the releases it should and keeps the annotated one", async () => {
      await createInput("input-four");
      await createStream("four", "input-four", { retention: { keepAccepted: 1 } });
      const first = await waitForStream("four", "first Accepted", (s) => phases(s).join() === "Accepted");
      const keepName = first.releases?.[0]?.name ?? "";
      // A person marks the first release keep on its tag, as with release-controller.
      const target: ImageStream = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "four" });
      const index = (target.spec?.tags ?? []).findIndex((t) => t.name === keepName);
      await env.client.patch(
        IMAGE_STREAMS,
        { namespace: ns, name: "four" },
        {
          type: "json",
          operations: [
            { op: "test", path: `/spec/tags/${index}/name`, value: keepName },
            { op: "add", path: `/spec/tags/${index}/annotations/release.openshift.io~1keep`, value: "true" },
          ],
        },
      );
      const extra = landed[0] as { tag: string; pullspec: string };
      await new Promise((r) => setTimeout(r, 1100)); // release names have a one-second resolution
      await addInputTag("input-four", "extra-a", extra.pullspec);
      const second = await waitForStream(
        "four",
        "second Accepted",
        (s) => phases(s).join() === "Accepted,Accepted",
      );
      const removedName = second.releases?.[0]?.name ?? "";
      // Upgrade edges: the new release may upgrade from the accepted one before it.
      expect(second.releases?.[0]?.previous).toEqual([keepName]);
      const { releaseManifests } = await umociUnpackRelease(
        env.work,
        `docker://${second.releases?.[0]?.image ?? ""}`,
      );
      const metadata = parseReleaseMetadata(releaseManifests.get("release-metadata")?.toString() ?? "");
      expect(metadata.previous).toEqual([keepName]);
      await new Promise((r) => setTimeout(r, 1100));
      await addInputTag("input-four", "extra-b", extra.pullspec);
      const third = await waitForStream(
        "four",
        "third release Accepted and the second removed",
        (s) =>
          (s.releases ?? []).length === 2 &&
          s.releases?.[0]?.name !== removedName &&
          phases(s).join() === "Accepted,Accepted",
      );
      expect(third.releases?.map((r) => r.name)).toEqual([third.latest, keepName]);
      await waitFor(async () => {
        const t: ImageStream = await env.client.get(IMAGE_STREAMS, { namespace: ns, name: "four" });
        const names = (t.spec?.tags ?? []).map((x) => x.name).sort();
        return names.join() === [keepName, third.latest].sort().join() ? names : undefined;
      }, "the removed release's tag to go");
      const pinned = (await env.client.list(IMAGE_STREAMS, { namespace: ns })).items
        .filter(
          (s) => s.metadata.ownerReferences?.some((o) => o.name === "four") && s.metadata.name !== "four",
        )
        .map((s) => s.metadata.annotations?.["release.openshift.io/releaseTag"])
        .sort();
      expect(pinned).toEqual([keepName, third.latest].sort());
      // Without spec.retention.deleteImages the removed release's image stays in the registry.
      const removedImage = second.releases?.[0]?.image ?? "";
      expect(removedImage).toMatch(/@sha256:[0-9a-f]{64}$/);
      expect(await manifestStatus(removedImage)).toBe(200);
    });

    it("with spec.retention.deleteImages, removing a release deletes its image's manifest from the registry", async () => {
      await createInput("input-six");
      await createStream("six", "input-six", { retention: { keepAccepted: 1, deleteImages: true } });
      const first = await waitForStream("six", "first Accepted", (s) => phases(s).join() === "Accepted");
      const firstImage = first.releases?.[0]?.image ?? "";
      expect(await manifestStatus(firstImage)).toBe(200);
      const extra = landed[0] as { tag: string; pullspec: string };
      await new Promise((r) => setTimeout(r, 1100)); // release names have a one-second resolution
      await addInputTag("input-six", "extra-a", extra.pullspec);
      const second = await waitForStream(
        "six",
        "second Accepted and the first removed",
        (s) => phases(s).join() === "Accepted" && s.releases?.[0]?.name !== first.releases?.[0]?.name,
      );
      await waitFor(
        async () => ((await manifestStatus(firstImage)) === 404 ? true : undefined),
        `the removed release's manifest ${firstImage} to be deleted from the registry`,
      );
      expect(await manifestStatus(second.releases?.[0]?.image ?? "")).toBe(200);
      const skopeo = await new Promise<number | null>((done) =>
        execFile("skopeo", ["inspect", "--tls-verify=false", `docker://${firstImage}`], (error) =>
          done(error === null ? 0 : typeof error.code === "number" ? error.code : 1),
        ),
      );
      expect(skopeo).not.toBe(0);
    });

    it("a stream whose input ImageStream is missing is Degraded=True InputNotFound naming it; an impossible schedule is Ready=False InvalidSpec naming spec.schedule", async () => {
      await createStream("orphan", "input-missing");
      const orphan = await waitForStream("orphan", "Degraded=True", (s) =>
        (s.conditions ?? []).some((c) => c.type === "Degraded" && c.status === "True"),
      );
      expect(orphan.conditions?.find((c) => c.type === "Degraded")).toMatchObject({
        reason: "InputNotFound",
        message: `ImageStream ${ns}/input-missing (spec.source.imageStream) not found`,
      });
      await recordStatusFixture(env, "ReleaseStream", { namespace: ns, name: "orphan" }, "degraded", (o) =>
        hasRawCondition(o, "Degraded", "True", "InputNotFound"),
      );

      await env.client.create(RELEASE_STREAMS, {
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "ReleaseStream",
        metadata: { name: "never", namespace: ns },
        spec: {
          name: `${PREFIX}-never`,
          source: {
            payloadBuild: { spec: { imageStream: "never-input", components: [component("base", CENTOS)] } },
          },
          schedule: "61 * * * *",
          to: `docker://${env.dockerRegistry.host}/${ns}/never`,
        },
      });
      const never = await waitForStream("never", "Ready=False InvalidSpec", (s) =>
        (s.conditions ?? []).some((c) => c.type === "Ready" && c.reason === "InvalidSpec"),
      );
      expect(never.conditions?.find((c) => c.type === "Ready")?.message).toContain("spec.schedule");
      await recordStatusFixture(env, "ReleaseStream", { namespace: ns, name: "never" }, "invalid", (o) =>
        hasRawCondition(o, "Ready", "False", "InvalidSpec"),
      );
    });

    it("a scheduled payloadBuild source creates a PayloadBuild at the next minute, owned by the stream, whose release becomes the stream's", async () => {
      await env.client.create(RELEASE_STREAMS, {
        apiVersion: "payload.okd.io/v1alpha1",
        kind: "ReleaseStream",
        metadata: { name: "nightly", namespace: ns },
        spec: {
          name: `${PREFIX}-nightly`,
          source: {
            payloadBuild: {
              spec: {
                imageStream: "nightly-components",
                components: [component("base", CENTOS), component("cluster-version-operator", "base")],
              },
            },
          },
          schedule: "* * * * *",
          timeZone: "Europe/Berlin",
          maxUnready: 1,
          to: `docker://${env.dockerRegistry.host}/${ns}/nightly`,
          verify: [verification("smoke", "smoke")],
        },
      });
      const status = await waitForStream(
        "nightly",
        "the first scheduled run's release Accepted",
        (s) => (s.releases ?? []).some((r) => r.phase === "Accepted"),
        150_000,
      );
      const accepted = (status.releases ?? []).find((r) => r.phase === "Accepted");
      expect(status.lastScheduleTime).toMatch(/:00Z$/);
      expect(accepted?.payloadBuild).toBeDefined();
      const pb = await env.client.get(PAYLOAD_BUILDS, { namespace: ns, name: accepted?.payloadBuild ?? "" });
      expect(pb.metadata.ownerReferences?.[0]).toMatchObject({ kind: "ReleaseStream", name: "nightly" });
      const pbRelease = (pb["status"] as { release?: { name?: string; digest?: string } } | undefined)
        ?.release;
      expect(pbRelease?.name).toBe(accepted?.name);
      expect(accepted?.digest).toBe(pbRelease?.digest);
      expect(accepted?.name).toMatch(
        new RegExp(`^${PREFIX.replace(/\./g, "\\.")}-nightly-\\d{4}-\\d{2}-\\d{2}-\\d{6}$`),
      );
    }, 200_000);
  });
}
