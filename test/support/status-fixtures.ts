/**
 * Records PayloadBuild and ReleaseStream objects, as the API server returns them, at interesting
 * moments of the end-to-end suites (progressing, ready, degraded, invalid), for the Argo CD health
 * check tests (`test/argocd/`). Off unless `RECORD_STATUS_FIXTURES=DIR` is set; then each call waits
 * until the object satisfies its predicate and writes `DIR/<Kind>/<moment>.<plane>.json`.
 *
 * ```sh
 * RECORD_STATUS_FIXTURES=$PWD/test/argocd/fixtures npx vitest run test/e2e/operator.e2e.test.ts test/e2e/release-stream.e2e.test.ts
 * ```
 */
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { waitFor } from "./wait-for.js";

const run = promisify(execFile);

/** The kinds recorded, with their kubectl resource names. */
const RESOURCES = {
  PayloadBuild: "payloadbuilds.payload.okd.io",
  ReleaseStream: "releasestreams.payload.okd.io",
} as const;

/** A kind whose objects can be recorded. */
export type RecordedKind = keyof typeof RESOURCES;

/** A raw object as `kubectl get -o json` prints it. */
export type RawObject = {
  metadata?: Record<string, unknown>;
  status?: { conditions?: { type?: string; status?: string; reason?: string }[] } & Record<string, unknown>;
} & Record<string, unknown>;

/** The directory fixtures are recorded to, or undefined when recording is off. */
export function recordingDirectory(): string | undefined {
  const dir = process.env["RECORD_STATUS_FIXTURES"];
  return dir === undefined || dir === "" ? undefined : dir;
}

/** True when `object` has condition `type` with `status` (and, if given, `reason`). */
export function hasRawCondition(object: RawObject, type: string, status: string, reason?: string): boolean {
  return (object.status?.conditions ?? []).some(
    (c) => c.type === type && c.status === status && (reason === undefined || c.reason === reason),
  );
}

/** The object without the fields that only say where and when it was stored. */
function withoutServerNoise(object: RawObject): RawObject {
  const metadata = { ...object.metadata };
  for (const field of ["managedFields", "uid", "resourceVersion", "selfLink"]) delete metadata[field];
  return { ...object, metadata };
}

/**
 * With recording on: waits (up to `timeoutMs`) until object `where` of `kind` satisfies `when`, then
 * writes it as fixture `<kind>/<moment>.<plane>.json`. Does nothing when recording is off.
 */
export async function recordStatusFixture(
  env: { readonly kubeconfigPath: string; readonly plane: string },
  kind: RecordedKind,
  where: { readonly namespace: string; readonly name: string },
  moment: string,
  when: (object: RawObject) => boolean,
  timeoutMs = 60_000,
): Promise<void> {
  const dir = recordingDirectory();
  if (dir === undefined) return;
  const object = await waitFor(
    async () => {
      const { stdout } = await run("kubectl", [
        "--kubeconfig",
        env.kubeconfigPath,
        "get",
        RESOURCES[kind],
        where.name,
        "-n",
        where.namespace,
        "-o",
        "json",
      ]);
      const parsed = JSON.parse(stdout) as RawObject;
      return when(parsed) ? parsed : undefined;
    },
    `${kind} ${where.namespace}/${where.name} to be ${moment} (to record it)`,
    timeoutMs,
    50,
  );
  await mkdir(join(dir, kind), { recursive: true });
  await writeFile(
    join(dir, kind, `${moment}.${env.plane}.json`),
    `${JSON.stringify(withoutServerNoise(object), null, 2)}\n`,
  );
}
