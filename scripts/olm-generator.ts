/**
 * The OLM bundle and file-based catalog under `deploy/olm/` (`npm run generate`), built from the same
 * sources as `config/`: the CRDs (`allCrds`), the manager Deployment (`managerDeployment`), the RBAC
 * rules (`policyRules(operatorPermissions())`), the metrics Service, the PrometheusRule and
 * ServiceMonitor of `config/prometheus/`, the samples
 * of `config/samples/` (alm-examples) and `deploy/olm/icon.svg`. The CSV's descriptive parts
 * (descriptors, description, links) are {@link OLM_METADATA} below.
 */
import { readFile } from "node:fs/promises";
import { parseAllDocuments, stringify } from "yaml";
import { allCrds, type CustomResourceDefinition } from "../src/api/crds.js";
import { crdBasePath } from "../src/install/install-layout.js";
import {
  BASE_IMAGE,
  INSTALL_NAME_PREFIX,
  INSTALL_NAMESPACE,
  OPERATOR_IMAGE,
} from "../src/install/install-names.js";
import { MANAGER_DEPLOYMENT, managerDeployment, metricsService } from "../src/install/manager-manifests.js";
import { prometheusRule } from "../src/install/prometheus-rules.js";
import { serviceMonitor } from "../src/install/service-monitor.js";
import { policyRules, RBAC_NAMES, type ManifestObject } from "../src/install/rbac-manifests.js";
import { operatorPermissions } from "../src/payload-build/operator-permissions.js";
import { GENERATED_HEADER, type GeneratedFile } from "./generators.js";

/** The OLM package name (and the CSV name's prefix). */
export const OLM_PACKAGE = "okd-payload-operator";
/** The one channel the bundle is published in. */
export const OLM_CHANNEL = "candidate";
/** The bundle image `bundle.Dockerfile` builds (tag: the version). */
export const BUNDLE_IMAGE = "quay.io/okd/okd-payload-operator-bundle";
/** The catalog image `catalog.Dockerfile` builds. */
export const CATALOG_IMAGE = "quay.io/okd/okd-payload-operator-catalog";
/** Where OKD's OperatorHub reads CatalogSources from (upstream OLM: `olm`). */
export const CATALOG_NAMESPACE = "openshift-marketplace";
/** The oldest Kubernetes the CRDs and Deployment work on (CRD validation rules are GA in 1.29). */
export const MIN_KUBE_VERSION = "1.29.0";
const REPOSITORY = "https://github.com/okd-project/okd-payload-operator";

const pathDescriptor = (
  path: string,
  displayName: string,
  description: string,
  ...xDescriptors: string[]
) => ({
  path,
  displayName,
  description,
  ...(xDescriptors.length === 0 ? {} : { "x-descriptors": xDescriptors }),
});
const TEXT = "urn:alm:descriptor:com.tectonic.ui:text";
const NUMBER = "urn:alm:descriptor:com.tectonic.ui:number";
const CONDITIONS = "urn:alm:descriptor:io.kubernetes.conditions";
const PHASE = "urn:alm:descriptor:io.kubernetes.phase";
const SECRET = "urn:alm:descriptor:io.kubernetes:Secret";

/** Console descriptors and the kinds each CR creates, per kind. */
const CRD_DESCRIPTIONS: Record<
  string,
  { displayName: string; resources: object[]; spec: object[]; status: object[] }
