/** Real builds of `file://` sources with buildah, when it is installed and enabled. */
import { mkdtemp, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { BUILDS, type BuildObject } from "../../../src/devcluster/builds/index.js";
import { createNamespace } from "../../support/dev-cluster-fixture.js";
import { describeWithTools } from "../../support/required-tool.js";
import { waitFor } from "../../support/wait-for.js";
import { createImageStream, skopeoInspect, startBuildsHarness, type BuildsHarness } from "./support.js";

describeWithTools(["buildah", "skopeo"])("buildah builds of local sources", () => {
  let h: BuildsHarness;
  let ns: string;
  let src: string;

  beforeAll(async () => {
    h = await startBuildsHarness({}, 20, { buildah: true });
    ns = await createNamespace(h.client, "buildah");
    await createImageStream(h.client, ns, "release");
    src = await mkdtemp(join(tmpdir(), "buildah-src-"));
    await mkdir(join(src, "ok"));
    await writeFile(join(src, "ok", "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n");
    await writeFile(join(src, "ok", "hello.txt"), "hello\n");
    await mkdir(join(src, "broken"));
    await writeFile(join(src, "broken", "Dockerfile"), 'FROM scratch\nRUN ["/bin/false"]\n');
  });

  afterAll(async () => {
    await h.stop();
    await rm(src, { recursive: true, force: true });
  });

  const build = (name: string, contextDir: string) => ({
    apiVersion: "build.openshift.io/v1",
    kind: "Build",
    metadata: { name, namespace: ns },
    spec: {
      source: { git: { uri: pathToFileURL(src).href }, contextDir },
      strategy: {
        dockerStrategy: {
          from: { kind: "DockerImage", name: "quay.io/centos/centos:stream9" },
          dockerfilePath: "Dockerfile",
        },
      },
      output: { to: { kind: "ImageStreamTag", name: `release:${name}` } },
    },
  });

  const finished = (name: string): Promise<BuildObject> =>
    waitFor(
      async () => {
        const b = await h.client.get(BUILDS, { namespace: ns, name });
        return ["Complete", "Failed"].includes(b.status?.phase ?? "") ? b : undefined;
      },
      `build ${name}`,
      50_000,
    );

  it("builds the Dockerfile on the build's base image and pushes it with the build labels", async () => {
    await h.client.create(BUILDS, build("hello", "ok"));
    const done = await finished("hello");
    expect(done.status?.phase, JSON.stringify(done.status)).toBe("Complete");
    const inspected = await skopeoInspect(`${h.registryHost}/${ns}/release:hello`);
    expect(inspected.Layers).toHaveLength(2);
    expect(inspected.Labels?.["io.openshift.build.commit.id"]).toMatch(/^[a-f0-9]{40}$/);
    const landed = (await h.client.get(BUILDS, { namespace: ns, name: "hello" })).status as {
      output?: { to?: { imageDigest?: string } };
    };
    expect(inspected.Digest).toBe(landed.output?.to?.imageDigest);
  });

  it("fails with buildah's output as the log snippet when the Dockerfile does not build", async () => {
    await h.client.create(BUILDS, build("broken", "broken"));
    const done = await finished("broken");
    const status = done.status as Record<string, unknown>;
    expect(done.status?.phase).toBe("Failed");
    expect(status["reason"]).toBe("DockerBuildFailed");
    expect(String(status["logSnippet"])).not.toBe("");
  });
});
