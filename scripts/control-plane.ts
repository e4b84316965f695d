/**
 * `npm run control-plane -- --kubeconfig FILE [--no-crds] [--no-controller-manager]`: runs etcd,
 * kube-apiserver and kube-controller-manager (built by `npm run control-plane:build`) in the
 * foreground on 127.0.0.1, installs our CRDs and the OpenShift/Shipwright stand-in CRDs, writes an
 * admin kubeconfig to FILE and stops all three on Ctrl-C.
 */
import { copyFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startControlPlane } from "../src/control-plane/control-plane.js";

const { values } = parseArgs({
  options: {
    kubeconfig: { type: "string" },
    "no-crds": { type: "boolean", default: false },
    "no-controller-manager": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help || values.kubeconfig === undefined) {
  console.log(
    "usage: npm run control-plane -- --kubeconfig FILE [--no-crds] [--no-controller-manager]\n" +
      "Runs a real etcd + kube-apiserver + kube-controller-manager on 127.0.0.1 until Ctrl-C.",
  );
  process.exit(values.help ? 0 : 2);
}
const kubeconfig = resolve(values.kubeconfig);
const started = Date.now();
const plane = await startControlPlane({
  controllerManager: !values["no-controller-manager"],
  crds: values["no-crds"] ? [] : ["crds", "test/control-plane/crds"],
});
await copyFile(plane.adminKubeconfigPath, kubeconfig);
console.log(`kube-apiserver ${plane.version} at ${plane.url} (ready in ${Date.now() - started} ms)`);
console.log(`admin kubeconfig: ${kubeconfig}`);
console.log(`audit log:        ${plane.auditLogPath}`);
console.log(`logs and data:    ${plane.dir}`);
for (const p of plane.processes) console.log(`  ${p.name} pid ${p.pid}`);
console.log(`\n  export KUBECONFIG=${kubeconfig}\n  kubectl get --raw /version\n\nCtrl-C stops it.`);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  console.log("stopping ...");
  void plane.stop().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
