/** `release-stream-suite.ts` on the real control plane (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { releaseStreamSuite } from "./release-stream-suite.js";

releaseStreamSuite("real");
