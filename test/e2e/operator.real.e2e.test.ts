/** `operator-suite.ts` on the real control plane (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { operatorSuite } from "./operator-suite.js";

operatorSuite("real");
