// The seam to the fleet state (built by the lifecycle job in src/state): model-chain only
// calls it, with this signature, when the `commit` input is true.
import type { Reporter } from "../action/reporter.js";
import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import type { ChainReport } from "./report.js";

export interface ModelReportCommit {
  forge: ForgeClient;
  /** `owner/name` of the fleet repository whose state records the report. */
  repo: string;
  /** For `lifecycle.state-path` and `lifecycle.dashboard-path`. */
  config: FleetConfig;
  report: ChainReport;
  reporter: Reporter;
}

/** Records the report in the fleet state (one commit, none when nothing changed). */
export type CommitModelReport = (commit: ModelReportCommit) => Promise<{ changed: boolean }>;

/** Not available until src/state provides it: `commit: true` then fails as a usage error. */
export const commitModelReport: CommitModelReport | undefined = undefined;
