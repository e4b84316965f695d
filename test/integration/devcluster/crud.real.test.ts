/** `crud-suite.ts` on a real kube-apiserver (etcd, kube-apiserver, kube-controller-manager built from upstream). */
import { crudSuite } from "./crud-suite.js";

crudSuite("real");
