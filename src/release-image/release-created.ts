/**
 * When a release was created, by one rule a person can predict (docs/release-format.md, "Created"):
 * the time given (payloadctl assemble: SOURCE_DATE_EPOCH, else the build time, as `oc adm release new`
 * uses the build time); for an exact `--from-release` rebuild, the input release's; otherwise the time
 * the release name carries (`...-YYYY-MM-DD-HHMMSS`, as the release-controller names releases), so the
 * operator's assemblies stay reproducible; and only for a name without one, the newest operator
 * manifest's modification time.
 */

const NAME_TIME = /-(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})(?:\+.*)?$/;

/** The UTC time at the end of a release name (`4.17.0-0.okd-2026-11-21-083740`), if it has a valid one. */
export function createdFromReleaseName(name: string): Date | undefined {
  const match = NAME_TIME.exec(name);
  if (match === null) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60;
  return valid ? date : undefined;
}
