/**
 * The ReleaseStream status, computed whole from the releases: the list (newest first, bounded by
 * retention), `latest`, `latestAccepted`, and the conditions `Ready` (an accepted release exists),
 * `Progressing` (a release is Pending or being verified) and `Degraded` (writes refused, the input
 * missing, an assembly failing). Pure.
 */
import {
  formatTimestamp,
  setCondition,
  type Condition,
  type ReleaseStreamStatus,
  type StreamRelease,
} from "../api/index.js";
import type { ImageDeleteStatus } from "../api/index.js";
import type { RefusedWrite } from "../payload-build/refused-writes.js";
import { imageDeletesMessage } from "./image-deletes.js";
import { refusedWritesMessage } from "../payload-build/refused-writes.js";

/** Reasons of the stream's conditions and Events. */
export const ReleaseStreamReason = {
  InvalidSpec: "InvalidSpec",
  LatestAccepted: "LatestAccepted",
  NoAcceptedRelease: "NoAcceptedRelease",
  Assembling: "Assembling",
  Verifying: "Verifying",
  Idle: "Idle",
  WaitingForInput: "WaitingForInput",
  WaitingForInterval: "WaitingForInterval",
  MaxUnready: "MaxUnready",
  InputNotFound: "InputNotFound",
  AssemblyFailing: "AssemblyFailing",
  WriteRefused: "WriteRefused",
  ReleaseImageDeleteRefused: "ReleaseImageDeleteRefused",
  AsExpected: "AsExpected",
} as const;

/** Why no release is being cut right now (or that one is under way). */
export interface CutState {
  readonly reason: string;
  readonly message: string;
}

/** What the status is computed from. */
export interface StreamStatusInput {
  readonly generation: number | undefined;
  readonly previous: ReleaseStreamStatus | undefined;
  /** Newest first. */
  readonly releases: readonly StreamRelease[];
  readonly cut: CutState;
  /** A problem reading the input (input ImageStream missing), for Degraded. */
  readonly inputProblem?: CutState;
  readonly assemblyError?: string;
  readonly refusedWrites?: readonly RefusedWrite[];
  /** Refused image deletes still pending (retried with backoff), for `status.imageDeletes` and Degraded. */
  readonly imageDeletes?: readonly ImageDeleteStatus[];
  readonly lastScheduleTime?: string;
  /** The run-now annotation value last acted on. */
  readonly lastRunNow?: string;
  readonly now: Date;
}

/** The complete status. */
export function computeStreamStatus(input: StreamStatusInput): ReleaseStreamStatus {
  const { releases, now } = input;
  const latest = releases[0];
  const accepted = releases.find((r) => r.phase === "Accepted");
  const gen = input.generation === undefined ? {} : { observedGeneration: input.generation };
  let conditions: Condition[] = input.previous?.conditions ?? [];
  conditions = setCondition(
    conditions,
    accepted === undefined
      ? {
          type: "Ready",
          status: "False",
          reason: ReleaseStreamReason.NoAcceptedRelease,
          message:
            latest === undefined
              ? `no release yet: ${input.cut.message}`
              : `no accepted release yet; newest ${latest.name} is ${latest.phase}`,
          ...gen,
        }
      : {
          type: "Ready",
          status: "True",
          reason: ReleaseStreamReason.LatestAccepted,
          message: `newest accepted release: ${accepted.name}${accepted.image === undefined ? "" : ` (${accepted.image})`}`,
          ...gen,
        },
    now,
  );
  const pending = releases.find((r) => r.phase === "Pending");
  const verifying = releases.filter((r) => r.phase === "Ready");
  conditions = setCondition(
    conditions,
    pending !== undefined
      ? {
          type: "Progressing",
          status: "True",
          reason: ReleaseStreamReason.Assembling,
          message: `release ${pending.name} is being assembled`,
          ...gen,
        }
      : verifying.length > 0
        ? {
            type: "Progressing",
            status: "True",
            reason: ReleaseStreamReason.Verifying,
            message: `verifying ${verifying.map((r) => r.name).join(", ")}`,
            ...gen,
          }
        : {
            type: "Progressing",
            status: "False",
            reason: input.cut.reason,
            message: input.cut.message,
            ...gen,
          },
    now,
  );
  const refused = input.refusedWrites ?? [];
  const imageDeletes = input.imageDeletes ?? [];
  conditions = setCondition(
    conditions,
    refused.length > 0
      ? {
          type: "Degraded",
          status: "True",
          reason: ReleaseStreamReason.WriteRefused,
          message: refusedWritesMessage(refused).slice(0, 32_000),
          ...gen,
        }
      : input.assemblyError !== undefined
        ? {
            type: "Degraded",
            status: "True",
            reason: ReleaseStreamReason.AssemblyFailing,
            message: input.assemblyError.slice(0, 32_000),
            ...gen,
          }
        : input.inputProblem !== undefined
          ? { type: "Degraded", status: "True", ...input.inputProblem, ...gen }
          : imageDeletes.length > 0
            ? {
                type: "Degraded",
                status: "True",
                reason: ReleaseStreamReason.ReleaseImageDeleteRefused,
                message: imageDeletesMessage(imageDeletes).slice(0, 32_000),
                ...gen,
              }
            : {
                type: "Degraded",
                status: "False",
                reason: ReleaseStreamReason.AsExpected,
                message: "releases are cut, assembled and verified as configured",
                ...gen,
              },
    now,
  );
  return {
    ...gen,
    conditions,
    releases: releases.map((r) => ({ ...r })),
    ...(latest === undefined ? {} : { latest: latest.name }),
    ...(accepted === undefined ? {} : { latestAccepted: accepted.name }),
    ...(input.lastScheduleTime === undefined ? {} : { lastScheduleTime: input.lastScheduleTime }),
    ...(input.lastRunNow === undefined ? {} : { lastRunNow: input.lastRunNow }),
    ...(imageDeletes.length === 0 ? {} : { imageDeletes: imageDeletes.map((d) => ({ ...d })) }),
  };
}

/** The status of an invalid stream: Ready=False InvalidSpec, the releases kept as they were. */
export function invalidStreamStatus(
  previous: ReleaseStreamStatus | undefined,
  generation: number | undefined,
  message: string,
  now: Date,
): ReleaseStreamStatus {
  const gen = generation === undefined ? {} : { observedGeneration: generation };
  return {
    ...previous,
    ...gen,
    conditions: setCondition(
      previous?.conditions,
      { type: "Ready", status: "False", reason: ReleaseStreamReason.InvalidSpec, message, ...gen },
      now,
    ),
  };
}

/** `formatTimestamp`, re-exported for the decide step. */
export const timestampOf = (ms: number): string => formatTimestamp(new Date(ms));
