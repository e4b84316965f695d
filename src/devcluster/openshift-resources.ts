/**
 * The OpenShift and Shipwright kinds the operator uses, served from minimal schemas of our own
 * (the fields the operator reads and writes are declared; the rest is preserved as sent).
 */
import { builtIn } from "./builtin-resources.js";
import type { ResourceDefinition } from "./resource-definition.js";
import {
  anyObject,
  arr,
  condition,
  int,
  kindSchema,
  obj,
  objectReference,
  str,
  strMap,
} from "./schema-builders.js";

const preserve = { "x-kubernetes-preserve-unknown-fields": true };
const envVar = obj({ name: str(), value: str(), valueFrom: anyObject() }, { required: ["name"] });

const buildSpecProps = {
  serviceAccount: str(),
  source: obj(
    {
      type: str(),
      git: obj({ uri: str(), ref: str() }, preserve),
      contextDir: str(),
      dockerfile: str(),
      images: arr(anyObject()),
    },
    preserve,
  ),
  strategy: obj(
    {
      type: str(),
      dockerStrategy: obj(
        {
          from: objectReference(),
          dockerfilePath: str(),
          env: arr(envVar),
          buildArgs: arr(envVar),
          noCache: { type: "boolean" },
          imageOptimizationPolicy: str(),
        },
        preserve,
      ),
    },
    preserve,
  ),
  output: obj(
    {
      to: objectReference(),
      pushSecret: obj({ name: str() }),
      imageLabels: arr(obj({ name: str(), value: str() })),
    },
    preserve,
  ),
  resources: anyObject(),
  completionDeadlineSeconds: int(),
  nodeSelector: strMap(),
  triggeredBy: arr(anyObject()),
  revision: anyObject(),
  postCommit: anyObject(),
};

const buildStatusProps = {
  phase: str({ enum: ["New", "Pending", "Running", "Complete", "Failed", "Error", "Cancelled"] }),
  cancelled: { type: "boolean" },
  reason: str(),
  message: str(),
  logSnippet: str(),
  startTimestamp: str({ format: "date-time" }),
  completionTimestamp: str({ format: "date-time" }),
  duration: int(),
  outputDockerImageReference: str(),
  config: objectReference(),
  output: obj({ to: obj({ imageDigest: str() }) }, preserve),
  stages: arr(anyObject()),
  conditions: arr(condition()),
};

