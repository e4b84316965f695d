/** `kubectl-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { kubectlSuite } from "./kubectl-suite.js";

kubectlSuite("real");
