/** Polling helpers of the integration tests: wait until something holds, or fail naming what was awaited. */

/**
 * Polls `probe` every `pollMs` until it returns a value other than undefined and returns that value;
 * throws naming `what` once `timeoutMs` has passed.
 */
export async function waitFor<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
  pollMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Polls `condition` every `pollMs` until it holds; throws naming `what` once `timeoutMs` has passed. */
export async function eventually(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
  pollMs = 20,
): Promise<void> {
  await waitFor(async () => ((await condition()) ? true : undefined), what, timeoutMs, pollMs);
}
