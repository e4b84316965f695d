/** The demo's user-facing error. */

/** A demo failure; the message says what went wrong and what to look at. */
export class DemoError extends Error {
  override readonly name = "DemoError";
}
