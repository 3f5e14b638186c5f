import type { Reporter } from "../action/reporter.js";
import type { ForgeClient } from "../forge/client.js";
import type { FleetState } from "../state/schema.js";
import { timestamp } from "../state/time.js";
import { scanActivity } from "./activity.js";
import { scanIssues } from "./issues.js";
import { monitoredAgents, type Observations } from "./monitor.js";

export interface ObserveOptions {
  repos: readonly string[];
  configAgents: readonly string[];
  nowMs: number;
  idleAfterMs: number;
  reporter: Reporter;
}

/** Everything the monitor reads from the forge, once per run (a retry re-applies it to a fresh state). */
export async function observe(
  forge: ForgeClient,
  state: FleetState,
  options: ObserveOptions,
): Promise<Observations> {
  const agents = monitoredAgents(state, options.configAgents);
  const windowStartMs = options.nowMs - options.idleAfterMs;
  const [activity, issues] = await Promise.all([
    scanActivity(forge, {
      repos: options.repos,
      agents,
      windowStartMs,
      warn: (line) => options.reporter.warning(line),
    }),
    scanIssues(forge, {
      repos: options.repos,
      cursors: state.issuesScannedSince,
      windowStart: timestamp(windowStartMs),
      nowMs: options.nowMs,
    }),
  ]);
  const changed = issues.reduce((sum, scan) => sum + scan.issues.length, 0);
  options.reporter.info(
    `Watched ${agents.length} agent(s) in ${options.repos.join(", ")}: ${activity.repoFeedPages} repo feed page(s), ` +
      `${activity.userFeeds.length} user feed(s) for agents the repo feeds did not show; ${changed} issue(s) to check for task outcomes`,
  );
  return { seen: activity.seen, issues };
}
