/** The error of release assembly: what is wrong with the input, said so the user can fix it. */

/** An input problem found while assembling a release (bad label, missing tag, unparsable manifest...). */
export class ReleaseAssemblyError extends Error {
  override readonly name = "ReleaseAssemblyError";
}
