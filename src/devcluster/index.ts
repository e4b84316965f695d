/**
 * The dev cluster: an in-process Kubernetes API server for tests, the README demo and
 * `payloadctl dev`. See {@link startDevCluster}.
 */
export {
  startDevCluster,
  type DevCluster,
  type DevClusterAddon,
  type DevClusterOptions,
} from "./dev-cluster.js";
export { AuditLog, type AuditEntry } from "./audit-log.js";
export type { FaultOptions } from "./faults.js";
