export { ApiError } from "./errors.js";
export {
  type ActivitySummary,
  type CommitSummary,
  GiteaSandbox,
  type GiteaSandboxOptions,
  type SeedIssue,
} from "./sandbox.js";
export type { RequestRecord } from "./server.js";
export { API as GITEA_API } from "./swagger.js";
export type { Permission } from "./types.js";
