/**
 * A synthetic OKD-shaped PayloadBuild of N components and the simulation profile that fills its
 * images: a few roots (forked-dockerfiles, builder, base, cli), the Cluster Version Operator, then
 * operands and operators in a wide, shallow graph (most built `from: base`, some from an earlier
 * operand, depth at most 4), `spec.defaults` injecting builder and cli into every component as the
 * sample does, one operator in eight with `image-references` naming 1-3 operands and cli, and one
 * prebuilt component. Deterministic (a fixed LCG), so every run benchmarks the same payload.
 */
import type { PayloadBuildInput } from "../../src/api/index.js";
import type { ComponentProfile, SimulationProfile } from "../../src/devcluster/builds/index.js";

/** What {@link syntheticOkdPayload} makes. */
export interface SyntheticOkdPayload {
  readonly payloadBuild: PayloadBuildInput;
  readonly profile: SimulationProfile;
  readonly operators: number;
}

/** Options of {@link syntheticOkdPayload}. */
export interface SyntheticOkdPayloadOptions {
  readonly components: number;
  readonly namespace: string;
  readonly concurrency: number;
  /** `docker://REGISTRY/REPOSITORY` of the release. */
  readonly releaseTo: string;
  /** Simulated build duration of every component before the speed factor. */
  readonly durationMs: number;
  /** The CVO and external image entries are taken from this profile (the sample's). */
  readonly baseProfile: SimulationProfile;
}

type Component = PayloadBuildInput["spec"]["components"][number];

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

const git = (repo: string) => ({ git: { uri: `https://github.com/openshift/${repo}`, ref: "release-4.17" } });

/** Builds the payload (see the module documentation). Throws below 8 components. */
export function syntheticOkdPayload(options: SyntheticOkdPayloadOptions): SyntheticOkdPayload {
  const n = options.components;
  if (n < 8) throw new RangeError("the synthetic payload needs at least 8 components");
  const random = lcg(n);
  const centos = "quay.io/centos/centos:stream9";
  const components: Component[] = [
    {
      name: "forked-dockerfiles",
      source: { ...git("okd-payload-pipeline"), contextDir: "forks" },
      skipDefaults: true,
    },
    { name: "builder", source: git("images"), from: centos, skipDefaults: true },
    { name: "base", source: git("images"), from: centos, skipDefaults: true },
    { name: "cli", source: git("oc"), from: "base", skipDefaultInputs: ["cli"] },
    { name: "cluster-version-operator", source: git("cluster-version-operator"), from: "base" },
    { name: "kuryr-cni", image: "registry.access.redhat.com/ubi9-minimal:9.4" },
  ];
  const depth = new Map<string, number>([["base", 1]]);
  const operands: string[] = [];
  const profiles: Record<string, ComponentProfile> = {};
  let operators = 0;
  for (let i = components.length; i < n; i++) {
    if (i % 8 === 0 && operands.length > 0) {
      const name = `component-${i}-operator`;
      const references = new Set<string>(["cli"]);
      const count = 1 + Math.floor(random() * 3);
      for (let k = 0; k < count; k++)
        references.add(operands[Math.floor(random() * operands.length)] ?? "base");
      components.push({ name, source: git(name), from: "base" });
      profiles[name] = { operator: true, references: [...references] };
      operators += 1;
      continue;
    }
    const name = `component-${i}`;
    const candidate = operands[operands.length - 1 - Math.floor(random() * Math.min(8, operands.length))];
    const parentDepth = candidate === undefined ? undefined : depth.get(candidate);
    const from =
      candidate !== undefined && parentDepth !== undefined && parentDepth < 3 && random() < 0.2
        ? candidate
        : "base";
    depth.set(name, (depth.get(from) ?? 1) + 1);
    components.push({ name, source: git(name), from });
    operands.push(name);
  }
  const cvo = options.baseProfile.components?.["cluster-version-operator"];
  return {
    operators,
    profile: {
      defaults: { durationMs: options.durationMs },
      components: {
        ...profiles,
        ...(cvo === undefined
          ? {}
          : { "cluster-version-operator": { ...cvo, durationMs: options.durationMs } }),
      },
      ...(options.baseProfile.externalImages === undefined
        ? {}
        : { externalImages: options.baseProfile.externalImages }),
    },
    payloadBuild: {
      apiVersion: "payload.okd.io/v1alpha1",
      kind: "PayloadBuild",
      metadata: { name: `synthetic-${n}`, namespace: options.namespace },
      spec: {
        imageStream: "release",
        concurrency: options.concurrency,
        backend: "openshift",
        defaults: {
          inputs: [
            {
              from: "builder",
              as: ["registry.ci.openshift.org/ocp/builder:rhel-9-golang-1.22-openshift-4.17"],
            },
            { from: "cli", as: ["registry.ci.openshift.org/ocp/4.17:cli"] },
          ],
        },
        components,
        release: {
          name: "4.17.0-0.okd-scos-2026-11-22-000000",
          to: options.releaseTo,
          baseComponent: "cluster-version-operator",
        },
      },
    },
  };
}
