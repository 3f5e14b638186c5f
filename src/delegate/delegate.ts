import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import { isNotFound } from "../forge/errors.js";
import type { Issue, User } from "../forge/types.js";
import { assign, commentOnce } from "./apply.js";
import { delegationComment } from "./comment.js";
import { addToWorkload, countWorkload, renderDashboard, totalsOf, type Workload } from "./dashboard.js";
import {
  type AgentChoice,
  type Choice,
  needsWorkload,
  pickAgent,
  type Ranking,
  rankAgents,
  skipReason,
} from "./decide.js";

export interface Assignment {
  repo: string;
  issue: number;
  agent: string;
  score: number;
  matched: string[];
}

/** One line of the decision log: an issue delegated, or left alone and why. */
export interface Decision {
  repo: string;
  issue: number;
  title: string;
  agent: string | undefined;
  reason: string;
}

export interface DelegateJob {
  forge: ForgeClient;
  config: FleetConfig;
  /** Monitored repositories. */
  repos: string[];
  /** Lifecycle state per agent (empty when there is no state file). */
  agentStates: ReadonlyMap<string, string>;
  dryRun: boolean;
  log: (line: string) => void;
}

/** An assignment a sweep has decided on and not yet carried out. */
interface Planned {
  repo: string;
  issue: Issue;
  choice: AgentChoice;
  decision: Decision;
}

export interface DelegateResult {
  assignments: Assignment[];
  decisions: Decision[];
  /** Markdown; undefined when no issue lists were read (event mode without a tie or capacity limit). */
  dashboard: string | undefined;
}

/** Untrusted titles go to the log as one quoted line: no newlines, no workflow commands. */
export function quoteTitle(title: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const flat = title.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 77)}...` : flat);
}

function decisionLine(decision: Decision, dryRun: boolean): string {
  const ref = `${decision.repo}#${decision.issue} ${quoteTitle(decision.title)}`;
  if (!decision.agent) return `- ${ref}: left alone: ${decision.reason}`;
  return `- ${ref}: ${dryRun ? "would assign" : "assigned"} @${decision.agent}: ${decision.reason}`;
}

async function listAll(forge: ForgeClient, repos: readonly string[]): Promise<Map<string, Issue[]>> {
  const lists = await Promise.all(repos.map((repo) => forge.listOpenIssues(repo)));
  return new Map(repos.map((repo, index) => [repo, lists[index]!]));
}

/**
 * Assigns, verifies, comments; nothing is written in dry-run. The "assigned" line is logged
 * only once the forge has recorded the assignee, so a log never claims what did not happen.
 */
async function carryOut(job: DelegateJob, planned: Planned) {
  const { repo, issue, choice, decision } = planned;
  if (job.dryRun) {
    job.log(decisionLine(decision, true));
    return;
  }
  await assign(job.forge, repo, issue.number, choice.agent);
  job.log(decisionLine(decision, false));
  if (!job.config.delegation.comment) return;
  const body = delegationComment(choice, job.config.delegation.skipLabels);
  const outcome = await commentOnce(job.forge, repo, issue.number, body, issue.comments);
  if (outcome === "already")
    job.log(`  ${repo}#${issue.number}: delegation comment already there, not posted again`);
}

/** The log line's facts for an issue that was ranked (lifecycle-unavailable agents named too). */
function decisionFor(repo: string, issue: Issue, choice: Choice, ranking: Ranking): Decision {
  const passedOver = ranking.unavailable.map(({ agent, state }) => `${agent} is ${state}`);
  return {
    repo,
    issue: issue.number,
    title: issue.title,
    agent: choice.agent,
    reason: [choice.reason, ...passedOver].join("; "),
  };
}

function toAssignment(repo: string, issue: number, choice: AgentChoice): Assignment {
  return { repo, issue, agent: choice.agent, score: choice.score, matched: choice.matched };
}

/** Plans a sweep (pure): oldest issues first, capacity counted as assignments are planned. */
export function planSweep(
  issuesByRepo: ReadonlyMap<string, readonly Issue[]>,
  workload: Workload,
  config: FleetConfig,
  agentStates: ReadonlyMap<string, string>,
): { decisions: Decision[]; planned: Planned[] } {
  const decisions: Decision[] = [];
  const planned: Planned[] = [];
  for (const [repo, issues] of issuesByRepo) {
    for (const issue of [...issues].sort((a, b) => a.number - b.number)) {
      const skip = skipReason(issue, config);
      if (skip) {
        decisions.push({ repo, issue: issue.number, title: issue.title, agent: undefined, reason: skip });
        continue;
      }
      const ranking = rankAgents(issue, config, agentStates);
      const choice = pickAgent(ranking, config, agentStates, totalsOf(workload));
      const decision = decisionFor(repo, issue, choice, ranking);
      decisions.push(decision);
      if (choice.agent === undefined) continue;
      const chosen = { ...choice, agent: choice.agent };
      planned.push({ repo, issue, choice: chosen, decision });
      addToWorkload(workload, chosen.agent, repo);
    }
  }
  return { decisions, planned };
}

