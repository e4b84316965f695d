/**
 * What a reconcile returns, and the one error that is never retried (kube-rs `Action`,
 * controller-runtime `Result` + `TerminalError`).
 */

/**
 * The result of a successful reconcile. `requeueAfterMs`: reconcile this key again after that
 * long (polling something the watches do not cover); `null`: wait for the next change of a
 * watched object (or the periodic resync).
 */
export interface Outcome {
  readonly requeueAfterMs: number | null;
}

/** Reconcile again after `ms` even if nothing changes. */
export function requeueAfter(ms: number): Outcome {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`requeueAfter needs a finite delay >= 0, got ${ms}`);
  return { requeueAfterMs: ms };
}

/** Do nothing until a watched object changes. */
export function awaitChange(): Outcome {
  return { requeueAfterMs: null };
}

/**
 * An error that retrying cannot fix (an invalid spec, a dependency cycle). The controller logs
 * and counts it but does not requeue the key; the reconciler should have recorded it as a
 * condition first. Any other thrown error is retried with backoff.
 */
export class TerminalError extends Error {
  override readonly name = "TerminalError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** True for a {@link TerminalError} (also when wrapped as the `cause` of another error). */
export function isTerminalError(err: unknown): boolean {
  if (err instanceof TerminalError) return true;
  return err instanceof Error && err.cause !== undefined && err.cause !== err && isTerminalError(err.cause);
}
