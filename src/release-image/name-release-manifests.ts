/** File names in `release-manifests/`: `0000_50_<tag>_<file>` unless already `0000_`, `_N` on clashes. */

/** One manifest file of one operator, and the name it gets in the payload. */
export interface ManifestName {
  readonly operator: string;
  readonly file: string;
  readonly name: string;
  /** True when the name got a `_N` suffix because an earlier file took it. */
  readonly collided: boolean;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot < 0 ? "" : name.slice(dot);
}

/**
 * Names every file, operator by operator and file by file in the order given (callers pass operators
 * sorted by tag and files sorted by name, as `oc` does). A name taken before gets `_<n>` before its
 * extension, n = 2, 3, ... counted per name, exactly as `oc adm release new` does it.
 */
export function nameReleaseManifests(
  operators: readonly { readonly operator: string; readonly files: readonly string[] }[],
): ManifestName[] {
  const counts = new Map<string, number>();
  const names: ManifestName[] = [];
  for (const { operator, files } of operators) {
    for (const file of files) {
      let name = file.startsWith("0000_") ? file : `0000_50_${operator}_${file}`;
      const count = counts.get(name);
      let collided = false;
      if (count !== undefined) {
        const extension = extensionOf(name);
        counts.set(name, count + 1);
        name = `${name.slice(0, name.length - extension.length)}_${count + 1}${extension}`;
        collided = true;
      }
      counts.set(name, 1);
      names.push({ operator, file, name, collided });
    }
  }
  return names;
}
