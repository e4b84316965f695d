/**
 * The demo's ReleaseStream step: applies `config/samples/releasestream.yaml` over the ImageStream the
 * PayloadBuild filled (destination and push Secret adjusted to the demo's registry), waits for its
 * first release to be Accepted (cut, assembled, pushed, verified by the simulated job runner), and
 * returns the `payloadctl releases` table.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { ReleaseStreamStatusSchema, type ReleaseStreamStatus } from "../api/index.js";
import { renderReleases } from "../cli/releases-command.js";
import type { KubeClient } from "../kube/kube-client.js";
import { RELEASE_STREAMS } from "../release-stream/release-stream-objects.js";
import { DemoError } from "./demo-error.js";
import type { OperatorProcess } from "./operator-process.js";

/** The sample ReleaseStream. */
export const STREAM_SAMPLE = "config/samples/releasestream.yaml";

const streamSampleSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().min(1) }),
  spec: z.looseObject({ name: z.string().min(1) }),
});

/** What the step needs. */
export interface ReleaseStreamStep {
  readonly root: string;
  readonly client: KubeClient;
  readonly operator: OperatorProcess;
  /** `docker://host/repo` the stream's releases go to. */
  readonly to: string;
  /** The namespace of the PayloadBuild (the stream's input ImageStream lives there). */
  readonly namespace: string;
  /** The push Secret that exists in that namespace, if any. */
  readonly pushSecret?: string;
  readonly timeoutMs: number;
  readonly say: (text: string) => void;
  readonly tty: boolean;
}

/** Runs the step; resolves to the accepted release's name and the table. */
export async function followReleaseStream(
  step: ReleaseStreamStep,
): Promise<{ stream: string; accepted: string; table: string }> {
  const parsed = streamSampleSchema.safeParse(parse(await readFile(join(step.root, STREAM_SAMPLE), "utf8")));
  if (!parsed.success)
    throw new DemoError(`${STREAM_SAMPLE}: expected a ReleaseStream: ${parsed.error.message}`);
  const sample = parsed.data;
  const { pushSecret: _ignored, ...spec } = sample.spec;
  const name = sample.metadata.name;
  await step.client.create(RELEASE_STREAMS, {
    ...sample,
    metadata: { ...sample.metadata, namespace: step.namespace },
    spec: {
      ...spec,
      to: step.to,
      ...(step.pushSecret === undefined ? {} : { pushSecret: { name: step.pushSecret } }),
    },
  });
  step.say(
    `applied ${STREAM_SAMPLE}: ReleaseStream ${step.namespace}/${name} (releases ${sample.spec.name}-YYYY-MM-DD-HHMMSS -> ${step.to})`,
  );
  const deadline = Date.now() + step.timeoutMs;
  let last: ReleaseStreamStatus;
  let shown = "";
  for (;;) {
    const stream = await step.client.get(RELEASE_STREAMS, { namespace: step.namespace, name });
    const status = ReleaseStreamStatusSchema.safeParse(stream["status"] ?? {});
    last = status.success ? status.data : {};
    const newest = last.releases?.[0];
    const line = newest === undefined ? "" : `  ${newest.name}: ${newest.phase}`;
    if (line !== "" && line !== shown) step.say(line);
    shown = line;
    if (newest?.phase === "Accepted")
      return {
        stream: name,
        accepted: newest.name,
        table: renderReleases(stream, last, { tty: step.tty, nowMs: Date.now() }),
      };
    if (newest?.phase === "Rejected" || newest?.phase === "Failed")
      throw new DemoError(
        `release ${newest.name} is ${newest.phase}: ${newest.reason ?? ""} ${newest.message ?? ""}`,
      );
    if (step.operator.hasExited() || Date.now() > deadline)
      throw new DemoError(
        `the ReleaseStream's first release was not accepted in time; status: ${JSON.stringify(last)}`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}
