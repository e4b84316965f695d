/**
 * The OpenShift (`image.openshift.io/v1` ImageStream, `build.openshift.io/v1` BuildConfig and
 * Build) and Shipwright (`shipwright.io/v1beta1` Build, BuildRun, BuildStrategy,
 * ClusterBuildStrategy) kinds: served from the CRD files in `test/control-plane/crds/`, the same
 * files the real kube-apiserver of the tests loads, so both control planes accept and reject the
 * same objects. What a CRD cannot express stays dev-cluster behaviour: the ImageStream strategy
 * (`image-stream-strategy.ts`) and the `buildconfigs/instantiate` subresource
 * (`build-instantiate.ts`).
 */
import { join } from "node:path";
import { packageRoot } from "../demo/package-root.js";
import { readCrdFiles } from "./crd-files.js";
import { isJsonObject, type JsonObject } from "./types.js";

/** Where the CRD files live, relative to the package root. */
export const OPENSHIFT_CRD_DIR = "test/control-plane/crds";

/** Names of the CRDs in {@link OPENSHIFT_CRD_DIR}, one file each (`<name>.yaml`). */
export const OPENSHIFT_CRD_NAMES = [
  "imagestreams.image.openshift.io",
  "buildconfigs.build.openshift.io",
  "builds.build.openshift.io",
  "builds.shipwright.io",
  "buildruns.shipwright.io",
  "buildstrategies.shipwright.io",
  "clusterbuildstrategies.shipwright.io",
] as const;

/**
 * Subresources of openshift-apiserver's aggregated API that a CRD cannot declare, which the dev
 * cluster serves itself, by CRD name. A real kube-apiserver serving the same CRDs has none of
 * them.
 */
export const AGGREGATED_API_SUBRESOURCES: Readonly<Record<string, readonly string[]>> = {
  "buildconfigs.build.openshift.io": ["instantiate"],
};

/**
 * Reads the CRDs of {@link OPENSHIFT_CRD_NAMES} from `<root>/test/control-plane/crds/`; throws
 * naming the directory and the missing CRDs when any is absent (e.g. running from an install
 * without the test directory).
 */
export async function readOpenShiftCrds(root: string = packageRoot()): Promise<JsonObject[]> {
  const dir = join(root, OPENSHIFT_CRD_DIR);
  const crds = await readCrdFiles([dir]);
  const names = new Set(crds.map((crd) => nameOf(crd)));
  const missing = OPENSHIFT_CRD_NAMES.filter((name) => !names.has(name));
  if (missing.length > 0)
    throw new Error(
      `the dev cluster serves the OpenShift and Shipwright kinds from ${dir}, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not there; run it from a checkout of the repository`,
    );
  return crds;
}

function nameOf(crd: JsonObject): string {
  const metadata = crd["metadata"];
  const name = isJsonObject(metadata) ? metadata["name"] : undefined;
  return typeof name === "string" ? name : "";
}
