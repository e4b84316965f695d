/**
 * The API permissions the ReleaseStream controller needs besides the PayloadBuild controller's:
 * its own kind and status, the ImageStreams it owns (target and pinned, deleted by retention), the
 * verification Jobs. Merged into the operator's one permission list (`operatorPermissions`).
 */
import { RELEASE_STREAM } from "../api/group.js";
import { IMAGE_STREAMS } from "../builds/build-resources.js";
import type { OperatorPermission } from "../payload-build/operator-permissions.js";
import { JOBS, RELEASE_STREAMS } from "./release-stream-objects.js";

/** See the module documentation. */
export function releaseStreamPermissions(): OperatorPermission[] {
  return [
    {
      group: RELEASE_STREAMS.group,
      resource: RELEASE_STREAMS.plural,
      verbs: ["list", "watch"],
      scope: "cluster",
      reason: `${RELEASE_STREAM.kind} informer (the controller's For)`,
    },
    {
      group: RELEASE_STREAMS.group,
      resource: "payloadbuilds",
      verbs: ["create", "delete"],
      scope: "cluster",
      reason: "the PayloadBuild of each scheduled run of a payloadBuild source (deleted with its release)",
    },
    {
      group: RELEASE_STREAMS.group,
      resource: RELEASE_STREAMS.plural,
      subresource: "status",
      verbs: ["update"],
      scope: "cluster",
      reason: "stream status written once per reconcile through /status",
    },
    {
      group: RELEASE_STREAMS.group,
      resource: RELEASE_STREAMS.plural,
      subresource: "finalizers",
      verbs: ["update"],
      scope: "cluster",
      reason:
        "stream children carry blockOwnerDeletion owner references (OwnerReferencesPermissionEnforcement)",
    },
    {
      group: IMAGE_STREAMS.group,
      resource: IMAGE_STREAMS.plural,
      verbs: ["list", "watch", "create", "update", "delete"],
      scope: "cluster",
      reason: "a stream's target ImageStream (release tags) and pinned inputs (deleted by retention)",
    },
    {
      group: JOBS.group,
      resource: JOBS.plural,
      verbs: ["list", "watch", "create", "delete"],
      scope: "cluster",
      reason: "verification Jobs of stream releases (deleted with their release)",
    },
  ];
}
