import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import { isNotFound } from "../forge/errors.js";
import type { Issue, User } from "../forge/types.js";
import { assign, commentOnce } from "./apply.js";
import { delegationComment } from "./comment.js";
import {
  addToWorkload,
  countWorkload,
  renderDashboard,
  renderReleased,
  totalsOf,
  type Workload,
} from "./dashboard.js";
import {
  type AgentChoice,
  type Choice,
  needsWorkload,
  pickAgent,
  type Ranking,
  rankAgents,
  skipReason,
} from "./decide.js";
import {
  carryOutRelease,
  LabelCache,
  type PlannedRelease,
  type Release,
  readExclusions,
  reviewStalls,
  toReleases,
} from "./release.js";

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
  /** The clock of the stall rules; default Date.now. */
  now?: () => number;
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
  /** Agents released from stalled issues (sweep mode). */
  released: Release[];
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

/**
 * Plans a sweep (pure): oldest issues first, capacity counted as assignments are planned;
 * agents ever removed from an issue (`exclusions`) are never given it again.
 */
export function planSweep(
  issuesByRepo: ReadonlyMap<string, readonly Issue[]>,
  workload: Workload,
  config: FleetConfig,
  agentStates: ReadonlyMap<string, string>,
  exclusions: ReadonlyMap<Issue, ReadonlySet<string>> = new Map(),
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
      const excluded = exclusions.get(issue);
      const ranking = rankAgents(issue, config, agentStates, excluded);
      const choice = pickAgent(ranking, config, agentStates, totalsOf(workload), excluded);
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

function releaseLine(release: PlannedRelease, dryRun: boolean): string {
  const ref = `${release.repo}#${release.issue.number} ${quoteTitle(release.issue.title)}`;
  const then = release.needsHuman
    ? `labelled ${release.nobodyWhy ? `(${release.nobodyWhy}) ` : ""}for a person`
    : release.successor
      ? `${dryRun ? "would delegate" : "delegated"} again to @${release.successor.agent}: ${release.successor.reason}`
      : `left unassigned: ${release.nobodyWhy}`;
  return `- ${ref}: ${dryRun ? "would release" : "released"} @${release.agent}: ${release.why}; ${then}`;
}

/**
 * Sweep: first the issues fleet agents hold (stalled ones are released and delegated again),
 * then every open, unassigned issue of the monitored repos, from one list request per page.
 */
export async function sweep(job: DelegateJob): Promise<DelegateResult> {
  const issuesByRepo = await listAll(job.forge, job.repos);
  const workload = countWorkload(issuesByRepo, job.config);
  const review = await reviewStalls(
    { forge: job.forge, config: job.config, agentStates: job.agentStates, nowMs: (job.now ?? Date.now)() },
    issuesByRepo,
    workload,
  );
  const rest = new Map(
    [...issuesByRepo].map(([repo, issues]) => [repo, issues.filter((issue) => !review.handled.has(issue))]),
  );
  const delegable = [...rest].flatMap(([repo, issues]) =>
    issues.filter((issue) => !skipReason(issue, job.config)).map((issue) => ({ repo, issue })),
  );
  const exclusions = await readExclusions(job.forge, delegable);
  const { decisions, planned } = planSweep(rest, workload, job.config, job.agentStates, exclusions);
  const kept: Decision[] = review.kept.map((entry) => ({
    repo: entry.repo,
    issue: entry.issue.number,
    title: entry.issue.title,
    agent: undefined,
    reason: `held by ${entry.agents.join(", ")}: ${entry.why}`,
  }));
  // Issues left alone are logged now; each release and assignment when the forge has recorded it.
  for (const decision of kept) job.log(decisionLine(decision, job.dryRun));
  for (const decision of decisions) if (!decision.agent) job.log(decisionLine(decision, job.dryRun));
  job.log(
    `  stall review: ${review.timelineReads} timeline(s) read for ${review.handled.size} issue(s) held by agents; ${exclusions.size} more for unassigned issues changed since they were opened`,
  );
  const redelegated = review.releases.flatMap((release) =>
    release.successor ? [{ repo: release.repo, issue: release.issue, choice: release.successor }] : [],
  );
  if (!job.dryRun) {
    await checkAssignable(job, [...redelegated, ...planned]);
    const labels = new LabelCache(job.forge);
    for (const release of review.releases) {
      await carryOutRelease(job.forge, job.config, labels, release, job.config.delegation.comment);
      job.log(releaseLine(release, false));
    }
  } else for (const release of review.releases) job.log(releaseLine(release, true));
  for (const entry of planned) await carryOut(job, entry);
  const released = toReleases(review.releases);
  return {
    assignments: [...redelegated, ...planned].map(({ repo, issue, choice }) =>
      toAssignment(repo, issue.number, choice),
    ),
    decisions: [...kept, ...decisions],
    dashboard: `${renderDashboard(workload, job.config, job.agentStates)}${renderReleased(released, job.dryRun)}`,
    released,
  };
}

/**
 * Before the first write, every planned agent must be assignable in its repository
 * (one request per repo): an agent without access fails the run with nothing changed,
 * instead of a blank 500 halfway through.
 */
async function checkAssignable(
  job: DelegateJob,
  planned: readonly { repo: string; choice: AgentChoice }[],
): Promise<void> {
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
    released: [],
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
    return { assignments: [], decisions: [decision], dashboard: undefined, released: [] };
  }
  // An issue changed since it was opened may have had agents removed: they never get it back.
  const excluded = (await readExclusions(job.forge, [{ repo, issue }])).get(issue);
  const ranking = rankAgents(issue, job.config, job.agentStates, excluded);
  let workload: Workload | undefined;
  if (needsWorkload(ranking, job.config)) {
    const repos = job.repos.includes(repo) ? job.repos : [...job.repos, repo];
    workload = countWorkload(await listAll(job.forge, repos), job.config);
  }
  const choice = pickAgent(ranking, job.config, job.agentStates, workload && totalsOf(workload), excluded);
  const decision = decisionFor(repo, issue, choice, ranking);
  if (choice.agent === undefined) {
    job.log(decisionLine(decision, job.dryRun));
    return {
      assignments: [],
      decisions: [decision],
      dashboard: workload && renderDashboard(workload, job.config, job.agentStates),
      released: [],
    };
  }
  const chosen = { ...choice, agent: choice.agent };
  await carryOut(job, { repo, issue, choice: chosen, decision });
  if (workload) addToWorkload(workload, chosen.agent, repo);
  return {
    assignments: [toAssignment(repo, number, chosen)],
    decisions: [decision],
    dashboard: workload && renderDashboard(workload, job.config, job.agentStates),
    released: [],
  };
}