/** Sweep: every open, unassigned issue of the monitored repos, from one list request per page. */
export async function sweep(job: DelegateJob): Promise<DelegateResult> {
  const issuesByRepo = await listAll(job.forge, job.repos);
  const workload = countWorkload(issuesByRepo, job.config);
  const { decisions, planned } = planSweep(issuesByRepo, workload, job.config, job.agentStates);
  // Issues left alone are logged now; each assignment when the forge has recorded it.
  for (const decision of decisions) if (!decision.agent) job.log(decisionLine(decision, job.dryRun));
  if (!job.dryRun) await checkAssignable(job, planned);
  for (const entry of planned) await carryOut(job, entry);
  return {
    assignments: planned.map(({ repo, issue, choice }) => toAssignment(repo, issue.number, choice)),
    decisions,
    dashboard: renderDashboard(workload, job.config, job.agentStates),
  };
}

/**
 * Before the first write, every planned agent must be assignable in its repository
 * (one request per repo): an agent without access fails the run with nothing changed,
 * instead of a blank 500 halfway through.
 */
async function checkAssignable(job: DelegateJob, planned: readonly Planned[]): Promise<void> {
  const repos = [...new Set(planned.map((entry) => entry.repo))];
  const problems: string[] = [];
  await Promise.all(
    repos.map(async (repo) => {
      let assignable: User[];
      try {
        assignable = await job.forge.listAssignees(repo);
      } catch (error) {
        // A forge without this endpoint: each assignment is still verified after its PATCH.
        if (!isNotFound(error)) throw error;
        job.log(`  ${repo}: cannot list assignable users (404): agents are checked as they are assigned`);
        return;
      }
      const users = new Set(assignable.map((user) => user.login.toLowerCase()));
      const agents = new Set(
        planned.filter((entry) => entry.repo === repo).map((entry) => entry.choice.agent),
      );
      for (const agent of agents) if (!users.has(agent.toLowerCase())) problems.push(`${agent} in ${repo}`);
    }),
  );
  if (problems.length > 0) {
    throw new Error(
      `nothing was assigned: these agents cannot be assigned issues (no write access): ${problems.sort().join(", ")}`,
    );
  }
}

/** Status: the dashboard only. */
export async function status(job: DelegateJob): Promise<DelegateResult> {
  const issuesByRepo = await listAll(job.forge, job.repos);
  const workload = countWorkload(issuesByRepo, job.config);
  return {
    assignments: [],
    decisions: [],
    dashboard: renderDashboard(workload, job.config, job.agentStates),
  };
}

/**
 * Event mode: one issue. Reads it fresh (the payload may be stale, and a re-run must see
 * its own earlier assignment), lists issues only when a tie or a capacity limit needs the
 * workload, then assigns and comments: 3-4 requests in the common case.
 */
export async function delegateIssue(job: DelegateJob, repo: string, number: number): Promise<DelegateResult> {
  const issue = await job.forge.getIssue(repo, number);
  const skip = skipReason(issue, job.config);
  if (skip) {
    const decision = { repo, issue: number, title: issue.title, agent: undefined, reason: skip };
    job.log(decisionLine(decision, job.dryRun));
    return { assignments: [], decisions: [decision], dashboard: undefined };
  }
  const ranking = rankAgents(issue, job.config, job.agentStates);
  let workload: Workload | undefined;
  if (needsWorkload(ranking, job.config)) {
    const repos = job.repos.includes(repo) ? job.repos : [...job.repos, repo];
    workload = countWorkload(await listAll(job.forge, repos), job.config);
  }
  const choice = pickAgent(ranking, job.config, job.agentStates, workload && totalsOf(workload));
  const decision = decisionFor(repo, issue, choice, ranking);
  if (choice.agent === undefined) {
    job.log(decisionLine(decision, job.dryRun));
    return {
      assignments: [],
      decisions: [decision],
      dashboard: workload && renderDashboard(workload, job.config, job.agentStates),
    };
  }
  const chosen = { ...choice, agent: choice.agent };
  await carryOut(job, { repo, issue, choice: chosen, decision });
  if (workload) addToWorkload(workload, chosen.agent, repo);
  return {
    assignments: [toAssignment(repo, number, chosen)],
    decisions: [decision],
    dashboard: workload && renderDashboard(workload, job.config, job.agentStates),
  };
}
