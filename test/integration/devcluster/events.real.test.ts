/** `events-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { eventsSuite } from "./events-suite.js";

eventsSuite("real");
