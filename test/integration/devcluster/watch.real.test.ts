/** `watch-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { watchSuite } from "./watch-suite.js";

watchSuite("real");
