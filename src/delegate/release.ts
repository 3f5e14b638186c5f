import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import type { Issue, TimelineEvent } from "../forge/types.js";
import { mapLimit } from "../util/pool.js";
import { AssigneeNotRecordedError, commentOnce } from "./apply.js";
import { releaseComment, releaseMarker } from "./comment.js";
import { totalsOf, type Workload } from "./dashboard.js";
import { type AgentChoice, pickAgent, rankAgents } from "./decide.js";
import { excludedAgents, judgeStall, readHistory, type StallSkip, stallCandidates } from "./stall.js";

/** One agent released from one issue: the `released` output's entry. */
export interface Release {
  repo: string;
  issue: number;
  agent: string;
  why: string;
  /** Who has the issue now; null when nobody does. */
  to: string | null;
}

/** Timelines read at once. */
const TIMELINE_CONCURRENCY = 8;

/** A release decided on and not yet carried out. */
export interface PlannedRelease {
  repo: string;
  issue: Issue;
  agent: string;
  why: string;
  /** This release's number on the issue. */
  count: number;
  /** Agents that keep the issue (others assigned with the released one). */
  keep: string[];
  successor: AgentChoice | undefined;
  needsHuman: boolean;
  /** Why there is no successor, for the comment and the log. */
  nobodyWhy: string;
}

/** An issue held by agents that stays as it is, and why (for the log). */
export interface KeptIssue {
  repo: string;
  issue: Issue;
  agents: string[];
  why: string;
}

export interface StallReview {
  releases: PlannedRelease[];
  kept: KeptIssue[];
  /** Issues held by fleet agents: the stall review decided them; the sweep leaves them out. */
  handled: Set<Issue>;
  timelineReads: number;
}

export interface StallReviewJob {
  forge: ForgeClient;
  config: FleetConfig;
  agentStates: ReadonlyMap<string, string>;
  nowMs: number;
}

/** Config agents (and the fallback) by lower-cased login. */
function fleetAgents(config: FleetConfig): Map<string, string> {
  const names = config.agents.map((agent) => agent.name);
  if (config.delegation.fallback) names.push(config.delegation.fallback);
  return new Map(names.map((name) => [name.toLowerCase(), name]));
}

/** The open issues held by at least one fleet agent, with those agents. */
export function heldByAgents(
  issuesByRepo: ReadonlyMap<string, readonly Issue[]>,
  config: FleetConfig,
): { repo: string; issue: Issue; agents: string[] }[] {
  const agents = fleetAgents(config);
  const held: { repo: string; issue: Issue; agents: string[] }[] = [];
  for (const [repo, issues] of issuesByRepo) {
    // Oldest first, as the sweep plans: reruns and logs read in a stable order.
    for (const issue of [...issues].sort((a, b) => a.number - b.number)) {
      if (issue.pull_request || issue.state !== "open") continue;
      const names = (issue.assignees ?? []).flatMap((user) => {
        const name = agents.get(user.login.toLowerCase());
        return name ? [name] : [];
      });
      if (names.length > 0) held.push({ repo, issue, agents: names });
    }
  }
  return held;
}

/**
 * Plans the releases of one issue from its timeline (pure): each assigned agent is judged;
 * when none is left, the issue goes to the best agent never released from it nor removed by
 * a person, or, at max-reclaims, to a person (the needs-human label). The workload moves with it.
 */
export function planReleases(
  repo: string,
  issue: Issue,
  agents: readonly string[],
  events: readonly TimelineEvent[],
  job: Omit<StallReviewJob, "forge">,
  workload: Workload,
): { releases: PlannedRelease[]; why: string } {
  const { config } = job;
  const verdicts = agents.map((agent) => {
    const history = readHistory(events, agent);
    const verdict = judgeStall({
      agent,
      state: job.agentStates.get(agent),
      history,
      nowMs: job.nowMs,
      stallAfterMs: config.delegation.stallAfterMs,
      idleAfterMs: config.lifecycle.idleAfterMs,
    });
    return { agent, history, verdict };
  });
  const released = verdicts.filter((entry) => entry.verdict.release);
  const why = verdicts.map((entry) => entry.verdict.why).join("; ");
  if (released.length === 0) return { releases: [], why };
  const keep = verdicts.filter((entry) => !entry.verdict.release).map((entry) => entry.agent);
  const excluded = new Set(released[0]!.history.removed);
  for (const entry of released) excluded.add(entry.agent.toLowerCase());
  let count = released[0]!.history.releases;
  let successor: AgentChoice | undefined;
  let needsHuman = false;
  let nobodyWhy = keep.length > 0 ? `still held by ${keep.join(", ")}` : "";
  for (const entry of released) removeFromWorkload(workload, entry.agent, repo);
  if (keep.length === 0) {
    if (count + released.length >= config.delegation.maxReclaims) {
      needsHuman = true;
      nobodyWhy = `released ${count + released.length} times, max-reclaims ${config.delegation.maxReclaims}`;
    } else {
      const ranking = rankAgents(issue, config, job.agentStates, excluded);
      const choice = pickAgent(ranking, config, job.agentStates, totalsOf(workload), excluded);
      if (choice.agent === undefined) nobodyWhy = choice.reason;
      else {
        successor = { ...choice, agent: choice.agent };
        const counts = workload.byAgent.get(successor.agent) ?? new Map<string, number>();
        workload.byAgent.set(successor.agent, counts);
        counts.set(repo, (counts.get(repo) ?? 0) + 1);
      }
    }
    if (!successor) workload.unassigned.set(repo, (workload.unassigned.get(repo) ?? 0) + 1);
  }
  const releases = released.map((entry, index) => {
    count++;
    const last = index === released.length - 1;
    return {
      repo,
      issue,
      agent: entry.agent,
      why: entry.verdict.why,
      count,
      keep,
      successor: last ? successor : undefined,
      needsHuman: last && needsHuman,
      nobodyWhy,
    };
  });
  return { releases, why };
}

