/** `kubectl-crds-and-events-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { kubectlCrdsAndEventsSuite } from "./kubectl-crds-and-events-suite.js";

kubectlCrdsAndEventsSuite("real");
