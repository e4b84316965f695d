/** `patch-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { patchSuite } from "./patch-suite.js";

patchSuite("real");
