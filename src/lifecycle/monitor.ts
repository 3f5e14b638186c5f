import type { Issue } from "../forge/types.js";
import { moveAgent } from "../state/machine.js";
import type { AgentRecord, FleetState, SignOfLife } from "../state/schema.js";
import { recordTask } from "../state/tasks.js";
import { isAfter } from "../state/time.js";
import { formatDuration } from "../util/duration.js";
import { adoptAgent, type CommandContext, type CommandOutcome } from "./commands.js";
import type { RepoIssueScan } from "./issues.js";

/** What one monitor run saw on the forge; applied to the state on every write attempt. */
export interface Observations {
  /** Newest sign of life found per agent. */
  seen: ReadonlyMap<string, SignOfLife>;
  issues: readonly RepoIssueScan[];
}

export interface MonitorContext extends CommandContext {
  nowMs: number;
  idleAfterMs: number;
  /** Labels that make a closed issue a failed task. */
  failedLabels: readonly string[];
}

const WATCHED = new Set(["deployed", "active", "idle"]);

/** Agents the monitor looks for: deployed, active or idle in the state, plus config agents not in it yet. */
export function monitoredAgents(state: FleetState, configAgents: readonly string[]): string[] {
  const names = Object.entries(state.agents)
    .filter(([, agent]) => WATCHED.has(agent.state))
    .map(([name]) => name);
  for (const name of configAgents) if (!state.agents[name]) names.push(name);
  return names;
}

/** Task outcomes from issues: assigned (open), completed or failed (closed), failed (reassigned away). */
function applyIssues(
  state: FleetState,
  scan: RepoIssueScan,
  context: MonitorContext,
  changes: string[],
): void {
  const byLogin = new Map(Object.keys(state.agents).map((name) => [name.toLowerCase(), name]));
  // Which agents hold which issue, as the state last saw it.
  const holders = new Map<string, string[]>();
  for (const [name, agent] of Object.entries(state.agents)) {
    for (const [task, status] of Object.entries(agent.taskIds)) {
      if (status === "assigned" && task.startsWith(`${scan.repo}#`))
        holders.set(task, [...(holders.get(task) ?? []), name]);
    }
  }
  const failedLabels = new Set(context.failedLabels.map((label) => label.toLowerCase()));
  const note = (name: string, change: string | undefined, why = "") => {
    if (change) changes.push(`${name} ${change}${why}`);
  };
  for (const issue of scan.issues) {
    const task = `${scan.repo}#${issue.number}`;
    const assigned = new Set(
      (issue.assignees ?? []).flatMap((user) => {
        const name = byLogin.get(user.login.toLowerCase());
        return name ? [name] : [];
      }),
    );
    if (issue.state === "open") {
      for (const name of assigned) note(name, recordTask(state.agents[name]!, task, "assigned", "forge"));
    } else {
      const outcome = (issue.labels ?? []).some((label) => failedLabels.has(label.name.toLowerCase()))
        ? "failed"
        : "completed";
      for (const name of assigned) {
        const agent = state.agents[name]!;
        // An issue closed before this scan's window was settled by an earlier scan (or before we watched).
        if (agent.taskIds[task] === undefined && closedBefore(issue, scan.since)) continue;
        note(name, recordTask(agent, task, outcome, "forge"));
      }
    }
    for (const name of holders.get(task) ?? []) {
      if (!assigned.has(name))
        note(name, recordTask(state.agents[name]!, task, "failed", "forge"), " (reassigned away)");
    }
  }
}

function closedBefore(issue: Issue, time: string): boolean {
  return Date.parse(issue.closed_at ?? issue.updated_at) < Date.parse(time);
}

/** Sign of life and the idle rule for one watched agent. */
function applyLiveness(
  name: string,
  agent: AgentRecord,
  sign: SignOfLife | undefined,
  context: MonitorContext,
  seen: string[],
  moves: string[],
): void {
  if (sign && (!agent.lastSeen || isAfter(sign.at, agent.lastSeen.at))) {
    agent.lastSeen = sign;
    seen.push(`${name} seen at ${sign.at} (${sign.source})`);
  }
  const window = formatDuration(context.idleAfterMs);
  const lastMs = agent.lastSeen ? Date.parse(agent.lastSeen.at) : undefined;
  const recent = lastMs !== undefined && context.nowMs - lastMs <= context.idleAfterMs;
  const by = { at: context.now, actor: context.actor };
  if (recent && (agent.state === "deployed" || agent.state === "idle")) {
    const from = agent.state;
    moveAgent(name, agent, "active", {
      ...by,
      cause: `sign of life: ${agent.lastSeen!.source} at ${agent.lastSeen!.at}`,
    });
    moves.push(`${name} ${from} -> active`);
  } else if (!recent && (agent.state === "active" || agent.state === "deployed")) {
    const since = lastMs ?? Date.parse(agent.since);
    if (context.nowMs - since <= context.idleAfterMs) return;
    const from = agent.state;
    const cause = agent.lastSeen
      ? `no sign of life since ${agent.lastSeen.at} (idle-after ${window})`
      : `never seen since ${from} at ${agent.since} (idle-after ${window})`;
    moveAgent(name, agent, "idle", { ...by, cause });
    moves.push(`${name} ${from} -> idle`);
  }
}

/**
 * The monitor's decisions, pure: adopt config agents, count task outcomes, record signs of
 * life, flag agents silent for longer than idle-after as idle and bring seen ones back to
 * active. Cursors advance only with another change, so a quiet run stays a no-commit run.
 */
export function applyMonitor(
  state: FleetState,
  observations: Observations,
  context: MonitorContext,
): CommandOutcome {
  // Kept apart so the commit message leads with what matters most: moves, then tasks.
  const adopted: string[] = [];
  const tasks: string[] = [];
  const seen: string[] = [];
  const moves: string[] = [];
  for (const name of context.configAgents) adoptAgent(state, name, context, adopted);
  for (const scan of observations.issues) applyIssues(state, scan, context, tasks);
  for (const [name, agent] of Object.entries(state.agents)) {
    if (WATCHED.has(agent.state))
      applyLiveness(name, agent, observations.seen.get(name), context, seen, moves);
  }
  const changes = [...moves, ...tasks, ...adopted, ...seen];
  if (changes.length > 0) {
    for (const scan of observations.issues) {
      const known = state.issuesScannedSince[scan.repo];
      if (!known || isAfter(scan.cursor, known)) state.issuesScannedSince[scan.repo] = scan.cursor;
    }
  }
  return { changes, notes: [] };
}
