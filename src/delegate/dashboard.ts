import type { FleetConfig } from "../config/config.js";
import type { Issue } from "../forge/types.js";
import { type Align, markdownTable, md } from "../report/markdown.js";
import type { Release } from "./release.js";

/** Open issues per agent per repository, counted from list pages already fetched. */
export interface Workload {
  repos: string[];
  /** agent -> repo -> open issues assigned. */
  byAgent: Map<string, Map<string, number>>;
  /** repo -> open issues nobody is assigned to. */
  unassigned: Map<string, number>;
}

export function countWorkload(
  issuesByRepo: ReadonlyMap<string, readonly Issue[]>,
  config: FleetConfig,
): Workload {
  const agents = new Set(config.agents.map((agent) => agent.name));
  if (config.delegation.fallback) agents.add(config.delegation.fallback);
  const byAgent = new Map<string, Map<string, number>>([...agents].map((agent) => [agent, new Map()]));
  const canonical = new Map([...agents].map((agent) => [agent.toLowerCase(), agent]));
  const unassigned = new Map<string, number>();
  for (const [repo, issues] of issuesByRepo) {
    unassigned.set(repo, 0);
    for (const issue of issues) {
      if (issue.pull_request) continue;
      const assignees = issue.assignees ?? [];
      if (assignees.length === 0) unassigned.set(repo, unassigned.get(repo)! + 1);
      for (const user of assignees) {
        // Gitea logins are case-insensitive; the config may spell them differently.
        const counts = byAgent.get(canonical.get(user.login.toLowerCase()) ?? user.login);
        if (counts) counts.set(repo, (counts.get(repo) ?? 0) + 1);
      }
    }
  }
  return { repos: [...issuesByRepo.keys()], byAgent, unassigned };
}

/** Open issues an agent holds across all counted repositories. */
export function totalsOf(workload: Workload): Map<string, number> {
  return new Map(
    [...workload.byAgent].map(([agent, counts]) => [
      agent,
      [...counts.values()].reduce((sum, n) => sum + n, 0),
    ]),
  );
}

/** Records an assignment made in this run, so later choices and the dashboard see it. */
export function addToWorkload(workload: Workload, agent: string, repo: string): void {
  const counts = workload.byAgent.get(agent) ?? new Map<string, number>();
  workload.byAgent.set(agent, counts);
  counts.set(repo, (counts.get(repo) ?? 0) + 1);
  workload.unassigned.set(repo, Math.max(0, (workload.unassigned.get(repo) ?? 0) - 1));
}

/** The dashboard: one row per agent, one column per repository, plus capacity and state. */
export function renderDashboard(
  workload: Workload,
  config: FleetConfig,
  agentStates: ReadonlyMap<string, string>,
): string {
  const totals = totalsOf(workload);
  const rows = [...workload.byAgent].map(([agent, counts]) => [
    md(`@${agent}`),
    ...workload.repos.map((repo) => counts.get(repo) ?? 0),
    totals.get(agent) ?? 0,
    config.agents.find((entry) => entry.name === agent)?.maxOpen ?? "-",
    agentStates.get(agent) ?? "-",
  ]);
  const unassigned = workload.repos.map((repo) => workload.unassigned.get(repo) ?? 0);
  rows.push([md("_unassigned_"), ...unassigned, unassigned.reduce((sum, n) => sum + n, 0), "", ""]);
  const headers = ["agent", ...workload.repos, "open", "max-open", "state"];
  const align: Align[] = ["left", ...workload.repos.map((): Align => "right"), "right", "right", "left"];
  return `## Fleet workload\n\n${markdownTable(headers, rows, align)}\n`;
}

/** The dashboard's "released" section: agents released from stalled issues in this run; empty when none. */
export function renderReleased(released: readonly Release[], dryRun: boolean): string {
  if (released.length === 0) return "";
  const rows = released.map((entry) => [
    `${entry.repo}#${entry.issue}`,
    md(`@${entry.agent}`),
    entry.why,
    entry.to ? md(`@${entry.to}`) : "nobody",
  ]);
  const title = dryRun ? "Would be released" : "Released";
  return `\n## ${title}\n\n${markdownTable(["issue", "released", "why", "now with"], rows)}\n`;
}