function removeFromWorkload(workload: Workload, agent: string, repo: string): void {
  const counts = workload.byAgent.get(agent);
  if (counts?.get(repo)) counts.set(repo, counts.get(repo)! - 1);
}

/**
 * The stall review of a sweep: pre-filters the issues held by fleet agents from the list
 * pages, reads the timeline of each candidate (one page for most), and plans the releases.
 */
export async function reviewStalls(
  job: StallReviewJob,
  issuesByRepo: ReadonlyMap<string, readonly Issue[]>,
  workload: Workload,
): Promise<StallReview> {
  const held = heldByAgents(issuesByRepo, job.config);
  const { candidates, skipped } = stallCandidates(held, job.config, {
    nowMs: job.nowMs,
    stallAfterMs: job.config.delegation.stallAfterMs,
    agentStates: job.agentStates,
  });
  const timelines = await mapLimit(candidates, TIMELINE_CONCURRENCY, (candidate) =>
    job.forge.listTimeline(candidate.repo, candidate.issue.number),
  );
  const kept: KeptIssue[] = skipped.map((entry: StallSkip) => ({ ...entry }));
  const releases: PlannedRelease[] = [];
  candidates.forEach((candidate, index) => {
    const plan = planReleases(
      candidate.repo,
      candidate.issue,
      candidate.agents,
      timelines[index]!,
      job,
      workload,
    );
    if (plan.releases.length === 0) kept.push({ ...candidate, why: plan.why });
    releases.push(...plan.releases);
  });
  return {
    releases,
    kept,
    handled: new Set(held.map((entry) => entry.issue)),
    timelineReads: candidates.length,
  };
}

/** Label ids by repo, looked up (and the label created) once per run. */
export class LabelCache {
  private readonly ids = new Map<string, Promise<number>>();
  constructor(private readonly forge: ForgeClient) {}

  idOf(repo: string, name: string): Promise<number> {
    const key = `${repo}\n${name.toLowerCase()}`;
    let id = this.ids.get(key);
    if (!id) {
      id = this.lookUp(repo, name);
      this.ids.set(key, id);
    }
    return id;
  }

  private async lookUp(repo: string, name: string): Promise<number> {
    const found = (await this.forge.listLabels(repo)).find(
      (label) => label.name.toLowerCase() === name.toLowerCase(),
    );
    if (found) return found.id;
    const made = await this.forge.createLabel(repo, {
      name,
      color: "#d93f0b",
      description: "fleet-actions released this issue max-reclaims times: a person decides what happens next",
    });
    return made.id;
  }
}

/**
 * Carries out one release: the assignee set without the released agent (with the successor),
 * verified; the needs-human label when due; then the one comment, its marker naming the
 * agent and the release number, so a repeat after a lost answer never posts it twice.
 */
export async function carryOutRelease(
  forge: ForgeClient,
  config: FleetConfig,
  labels: LabelCache,
  release: PlannedRelease,
  withComment: boolean,
): Promise<void> {
  const { repo, issue } = release;
  const assignees = [...release.keep, ...(release.successor ? [release.successor.agent] : [])];
  const updated = await forge.setAssignees(repo, issue.number, assignees);
  const recorded = new Set((updated.assignees ?? []).map((user) => user.login.toLowerCase()));
  if (
    recorded.has(release.agent.toLowerCase()) ||
    assignees.some((name) => !recorded.has(name.toLowerCase()))
  ) {
    throw new AssigneeNotRecordedError(
      `the forge did not record the release of ${release.agent} from ${repo}#${issue.number} (assignees now: ${[...recorded].join(", ") || "none"}): the token needs write access to the repository's issues`,
    );
  }
  if (release.needsHuman) {
    const id = await labels.idOf(repo, config.delegation.needsHumanLabel);
    await forge.addLabels(repo, issue.number, [id]);
  }
  if (!withComment) return;
  const body = releaseComment({
    agent: release.agent,
    why: release.why,
    count: release.count,
    successor: release.successor,
    needsHumanLabel: release.needsHuman ? config.delegation.needsHumanLabel : undefined,
    maxReclaims: config.delegation.maxReclaims,
    nobodyWhy: release.nobodyWhy,
  });
  // The timeline just read has no comment with this marker: no need to read the comments first.
  await commentOnce(
    forge,
    repo,
    issue.number,
    body,
    0,
    undefined,
    releaseMarker(release.agent, release.count),
  );
}

/** The `released` output's entries. */
export function toReleases(planned: readonly PlannedRelease[]): Release[] {
  return planned.map((release) => ({
    repo: release.repo,
    issue: release.issue.number,
    agent: release.agent,
    why: release.why,
    to: release.successor?.agent ?? null,
  }));
}

/**
 * Agents never to give an unassigned issue again: those ever removed from it (released, or
 * unassigned by a person). Only issues changed since they were opened can have any, so only
 * those timelines are read.
 */
export async function readExclusions(
  forge: ForgeClient,
  issues: readonly { repo: string; issue: Issue }[],
): Promise<Map<Issue, Set<string>>> {
  const touched = issues.filter(({ issue }) => issue.updated_at !== issue.created_at);
  const timelines = await mapLimit(touched, TIMELINE_CONCURRENCY, ({ repo, issue }) =>
    forge.listTimeline(repo, issue.number),
  );
  return new Map(touched.map(({ issue }, index) => [issue, excludedAgents(timelines[index]!)]));
}
