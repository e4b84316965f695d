/** `validation-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { validationSuite } from "./validation-suite.js";

validationSuite("real");