> = {
  PayloadBuild: {
    displayName: "Payload Build",
    resources: [
      { kind: "Build", name: "", version: "v1" },
      { kind: "BuildRun", name: "", version: "v1beta1" },
      { kind: "ImageStream", name: "", version: "v1" },
    ],
    spec: [
      pathDescriptor("imageStream", "Image stream", "ImageStream the component images land in", TEXT),
      pathDescriptor("concurrency", "Concurrency", "Builds run at the same time", NUMBER),
      pathDescriptor(
        "backend",
        "Build backend",
        "openshift (Builds), shipwright (BuildRuns) or prebuilt",
        TEXT,
      ),
      pathDescriptor("release.name", "Release name", "Name of the release image to assemble", TEXT),
      pathDescriptor("release.to", "Release destination", "Where the release image is pushed", TEXT),
      pathDescriptor(
        "release.pushSecret.name",
        "Push secret",
        "Secret with credentials for the destination",
        SECRET,
      ),
    ],
    status: [
      pathDescriptor("phase", "Phase", "Pending, Building, Assembling, Succeeded, Failed or Invalid", PHASE),
      pathDescriptor("conditions", "Conditions", "Ready, Progressing and Degraded", CONDITIONS),
      pathDescriptor("counts.landed", "Landed", "Components whose image landed", TEXT),
      pathDescriptor("counts.total", "Components", "Components in the payload", TEXT),
      pathDescriptor("release.image", "Release image", "The pushed release, by digest", TEXT),
    ],
  },
  ReleaseStream: {
    displayName: "Release Stream",
    resources: [
      { kind: "PayloadBuild", name: "", version: "v1alpha1" },
      { kind: "ImageStream", name: "", version: "v1" },
      { kind: "Job", name: "", version: "v1" },
    ],
    spec: [
      pathDescriptor("name", "Release name prefix", "Releases are named <name>-YYYY-MM-DD-HHMMSS", TEXT),
      pathDescriptor(
        "source.imageStream",
        "Input image stream",
        "ImageStream whose tags make a release",
        TEXT,
      ),
      pathDescriptor("schedule", "Schedule", "Cron schedule of a payloadBuild source", TEXT),
      pathDescriptor("to", "Release destination", "Where releases are pushed", TEXT),
      pathDescriptor("pushSecret.name", "Push secret", "Secret with credentials for the destination", SECRET),
    ],
    status: [
      pathDescriptor("conditions", "Conditions", "Ready, Progressing and Degraded", CONDITIONS),
      pathDescriptor("latest", "Latest release", "The newest release", TEXT),
      pathDescriptor("latestAccepted", "Latest accepted release", "The newest Accepted release", TEXT),
    ],
  },
};

const DESCRIPTION = `Builds OKD release payloads on your cluster.

* **PayloadBuild**: builds every component image of a payload in dependency order (critical path
  first) with OpenShift Builds or Shipwright BuildRuns, waits for each to land in its ImageStream,
  and assembles and pushes the release image by digest, as \`oc adm release new\` does.
* **ReleaseStream**: release-controller's release streams: cuts a release when its input changes or
  on a schedule, verifies it with Jobs, accepts or rejects it, and prunes old releases.

Each object reports Ready, Progressing and Degraded conditions; Argo CD health checks and Prometheus
alerts ship with the project (see the repository's README).`;

/** Kind, group, served version and description of a generated CRD. */
function crdFacts(crd: CustomResourceDefinition): {
  kind: string;
  group: string;
  version: string;
  description: string;
} {
  const spec = crd.spec as {
    group: string;
    names: { kind: string };
    versions: { name: string; schema: { openAPIV3Schema: { description?: string } } }[];
  };
  const version = spec.versions[0];
  if (version === undefined) throw new Error(`CRD ${crd.metadata.name} has no version`);
  return {
    kind: spec.names.kind,
    group: spec.group,
    version: version.name,
    description: version.schema.openAPIV3Schema.description ?? spec.names.kind,
  };
}

function prefixed(name: string): string {
  return `${INSTALL_NAME_PREFIX}${name}`;
}

async function packageVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL("../package.json", import.meta.url), "utf8")) as {
    version?: unknown;
  };
  if (typeof pkg.version !== "string") throw new Error("package.json has no version");
  return pkg.version;
}

/** The samples of `config/samples/` that are PayloadBuilds or ReleaseStreams, without namespace. */
async function samples(): Promise<object[]> {
  const out: object[] = [];
  for (const file of ["payloadbuild.yaml", "releasestream.yaml"]) {
    const text = await readFile(new URL(`../config/samples/${file}`, import.meta.url), "utf8");
    for (const doc of parseAllDocuments(text)) {
      const object = doc.toJS() as { metadata?: Record<string, unknown> } & Record<string, unknown>;
      const { namespace: _namespace, ...metadata } = object.metadata ?? {};
      out.push({ ...object, metadata });
    }
  }
  return out;
}

