/**
 * Writes the API server refused (RBAC 403, admission or validation 400/422, a kind it does not
 * serve): recorded per reconcile so the status can say which verb on which resource was refused and
 * what the server answered, instead of the reconcile stopping before its status write.
 */
import { KubeApiError } from "../kube/kube-errors.js";
import type { KubeObject } from "../kube/kube-object.js";

/** One refused write. */
export interface RefusedWrite {
  /** `create`, `update` or `delete`. */
  readonly verb: string;
  /** `plural.group` (`builds.build.openshift.io`, `imagestreams.image.openshift.io`). */
  readonly resource: string;
  readonly name: string;
  /** The component the object belongs to, when it belongs to one. */
  readonly component?: string;
  /** HTTP status of the refusal. */
  readonly code: number;
  /** The server's message. */
  readonly message: string;
}

/** What was being written when an error came back. */
export interface AttemptedWrite {
  readonly verb: string;
  readonly object: Pick<KubeObject, "apiVersion" | "kind" | "metadata">;
  readonly plural: string;
  readonly component?: string;
}

/**
 * The refusal `error` stands for, or undefined when it is not a refusal: only a 4xx answer other than
 * 409 (lost race, handled by the next reconcile) and 429 (throttling) is; transport failures and 5xx
 * are transient and retried without a status change.
 */
export function refusalOf(error: unknown, write: AttemptedWrite): RefusedWrite | undefined {
  if (!(error instanceof KubeApiError)) return undefined;
  if (error.code < 400 || error.code >= 500 || error.code === 409 || error.code === 429) return undefined;
  const group = (write.object.apiVersion ?? "").includes("/")
    ? (write.object.apiVersion ?? "").split("/")[0]
    : "";
  return {
    verb: write.verb,
    resource: group === "" ? write.plural : `${write.plural}.${group}`,
    name: write.object.metadata.name,
    ...(write.component === undefined ? {} : { component: write.component }),
    code: error.code,
    message: error.status?.message ?? error.message,
  };
}

/** One line per refusal (at most `limit`, then "and N more"), e.g. for the Degraded condition. */
export function refusedWritesMessage(refused: readonly RefusedWrite[], limit = 5): string {
  const lines = refused.slice(0, limit).map((r) => {
    const what = `${r.verb} ${r.resource} ${JSON.stringify(r.name)}`;
    const owner = r.component === undefined ? "" : `component ${r.component}: `;
    return `${owner}${what} refused by the API server (${r.code}): ${r.message}`;
  });
  const more = refused.length > limit ? `; and ${refused.length - limit} more` : "";
  return `${lines.join("; ")}${more}`;
}

/** Thrown after the status is written, so the error policy retries the reconcile with backoff. */
export class WritesRefusedError extends Error {
  override readonly name = "WritesRefusedError";
  constructor(readonly refused: readonly RefusedWrite[]) {
    super(`the API server refused ${refused.length} write(s): ${refusedWritesMessage(refused)}`);
  }
}
