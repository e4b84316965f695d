/** The simulated job runner: finishes batch/v1 Jobs as a test configures, through the API only. */
export { JobBehaviours, jobRunnerAddon, startJobRunner } from "./job-runner.js";
export type { JobBehaviour, JobRunnerAddon, JobRunnerOptions, RunningJobRunner } from "./job-runner.js";
export { JOB_OBJECTS, jobObjectSchema } from "./upstream-job.js";
export type { JobObject, JobCondition } from "./upstream-job.js";
