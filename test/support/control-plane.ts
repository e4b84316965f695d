/** The real control plane for tests (see `src/control-plane/control-plane.ts`). */
export * from "../../src/control-plane/control-plane.js";
export type { AuditRecord } from "../../src/control-plane/control-plane-audit.js";
