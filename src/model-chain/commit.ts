// The seam to the fleet state (src/state, built with the lifecycle job): model-chain calls it
// only when the `commit` input is true; tests swap it through run()'s deps.
import type { Reporter } from "../action/reporter.js";
import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import { commitModelReport as commitToState } from "../state/index.js";
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

/** Records the report in the fleet state (one commit, none when the outcome is unchanged). */
export type CommitModelReport = (commit: ModelReportCommit) => Promise<{ changed: boolean }>;

/** Through the lifecycle state store: same file, same single-commit and concurrency rules. */
export const commitModelReport: CommitModelReport = async ({ forge, repo, config, report, reporter }) => {
  const { changed } = await commitToState(forge, repo, config, report, { reporter });
  return { changed };
};
