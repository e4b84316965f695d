/**
 * The Cluster Version Operator's load rules for `release-manifests/`, applied to the files of a payload
 * layer: both documents present, release-metadata kind and semver version, image-references an
 * `image.openshift.io/v1` ImageStream named exactly the version, and every manifest loadable.
 */
import { checkCvoManifest, isManifestFileName } from "./check-manifest.js";
import { parseImageStream } from "./image-stream.js";
import { parseReleaseMetadata } from "./release-documents.js";

/** Checks the top-level files of `release-manifests/` (name -> content); returns every problem (empty = loads). */
export function verifyReleasePayload(files: ReadonlyMap<string, Uint8Array>): string[] {
  const problems: string[] = [];
  const text = (name: string): string | undefined => {
    const content = files.get(name);
    return content === undefined ? undefined : Buffer.from(content).toString("utf8");
  };
  let version: string | undefined;
  const metadataText = text("release-metadata");
  if (metadataText === undefined) problems.push("release-manifests/release-metadata is missing");
  else {
    try {
      version = parseReleaseMetadata(metadataText).version;
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const referencesText = text("image-references");
  if (referencesText === undefined) problems.push("release-manifests/image-references is missing");
  else {
    try {
      const stream = parseImageStream(referencesText, "release-manifests/image-references");
      const name = stream.metadata?.name ?? "";
      if (version !== undefined && name !== version) {
        problems.push(
          `image-references metadata.name "${name}" does not equal release-metadata version "${version}"`,
        );
      }
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  for (const [name, content] of [...files].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (name === "release-metadata" || name === "image-references" || !isManifestFileName(name)) continue;
    problems.push(...checkCvoManifest(name, content));
  }
  return problems;
}
