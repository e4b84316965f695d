/** `lifecycle-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { lifecycleSuite } from "./lifecycle-suite.js";

lifecycleSuite("real");
