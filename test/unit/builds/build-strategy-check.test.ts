import { describe, expect, it } from "vitest";
import { checkRunAgainstStrategy } from "../../../src/devcluster/builds/build-strategy-check.js";
import type { BuildRunObject, BuildStrategyObject } from "../../../src/devcluster/builds/upstream-objects.js";

const strategy: BuildStrategyObject = {
  metadata: { name: "s" },
  spec: {
    parameters: [
      { name: "dockerfile", default: "Dockerfile" },
      { name: "build-args", type: "array", defaults: [] },
      { name: "required" },
    ],
    steps: [{ name: "build-and-push" }],
  },
};

const run = (
  params: unknown[],
  runParams: unknown[] = [],
  extra: Record<string, unknown> = {},
): BuildRunObject =>
  ({
    metadata: { name: "r", namespace: "ns" },
    spec: {
      paramValues: runParams,
      build: {
        spec: { strategy: { name: "s", kind: "ClusterBuildStrategy", ...extra }, paramValues: params },
      },
    },
  }) as BuildRunObject;

describe("checkRunAgainstStrategy (Shipwright's parameter and stepResources validation)", () => {
  it("accepts declared parameters with values of the declared type", () => {
    expect(
      checkRunAgainstStrategy(
        run([
          { name: "required", value: "x" },
          { name: "build-args", values: [{ value: "A=1" }] },
        ]),
        strategy,
      ),
    ).toBeUndefined();
  });

  it("names system parameters first, then every undeclared parameter", () => {
    expect(checkRunAgainstStrategy(run([{ name: "shp-output-image", value: "x" }]), strategy)?.reason).toBe(
      "RestrictedParametersInUse",
    );
    expect(
      checkRunAgainstStrategy(
        run([
          { name: "from", value: "x" },
          { name: "required", value: "y" },
          { name: "env", values: [] },
        ]),
        strategy,
      ),
    ).toEqual({
      reason: "UndefinedParameter",
      message: "The following parameters are not defined in the build strategy: from, env",
    });
  });

  it("reports wrong value types and missing required values; the BuildRun's values win over the build's", () => {
    expect(
      checkRunAgainstStrategy(run([{ name: "required", values: [{ value: "x" }] }]), strategy)?.reason,
    ).toBe("WrongParameterValueType");
    expect(checkRunAgainstStrategy(run([]), strategy)).toEqual({
      reason: "MissingParameterValues",
      message: "The following parameters are required but no value has been provided: required",
    });
    expect(
      checkRunAgainstStrategy(
        run([{ name: "required", values: [] }], [{ name: "required", value: "ok" }]),
        strategy,
      ),
    ).toBeUndefined();
  });

  it("refuses stepResources naming a step the strategy lacks", () => {
    const steps = (name: string) => ({ stepResources: [{ name, resources: { limits: { memory: "8Gi" } } }] });
    const params = [{ name: "required", value: "x" }];
    expect(checkRunAgainstStrategy(run(params, [], steps("build-and-push")), strategy)).toBeUndefined();
    expect(checkRunAgainstStrategy(run(params, [], steps("build")), strategy)?.reason).toBe(
      "UndefinedStepResource",
    );
  });
});
