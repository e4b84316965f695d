/**
 * The dev cluster's API logic without HTTP: `ApiCore` in process, built as `startDevCluster` builds
 * it (schema validation, CEL, kind strategies, managedFields, the watch history in the object
 * store). Creates ConfigMaps, then merge-patches them, and prints objects per second. The HTTP
 * figures are `bench/devcluster.ts`'s; the difference is what HTTP and client-node cost.
 * Prints figures; asserts nothing.
 *
 *   npx tsx bench/api-core.ts [--objects 10000] [--patches 10000]
 */
import { parseArgs } from "node:util";
import { ApiCore } from "../src/devcluster/api-core.js";
import { builtInResources } from "../src/devcluster/builtin-resources.js";
import { CelValidator } from "../src/devcluster/cel-validator.js";
import { kindStrategies } from "../src/devcluster/kind-strategy.js";
import { ObjectStore } from "../src/devcluster/object-store.js";
import { PATCH_TYPES } from "../src/devcluster/patch-body.js";
import type { ResourceDefinition } from "../src/devcluster/resource-definition.js";
import { ResourceRegistry } from "../src/devcluster/resource-registry.js";
import { SchemaValidator } from "../src/devcluster/schema-validator.js";

const { values } = parseArgs({
  options: {
    objects: { type: "string", default: "10000" },
    patches: { type: "string", default: "10000" },
  },
});
const objects = Number(values.objects);
const patches = Number(values.patches);

const registry = new ResourceRegistry();
registry.register(builtInResources());
const lookup = (group: string, plural: string): ResourceDefinition => {
  const def = registry.lookup(group, "v1", plural);
  if (def === undefined) throw new Error(`${plural} is not registered`);
  return def;
};
const namespaces = lookup("", "namespaces");
const configMaps = lookup("", "configmaps");
const core = new ApiCore({
  store: new ObjectStore(50_000),
  schemas: new SchemaValidator(),
  cel: new CelValidator(),
  now: () => new Date(),
  namespaces: () => namespaces,
  strategies: kindStrategies(),
});
const write = { fieldManager: "bench" };
core.create(namespaces, undefined, { metadata: { name: "bench" } }, write);

const body = (name: string): Record<string, unknown> => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, labels: { app: "bench", shard: String(name.length % 4) } },
  data: { component: name, image: `quay.io/okd/scos-content@sha256:${"0".repeat(64)}` },
});
const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const row = (what: string, value: string): void => console.log(`| ${what} | ${value} |`);

console.log("| ApiCore in process | result |\n| --- | ---: |");
let t = process.hrtime.bigint();
for (let i = 0; i < objects; i++) core.create(configMaps, "bench", body(`cm-${i}`), write);
row(`create (${objects} ConfigMaps)`, `${Math.round(objects / seconds(t)).toLocaleString("en")} creates/s`);

t = process.hrtime.bigint();
for (let i = 0; i < patches; i++) {
  const patch = JSON.stringify({ data: { revision: String(i) } });
  core.patch(configMaps, "bench", `cm-${i % objects}`, PATCH_TYPES.merge, patch, undefined, write);
}
row(
  `merge patch (${patches} patches)`,
  `${Math.round(patches / seconds(t)).toLocaleString("en")} merge patches/s`,
);