/** imagestreams, buildconfigs (+instantiate), builds, shipwright builds and buildruns. */
export function openShiftResources(): ResourceDefinition[] {
  return [
    builtIn({
      group: "image.openshift.io",
      version: "v1",
      plural: "imagestreams",
      singular: "imagestream",
      kind: "ImageStream",
      namespaced: true,
      shortNames: ["is"],
      statusSubresource: true,
      printerColumns: [
        { name: "Image Repository", type: "string", jsonPath: ".status.publicDockerImageRepository" },
        { name: "Tags", type: "string", jsonPath: ".status.tags[*].tag" },
      ],
      schema: kindSchema("An ImageStream stores a mapping of tags to images.", {
        spec: obj(
          {
            lookupPolicy: obj({ local: { type: "boolean" } }),
            dockerImageRepository: str(),
            tags: arr(
              obj(
                {
                  name: str(),
                  annotations: strMap(),
                  from: objectReference(),
                  reference: { type: "boolean" },
                  generation: int({ nullable: true }),
                  importPolicy: anyObject(),
                  referencePolicy: anyObject(),
                },
                { required: ["name"], ...preserve },
              ),
            ),
          },
          preserve,
        ),
        status: obj(
          {
            dockerImageRepository: str(),
            publicDockerImageRepository: str(),
            tags: arr(
              obj({
                tag: str(),
                items: arr(
                  obj({ created: str(), dockerImageReference: str(), image: str(), generation: int() }),
                ),
                conditions: arr(
                  obj({
                    type: str(),
                    status: str(),
                    lastTransitionTime: str(),
                    reason: str(),
                    message: str(),
                    generation: int(),
                  }),
                ),
              }),
            ),
          },
          preserve,
        ),
      }),
    }),
    builtIn({
      group: "build.openshift.io",
      version: "v1",
      plural: "buildconfigs",
      singular: "buildconfig",
      kind: "BuildConfig",
      namespaced: true,
      shortNames: ["bc"],
      statusSubresource: true,
      extraSubresources: ["instantiate"],
      printerColumns: [
        { name: "Type", type: "string", jsonPath: ".spec.strategy.type" },
        { name: "From", type: "string", jsonPath: ".spec.source.type" },
        { name: "Latest", type: "integer", jsonPath: ".status.lastVersion" },
      ],
      schema: kindSchema("Build configurations define a build process for new container images.", {
        spec: obj(
          {
            ...buildSpecProps,
            runPolicy: str({ default: "Serial" }),
            triggers: arr(anyObject()),
            successfulBuildsHistoryLimit: int(),
            failedBuildsHistoryLimit: int(),
          },
          preserve,
        ),
        status: obj(
          { lastVersion: int({ format: "int64" }), imageChangeTriggers: arr(anyObject()) },
          preserve,
        ),
      }),
    }),
    builtIn({
      group: "build.openshift.io",
      version: "v1",
      plural: "builds",
      singular: "build",
      kind: "Build",
      namespaced: true,
      statusSubresource: true,
      printerColumns: [
        { name: "Type", type: "string", jsonPath: ".spec.strategy.type" },
        { name: "From", type: "string", jsonPath: ".spec.source.type" },
        { name: "Status", type: "string", jsonPath: ".status.phase" },
        { name: "Started", type: "date", jsonPath: ".status.startTimestamp" },
      ],
      schema: kindSchema("Build encapsulates the inputs needed to produce a new deployable image.", {
        spec: obj(buildSpecProps, preserve),
        status: obj(buildStatusProps, preserve),
      }),
    }),
    builtIn({
      group: "shipwright.io",
      version: "v1beta1",
      plural: "builds",
      singular: "build",
      kind: "Build",
      namespaced: true,
      statusSubresource: true,
      categories: ["shipwright"],
      schema: kindSchema("Build is the Schema representing a Build definition.", {
        spec: obj(
          {
            source: anyObject(),
            strategy: obj({ name: str(), kind: str() }, preserve),
            paramValues: arr(anyObject()),
            output: obj(
              { image: str(), pushSecret: str(), annotations: strMap(), labels: strMap(), timestamp: str() },
              preserve,
            ),
            timeout: str(),
            env: arr(envVar),
            retention: anyObject(),
            volumes: arr(anyObject()),
            nodeSelector: strMap(),
          },
          preserve,
        ),
        status: anyObject(),
      }),
    }),
    builtIn({
      group: "shipwright.io",
      version: "v1beta1",
      plural: "buildruns",
      singular: "buildrun",
      kind: "BuildRun",
      namespaced: true,
      shortNames: ["br", "brs"],
      statusSubresource: true,
      categories: ["shipwright"],
      printerColumns: [
        { name: "Succeeded", type: "string", jsonPath: '.status.conditions[?(@.type=="Succeeded")].status' },
        { name: "Reason", type: "string", jsonPath: '.status.conditions[?(@.type=="Succeeded")].reason' },
        { name: "StartTime", type: "date", jsonPath: ".status.startTime" },
        { name: "CompletionTime", type: "date", jsonPath: ".status.completionTime" },
      ],
      schema: kindSchema("BuildRun is the Schema representing an instance of build execution.", {
        spec: obj(
          {
            build: obj({ name: str(), spec: anyObject() }),
            paramValues: arr(anyObject()),
            output: anyObject(),
            timeout: str(),
            env: arr(envVar),
            serviceAccount: str(),
            state: str(),
            retention: anyObject(),
          },
          preserve,
        ),
        status: obj(
          {
            conditions: arr(condition()),
            startTime: str(),
            completionTime: str(),
            taskRunName: str(),
            output: obj({ digest: str(), size: int() }, preserve),
            source: anyObject(),
            buildSpec: anyObject(),
            failureDetails: anyObject(),
          },
          preserve,
        ),
      }),
    }),
  ];
}
