import type { FleetConfig } from "../config/config.js";
import type { Issue, TimelineEvent } from "../forge/types.js";
import { RELEASE_MARKER_PREFIX } from "../names.js";
import { UNAVAILABLE_STATES } from "../state/agents.js";
import type { AgentState } from "../state/schema.js";
import { skipReason } from "./decide.js";

/** Every hidden marker fleet-actions writes starts so: such comments are never an agent's activity. */
const OUR_MARKER = "<!-- fleet-actions:";

/** What an issue's timeline says about one assigned agent and about the issue's past. */
export interface IssueHistory {
  /** When the agent was last assigned (ms); undefined when the timeline shows no assignment. */
  assignedAtMs: number | undefined;
  /** The agent's newest own event after that assignment (ms). */
  activeAtMs: number | undefined;
  /** The agent's newest own event at any time (ms): evidence it is alive. */
  lastOwnEventMs: number | undefined;
  /** Lower-cased logins ever removed from the issue: released by fleet-actions or unassigned by a person. */
  removed: Set<string>;
  /** Releases of this issue so far (fleet-actions' release comments). */
  releases: number;
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

function timeOf(event: TimelineEvent): number | undefined {
  const ms = Date.parse(event.created_at);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * Reads a timeline (oldest first) for one agent. The clock starts at the agent's last
 * assignment; only events the agent itself made count as its activity (a comment, a commit
 * or pull-request reference, a label, an edit, a close...). What anyone else does, and any
 * comment carrying a fleet-actions marker, never counts.
 */
export function readHistory(events: readonly TimelineEvent[], agent: string): IssueHistory {
  const history: IssueHistory = {
    assignedAtMs: undefined,
    activeAtMs: undefined,
    lastOwnEventMs: undefined,
    removed: new Set(),
    releases: 0,
  };
  for (const event of events) {
    const at = timeOf(event);
    const body = event.body ?? "";
    if (event.type === "comment" && body.includes(RELEASE_MARKER_PREFIX)) history.releases++;
    if (event.type === "assignees" && event.assignee) {
      const login = event.assignee.login;
      if (event.removed_assignee) history.removed.add(login.toLowerCase());
      else if (same(login, agent) && at !== undefined) {
        history.assignedAtMs = Math.max(history.assignedAtMs ?? at, at);
        history.activeAtMs = undefined;
      }
    }
    if (at === undefined || !same(event.user?.login, agent)) continue;
    if (event.type === "comment" && body.includes(OUR_MARKER)) continue;
    history.lastOwnEventMs = Math.max(history.lastOwnEventMs ?? at, at);
    if (history.assignedAtMs !== undefined && at >= history.assignedAtMs)
      history.activeAtMs = Math.max(history.activeAtMs ?? at, at);
  }
  return history;
}

/** The agents a re-delegation must pass over: everyone ever removed from the issue, and the agent released now. */
export function excludedAgents(events: readonly TimelineEvent[]): Set<string> {
  return readHistory(events, "").removed;
}

/** "3d 4h", "5h 12m", "40m": how long, for people. */
export function formatSpan(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1_440);
  const hours = Math.floor((minutes % 1_440) / 60);
  const rest = minutes % 60;
  if (days > 0) return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
  if (hours > 0) return rest > 0 ? `${hours}h ${rest}m` : `${hours}h`;
  return `${rest}m`;
}

export type StallVerdict = { release: true; why: string } | { release: false; why: string };

export interface StallInput {
  agent: string;
  /** The agent's lifecycle state, undefined without one. */
  state: string | undefined;
  history: IssueHistory;
  nowMs: number;
  /** Undefined: `stall-after: off`. */
  stallAfterMs: number | undefined;
  /** The lifecycle idle window: an agent seen on the issue within it is not idle, whatever the state says. */
  idleAfterMs: number;
}

/**
 * Whether to release an agent from an issue. An `idle` or `retired` agent is released,
 * unless the issue itself shows it at work within the idle window (then the state is stale,
 * or the monitor could not see it: never release on silence nobody could see). Otherwise
 * the agent is released when it did nothing for `stall-after` since it was last assigned;
 * without an assignment event the clock is unknown and the issue is left alone.
 */
export function judgeStall(input: StallInput): StallVerdict {
  const { agent, state, history, nowMs } = input;
  if (state && UNAVAILABLE_STATES.has(state as AgentState)) {
    const own = history.lastOwnEventMs;
    if (own !== undefined && nowMs - own <= input.idleAfterMs) {
      return {
        release: false,
        why: `${agent} is marked ${state} but acted on this issue ${formatSpan(nowMs - own)} ago (the lifecycle state is stale or its monitor could not see the agent)`,
      };
    }
    return { release: true, why: `${agent} is ${state}` };
  }
  if (input.stallAfterMs === undefined) return { release: false, why: "stall-after is off" };
  if (history.assignedAtMs === undefined) {
    return {
      release: false,
      why: `the timeline shows no assignment of ${agent}: the stall clock is unknown`,
    };
  }
  const since = Math.max(history.assignedAtMs, history.activeAtMs ?? history.assignedAtMs);
  const quiet = nowMs - since;
  if (quiet >= input.stallAfterMs) return { release: true, why: `no activity for ${formatSpan(quiet)}` };
  const what = history.activeAtMs === undefined ? "assigned" : "active";
  return {
    release: false,
    why: `${agent} ${what} ${formatSpan(quiet)} ago, within stall-after ${formatSpan(input.stallAfterMs)}`,
  };
}

/** An issue assigned to fleet agents whose timeline is worth reading. */
export interface StallCandidate {
  repo: string;
  issue: Issue;
  /** The fleet agents assigned (config spelling). */
  agents: string[];
}

/** An issue assigned to fleet agents that the list page alone settles, and why. */
export interface StallSkip {
  repo: string;
  issue: Issue;
  agents: string[];
  why: string;
}

export interface CandidateOptions {
  nowMs: number;
  stallAfterMs: number | undefined;
  agentStates: ReadonlyMap<string, string>;
}

/**
 * Decides from the list page alone which issues held by fleet agents could be stalled, so
 * timelines are read only for those: an issue with an idle or retired agent, or one created
 * and last updated before the stall window (every timeline event bumps `updated_at`, so an
 * issue touched within the window is left for a later run). Issues with a person among the
 * assignees, a skip or needs-human label, or an ignored author are never released.
 */
export function stallCandidates(
  issues: readonly { repo: string; issue: Issue; agents: string[] }[],
  config: FleetConfig,
  options: CandidateOptions,
): { candidates: StallCandidate[]; skipped: StallSkip[] } {
  const candidates: StallCandidate[] = [];
  const skipped: StallSkip[] = [];
  const windowStart = options.stallAfterMs === undefined ? undefined : options.nowMs - options.stallAfterMs;
  for (const entry of issues) {
    const { issue, agents } = entry;
    const skip = (why: string) => skipped.push({ ...entry, why });
    const people = (issue.assignees ?? []).filter((user) => !agents.some((agent) => same(user.login, agent)));
    if (people.length > 0) {
      skip(`also assigned to ${people.map((user) => user.login).join(", ")}: a person holds it`);
      continue;
    }
    const reason = skipReason({ ...issue, assignees: null, assignee: null }, config);
    if (reason) {
      skip(`${reason}: never released`);
      continue;
    }
    const unavailable = agents.filter((agent) =>
      UNAVAILABLE_STATES.has(options.agentStates.get(agent) as AgentState),
    );
    if (unavailable.length > 0) {
      candidates.push(entry);
      continue;
    }
    if (windowStart === undefined) {
      skip("stall-after is off");
      continue;
    }
    const created = Date.parse(issue.created_at);
    const updated = Date.parse(issue.updated_at);
    const window = formatSpan(options.stallAfterMs!);
    if (created > windowStart)
      skip(`created ${formatSpan(options.nowMs - created)} ago, within stall-after ${window}`);
    else if (updated > windowStart)
      skip(`updated ${formatSpan(options.nowMs - updated)} ago, within stall-after ${window}`);
    else candidates.push(entry);
  }
  return { candidates, skipped };
}
