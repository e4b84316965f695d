import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assembleCommand } from "../../../src/cli/assemble-command.js";
import type { CliIo } from "../../../src/cli/cli-io.js";
import { releaseInfoCommand } from "../../../src/cli/release-info-command.js";
import { openImageStore } from "../../../src/registry/image-store.js";
import {
  writeSyntheticPayload,
  type SyntheticPayload,
} from "../../../src/release-image/synthetic-payload.js";
import { startDockerRegistry, type RunningDockerRegistry } from "../../support/docker-registry.js";
import { scratch } from "./third-party-tools.js";

const user = { username: "builder", password: "s3cret-pass" };
let secured: RunningDockerRegistry;
let work: { dir: string; cleanup: () => Promise<void> };
let payload: SyntheticPayload;
let authfile: string;
let cafile: string;

function captureIo(): CliIo & { out: () => string; err: () => string; code: () => number } {
  let out = "";
  let err = "";
  let code = 0;
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    readStdin: async () => "",
    setExitCode: (c) => {
      code = c;
    },
    out: () => out,
    err: () => err,
    code: () => code,
  };
}

beforeAll(async () => {
  secured = await startDockerRegistry({ htpasswd: user, tls: true });
  work = await scratch("release-auth-");
  const dockerConfigJson = JSON.stringify({
    auths: { [secured.host]: { username: user.username, password: user.password } },
  });
  authfile = join(work.dir, "auth.json");
  cafile = join(work.dir, "ca.crt");
  await writeFile(authfile, dockerConfigJson);
  await writeFile(cafile, secured.caCert ?? "");
  payload = await writeSyntheticPayload({
    store: openImageStore(`docker://${secured.host}/okd/content`, {
      dockerConfigJson,
      caBundle: secured.caCert ?? "",
    }),
    repository: `${secured.host}/okd/content`,
    components: 5,
    operators: 2,
  });
}, 60_000);

afterAll(async () => {
  await secured?.stop();
  await work?.cleanup();
});

describe("payloadctl assemble against a registry with htpasswd auth behind TLS with a private CA", () => {
  const args = (...extra: string[]) => [
    ...payload.components.flatMap((c) => ["--from-images", `${c.tag}=${c.pullspec}`]),
    "--name",
    "4.15.0",
    "--to",
    `docker://${secured.host}/okd/release`,
    ...extra,
  ];

  it("pushes with the right credentials and CA, and release-info reads it back", async () => {
    const io = captureIo();
    await assembleCommand(io).parseAsync(args("--authfile", authfile, "--registry-ca", cafile), {
      from: "user",
    });
    const [digest, name] = io.out().trim().split(" ");
    expect(name).toBe("4.15.0");
    expect(io.err()).toContain("found 2 operators: operator-01, operator-02");
    const info = captureIo();
    await releaseInfoCommand(info).parseAsync(
      [`docker://${secured.host}/okd/release:4.15.0`, "--authfile", authfile, "--registry-ca", cafile],
      { from: "user" },
    );
    expect(info.out()).toContain(`Digest:    ${digest}`);
    expect(info.code()).toBe(0);
  });

  it("fails with a clear message without credentials, and without the CA", async () => {
    await expect(
      assembleCommand(captureIo()).parseAsync(args("--registry-ca", cafile), { from: "user" }),
    ).rejects.toThrow(/UNAUTHORIZED|authentication required|credentials/i);
    await expect(
      assembleCommand(captureIo()).parseAsync(args("--authfile", authfile), { from: "user" }),
    ).rejects.toThrow(/TLS|certificate/i);
  });
});