/** The Deployment spec of the CSV: the manager's, with the released image and OLM's target namespaces. */
function csvDeploymentSpec(image: string): Record<string, unknown> {
  const spec = structuredClone(managerDeployment()["spec"]) as {
    template: {
      spec: { serviceAccountName: string; containers: { image: string; env?: Record<string, unknown>[] }[] };
    };
  };
  const pod = spec.template.spec;
  pod.serviceAccountName = prefixed(RBAC_NAMES.serviceAccount);
  for (const container of pod.containers) {
    if (container.image !== BASE_IMAGE) continue;
    container.image = image;
    // OLM writes the namespaces of the OperatorGroup into this annotation ("" for all namespaces).
    const watch = {
      name: "WATCH_NAMESPACE",
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['olm.targetNamespaces']" } },
    };
    container.env = [...(container.env ?? []).filter((e) => e["name"] !== "WATCH_NAMESPACE"), watch];
  }
  return spec as unknown as Record<string, unknown>;
}

/** The ClusterServiceVersion of `version`. */
export function clusterServiceVersion(
  version: string,
  examples: readonly object[],
  iconSvg: string,
): ManifestObject {
  const image = `${OPERATOR_IMAGE}:v${version}`;
  const permissions = operatorPermissions();
  const serviceAccountName = prefixed(RBAC_NAMES.serviceAccount);
  const crds = allCrds();
  return {
    apiVersion: "operators.coreos.com/v1alpha1",
    kind: "ClusterServiceVersion",
    metadata: {
      name: `${OLM_PACKAGE}.v${version}`,
      annotations: {
        "alm-examples": JSON.stringify(examples, null, 2),
        capabilities: "Basic Install",
        categories: "Developer Tools,Integration & Delivery",
        containerImage: image,
        description:
          "Builds OKD release payloads: component images in dependency order, the release image, and release streams.",
        repository: REPOSITORY,
        support: "OKD Working Group",
        "operatorframework.io/suggested-namespace": INSTALL_NAMESPACE,
        "operatorframework.io/cluster-monitoring": "true",
        "operators.operatorframework.io/builder": "okd-payload-operator npm run generate",
        "features.operators.openshift.io/disconnected": "true",
        "features.operators.openshift.io/fips-compliant": "false",
        "features.operators.openshift.io/proxy-aware": "false",
        "features.operators.openshift.io/tls-profiles": "false",
        "features.operators.openshift.io/token-auth-aws": "false",
        "features.operators.openshift.io/token-auth-azure": "false",
        "features.operators.openshift.io/token-auth-gcp": "false",
        "features.operators.openshift.io/cnf": "false",
        "features.operators.openshift.io/cni": "false",
        "features.operators.openshift.io/csi": "false",
      },
      labels: {
        "operatorframework.io/arch.amd64": "supported",
        "operatorframework.io/os.linux": "supported",
      },
    },
    spec: {
      displayName: "OKD Payload Operator",
      description: DESCRIPTION,
      version,
      minKubeVersion: MIN_KUBE_VERSION,
      maturity: "alpha",
      provider: { name: "OKD Community", url: "https://okd.io" },
      maintainers: [{ name: "OKD Working Group", email: "okd-wg@googlegroups.com" }],
      links: [
        { name: "Source", url: REPOSITORY },
        { name: "Documentation", url: `${REPOSITORY}#readme` },
        { name: "OKD", url: "https://okd.io" },
      ],
      keywords: ["okd", "openshift", "release", "payload", "builds", "release-controller"],
      icon: [{ base64data: Buffer.from(iconSvg).toString("base64"), mediatype: "image/svg+xml" }],
      installModes: [
        { type: "OwnNamespace", supported: true },
        { type: "SingleNamespace", supported: true },
        { type: "MultiNamespace", supported: false },
        { type: "AllNamespaces", supported: true },
      ],
      customresourcedefinitions: {
        owned: crds.map((crd) => {
          const facts = crdFacts(crd);
          const d = CRD_DESCRIPTIONS[facts.kind];
          if (d === undefined) throw new Error(`no OLM description for ${facts.kind}`);
          return {
            name: crd.metadata.name,
            version: facts.version,
            kind: facts.kind,
            displayName: d.displayName,
            description: facts.description,
            resources: d.resources,
            specDescriptors: d.spec,
            statusDescriptors: d.status,
          };
        }),
      },
      install: {
        strategy: "deployment",
        spec: {
          deployments: [
            {
              name: prefixed(MANAGER_DEPLOYMENT),
              label: { ...(managerDeployment().metadata.labels ?? {}) },
              spec: csvDeploymentSpec(image),
            },
          ],
          clusterPermissions: [{ serviceAccountName, rules: policyRules(permissions, "cluster") }],
          permissions: [{ serviceAccountName, rules: policyRules(permissions, "operator-namespace") }],
        },
      },
      relatedImages: [{ name: "okd-payload-operator", image }],
    },
  };
}

