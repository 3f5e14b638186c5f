import type { FleetConfig } from "../config/config.js";
import type { Issue } from "../forge/types.js";
import { UNAVAILABLE_STATES } from "../state/agents.js";
import type { AgentState } from "../state/schema.js";
import { type AgentScore, scoreAgents } from "./score.js";

/** Why an issue is left alone, or undefined when it may be delegated. */
export function skipReason(issue: Issue, config: FleetConfig): string | undefined {
  if (issue.pull_request) return "pull request";
  if (issue.state !== "open") return `issue is ${issue.state}`;
  const assignees = issue.assignees ?? (issue.assignee ? [issue.assignee] : []);
  if (assignees.length > 0) return `already assigned to ${assignees.map((user) => user.login).join(", ")}`;
  const skipLabels = new Set(config.delegation.skipLabels.map((label) => label.toLowerCase()));
  const label = (issue.labels ?? []).find((candidate) => skipLabels.has(candidate.name.toLowerCase()));
  if (label) return `has skip label '${label.name}'`;
  const needsHuman = config.delegation.needsHumanLabel.toLowerCase();
  if ((issue.labels ?? []).some((candidate) => candidate.name.toLowerCase() === needsHuman))
    return `has the needs-human label '${config.delegation.needsHumanLabel}': it waits for a person`;
  const author = issue.user?.login.toLowerCase();
  if (author && config.delegation.ignoreAuthors.some((name) => name.toLowerCase() === author)) {
    return `opened by ignored author ${issue.user?.login}`;
  }
  return undefined;
}

const NO_ONE: ReadonlySet<string> = new Set();

export interface Ranking {
  /** Agents that scored above min-score and may take work, best first by score then config order. */
  candidates: AgentScore[];
  /** Agents passed over for their lifecycle state, for the log. */
  unavailable: { agent: string; state: string }[];
  /** Every agent's score, config order. */
  scores: AgentScore[];
}

export function rankAgents(
  issue: Pick<Issue, "title" | "body">,
  config: FleetConfig,
  agentStates: ReadonlyMap<string, string>,
  /** Lower-cased logins never to give this issue (released from it, or removed by a person). */
  excluded: ReadonlySet<string> = NO_ONE,
): Ranking {
  const scores = scoreAgents(issue, config.agents, config.delegation.titleWeight);
  const unavailable: Ranking["unavailable"] = [];
  const candidates = scores.filter((entry) => {
    if (entry.score <= config.delegation.minScore) return false;
    if (excluded.has(entry.agent.toLowerCase())) {
      unavailable.push({ agent: entry.agent, state: "removed from this issue before" });
      return false;
    }
    const state = agentStates.get(entry.agent);
    if (state && UNAVAILABLE_STATES.has(state as AgentState)) {
      unavailable.push({ agent: entry.agent, state });
      return false;
    }
    return true;
  });
  // Array.prototype.sort is stable: equal scores keep config order.
  candidates.sort((a, b) => b.score - a.score);
  return { candidates, unavailable, scores };
}

function maxOpenOf(config: FleetConfig, agent: string): number | undefined {
  return config.agents.find((entry) => entry.name === agent)?.maxOpen;
}

/**
 * Whether the choice depends on who holds how much open work: a tie at the top, or a
 * capacity limit on an agent that could be chosen. Event mode lists issues only then.
 */
export function needsWorkload(ranking: Ranking, config: FleetConfig): boolean {
  const [first, second] = ranking.candidates;
  if (first && second && first.score === second.score) return true;
  const possible = first ? ranking.candidates : [];
  if (possible.some((entry) => maxOpenOf(config, entry.agent) !== undefined)) return true;
  const fallback = config.delegation.fallback;
  return fallback !== undefined && maxOpenOf(config, fallback) !== undefined;
}

export interface Choice {
  agent: string | undefined;
  score: number;
  matched: string[];
  /** Why this agent (or why none), for the log and the comment. */
  reason: string;
}

/** A choice that names an agent. */
export type AgentChoice = Choice & { agent: string };

/**
 * Picks the agent: highest score; ties to less open work, then config order; agents at
 * `max-open` are passed over; with no match, the fallback agent if it may take work.
 */
export function pickAgent(
  ranking: Ranking,
  config: FleetConfig,
  agentStates: ReadonlyMap<string, string>,
  workload: ReadonlyMap<string, number> | undefined,
  excluded: ReadonlySet<string> = NO_ONE,
): Choice {
  const open = (agent: string) => workload?.get(agent) ?? 0;
  const full = (agent: string) => {
    const limit = maxOpenOf(config, agent);
    return limit !== undefined && workload !== undefined && open(agent) >= limit;
  };
  const order = [...ranking.candidates].sort((a, b) => b.score - a.score || open(a.agent) - open(b.agent));
  const atCapacity: string[] = [];
  for (const entry of order) {
    if (full(entry.agent)) {
      atCapacity.push(entry.agent);
      continue;
    }
    const tied = order.filter(
      (other) => other !== entry && other.score === entry.score && !full(other.agent),
    );
    const why = `score ${entry.score} (${entry.matched.join(", ")})`;
    const tie =
      tied.length > 0 ? `; tie with ${tied.map((other) => other.agent).join(", ")} broken by open work` : "";
    const skipped = atCapacity.length > 0 ? `; ${atCapacity.join(", ")} at max-open` : "";
    return {
      agent: entry.agent,
      score: entry.score,
      matched: entry.matched,
      reason: `${why}${tie}${skipped}`,
    };
  }
  const noMatch =
    atCapacity.length > 0
      ? `every matching agent is at max-open (${atCapacity.join(", ")})`
      : ranking.unavailable.length > 0
        ? "no available agent matched"
        : "no keyword matched";
  const fallback = config.delegation.fallback;
  if (fallback === undefined)
    return { agent: undefined, score: 0, matched: [], reason: `${noMatch}, no fallback set` };
  if (excluded.has(fallback.toLowerCase()))
    return {
      agent: undefined,
      score: 0,
      matched: [],
      reason: `${noMatch}; fallback ${fallback} was removed from this issue before`,
    };
  const state = agentStates.get(fallback);
  if (state && UNAVAILABLE_STATES.has(state as AgentState)) {
    return {
      agent: undefined,
      score: 0,
      matched: [],
      reason: `${noMatch}; fallback ${fallback} is ${state}`,
    };
  }
  if (full(fallback))
    return {
      agent: undefined,
      score: 0,
      matched: [],
      reason: `${noMatch}; fallback ${fallback} is at max-open`,
    };
  return { agent: fallback, score: 0, matched: [], reason: `${noMatch}: fallback agent` };
}
