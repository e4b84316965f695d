/** `rbac-suite.ts` on the real control plane (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { rbacSuite } from "./rbac-suite.js";

rbacSuite("real");