/** JSON as Go's encoding/json writes an unstructured object: keys sorted, `<`, `>`, `&` escaped. */
export function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (typeof v !== "object" || v === null) return v;
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return Object.fromEntries(
      entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => [k, sorted(x)]),
    );
  };
  return JSON.stringify(sorted(value)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function yamlOf(object: unknown): string {
  return GENERATED_HEADER + stringify(object, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The bundle's `metadata/annotations.yaml` keys, also the bundle image's labels. */
export function bundleAnnotations(): Record<string, string> {
  return {
    "operators.operatorframework.io.bundle.mediatype.v1": "registry+v1",
    "operators.operatorframework.io.bundle.manifests.v1": "manifests/",
    "operators.operatorframework.io.bundle.metadata.v1": "metadata/",
    "operators.operatorframework.io.bundle.package.v1": OLM_PACKAGE,
    "operators.operatorframework.io.bundle.channels.v1": OLM_CHANNEL,
    "operators.operatorframework.io.bundle.channel.default.v1": OLM_CHANNEL,
    "com.redhat.openshift.versions": "v4.14",
  };
}

/** Every file of `deploy/olm/`. */
export async function olmFiles(): Promise<GeneratedFile[]> {
  const version = await packageVersion();
  const icon = await readFile(new URL("../deploy/olm/icon.svg", import.meta.url), "utf8");
  const csv = clusterServiceVersion(version, await samples(), icon);
  const service = structuredClone(metricsService()) as ManifestObject & { metadata: Record<string, unknown> };
  const serviceObject = {
    ...service,
    metadata: { ...service.metadata, name: prefixed(service.metadata.name as string) },
  };
  delete (serviceObject.metadata as Record<string, unknown>)["namespace"];
  const rule = prometheusRule() as ManifestObject & { metadata: Record<string, unknown> };
  const { namespace: _ruleNamespace, ...ruleMetadata } = {
    ...rule.metadata,
    name: prefixed(rule.metadata.name as string),
  };
  const ruleObject = { ...rule, metadata: ruleMetadata };
  const monitor = serviceMonitor() as ManifestObject & { metadata: Record<string, unknown> };
  const { namespace: _monitorNamespace, ...monitorMetadata } = {
    ...monitor.metadata,
    name: prefixed(monitor.metadata.name as string),
  };
  const monitorObject = { ...monitor, metadata: monitorMetadata };
  const annotations = bundleAnnotations();
  const labels = Object.entries(annotations).map(([k, v]) => `LABEL ${k}=${v}`);
  const bundleImage = `${BUNDLE_IMAGE}:v${version}`;
  const csvName = csv.metadata.name;
  const catalog = [
    {
      schema: "olm.package",
      name: OLM_PACKAGE,
      defaultChannel: OLM_CHANNEL,
      description: DESCRIPTION,
      icon: { base64data: Buffer.from(icon).toString("base64"), mediatype: "image/svg+xml" },
    },
    { schema: "olm.channel", package: OLM_PACKAGE, name: OLM_CHANNEL, entries: [{ name: csvName }] },
    {
      schema: "olm.bundle",
      name: csvName,
      package: OLM_PACKAGE,
      image: bundleImage,
      properties: [
        ...allCrds().map((crd) => {
          const facts = crdFacts(crd);
          return { type: "olm.gvk", value: { group: facts.group, kind: facts.kind, version: facts.version } };
        }),
        { type: "olm.package", value: { packageName: OLM_PACKAGE, version } },
        // Every manifest of the bundle, as `opm render` embeds them: CRDs, the CSV, then the others
        // by file name; Go's JSON (sorted keys, <>& escaped), base64.
        ...[...allCrds(), csv, ruleObject, monitorObject, serviceObject].map((object) => ({
          type: "olm.bundle.object",
          value: { data: Buffer.from(goJson(object)).toString("base64") },
        })),
      ],
      relatedImages: [
        { name: "", image: bundleImage },
        { name: "okd-payload-operator", image: `${OPERATOR_IMAGE}:v${version}` },
      ],
    },
  ];
  return [
    { path: `deploy/olm/bundle/manifests/${OLM_PACKAGE}.clusterserviceversion.yaml`, content: yamlOf(csv) },
    ...allCrds().map((crd) => ({
      path: `deploy/olm/bundle/manifests/${crdBasePath(crd as unknown as ManifestObject).slice("bases/".length)}`,
      content: yamlOf(crd),
    })),
    {
      path: `deploy/olm/bundle/manifests/${prefixed(service.metadata.name as string)}_v1_service.yaml`,
      content: yamlOf(serviceObject),
    },
    {
      path: `deploy/olm/bundle/manifests/${prefixed(rule.metadata.name as string)}_monitoring.coreos.com_v1_prometheusrule.yaml`,
      content: yamlOf(ruleObject),
    },
    {
      path: `deploy/olm/bundle/manifests/${prefixed(monitor.metadata.name as string)}_monitoring.coreos.com_v1_servicemonitor.yaml`,
      content: yamlOf(monitorObject),
    },
    { path: "deploy/olm/bundle/metadata/annotations.yaml", content: yamlOf({ annotations }) },
    {
      path: "deploy/olm/bundle.Dockerfile",
      content: [
        GENERATED_HEADER.trimEnd(),
        `# The bundle image: podman build -f deploy/olm/bundle.Dockerfile -t ${bundleImage} deploy/olm`,
        "FROM scratch",
        ...labels,
        "COPY bundle/manifests /manifests/",
        "COPY bundle/metadata /metadata/",
        "",
      ].join("\n"),
    },
    {
      path: `deploy/olm/catalog/${OLM_PACKAGE}/catalog.yaml`,
      content: GENERATED_HEADER + catalog.map((blob) => stringify(blob, { lineWidth: 0 })).join("---\n"),
    },
    {
      path: "deploy/olm/install/catalog-source.yaml",
      content: yamlOf({
        apiVersion: "operators.coreos.com/v1alpha1",
        kind: "CatalogSource",
        metadata: { name: `${OLM_PACKAGE}-catalog`, namespace: CATALOG_NAMESPACE },
        spec: {
          sourceType: "grpc",
          image: `${CATALOG_IMAGE}:latest`,
          displayName: "OKD Payload Operator",
          publisher: "OKD Community",
          grpcPodConfig: { securityContextConfig: "restricted" },
          updateStrategy: { registryPoll: { interval: "60m" } },
        },
      }),
    },
    {
      path: "deploy/olm/install/subscription.yaml",
      content:
        GENERATED_HEADER +
        [
          { apiVersion: "v1", kind: "Namespace", metadata: { name: INSTALL_NAMESPACE } },
          {
            // No targetNamespaces: AllNamespaces (set spec.targetNamespaces: [NS] to watch one namespace).
            apiVersion: "operators.coreos.com/v1",
            kind: "OperatorGroup",
            metadata: { name: OLM_PACKAGE, namespace: INSTALL_NAMESPACE },
            spec: {},
          },
          {
            apiVersion: "operators.coreos.com/v1alpha1",
            kind: "Subscription",
            metadata: { name: OLM_PACKAGE, namespace: INSTALL_NAMESPACE },
            spec: {
              channel: OLM_CHANNEL,
              name: OLM_PACKAGE,
              source: `${OLM_PACKAGE}-catalog`,
              sourceNamespace: CATALOG_NAMESPACE,
              installPlanApproval: "Automatic",
            },
          },
        ]
          .map((o) => stringify(o, { lineWidth: 0 }))
          .join("---\n"),
    },
    {
      path: "deploy/olm/catalog.Dockerfile",
      content: [
        GENERATED_HEADER.trimEnd(),
        `# The catalog image (what opm generate dockerfile writes): podman build -f deploy/olm/catalog.Dockerfile -t ${CATALOG_IMAGE}:latest deploy/olm`,
        "FROM quay.io/operator-framework/opm:latest",
        'ENTRYPOINT ["/bin/opm"]',
        'CMD ["serve", "/configs", "--cache-dir=/tmp/cache"]',
        "ADD catalog /configs",
        'RUN ["/bin/opm", "serve", "/configs", "--cache-dir=/tmp/cache", "--cache-only"]',
        "LABEL operators.operatorframework.io.index.configs.v1=/configs",
        "",
      ].join("\n"),
    },
  ];
}
