/** Pure PayloadBuild logic: component graph, validation, plan, scheduler, simulation, import. */
export * from "./component-graph.js";
export * from "./cycles.js";
export * from "./image-reference.js";
export * from "./resolve-component.js";
export * from "./validate-payload.js";
export * from "./levels.js";
export * from "./weights.js";
export * from "./critical-path.js";
export * from "./lower-bound.js";
export * from "./scheduler.js";
export * from "./durations.js";
export * from "./simulate.js";
export * from "./plan.js";
export * from "./import-buildconfigs.js";
