/** `operator-restart-suite.ts` on the real control plane (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { operatorRestartSuite } from "./operator-restart-suite.js";

operatorRestartSuite("real");
