import type { AgentRecord, FleetState } from "../state/schema.js";
import { openTasks, successRate } from "../state/tasks.js";
import { code, markdownTable, md, percent } from "./markdown.js";
import { absoluteTime, relativeTime } from "./time.js";

/** Transitions shown on the dashboard, newest first (the state keeps more per agent). */
export const RECENT_TRANSITIONS = 15;

export interface FleetViewOptions {
  /**
   * Render ages relative to this time ("3h ago"). Only for the log and step summary: the
   * committed dashboard is rendered without it, so an unchanged state gives identical bytes.
   */
  nowMs?: number;
  /** Where the state lives, named in the file's header. */
  statePath?: string;
}

function agentsInOrder(state: FleetState): [string, AgentRecord][] {
  return Object.entries(state.agents).sort(([a], [b]) => a.localeCompare(b));
}

function when(iso: string | null | undefined, options: FleetViewOptions): string {
  return options.nowMs === undefined ? absoluteTime(iso) : relativeTime(iso, options.nowMs);
}

export function agentTable(state: FleetState, options: FleetViewOptions = {}): string {
  const rows = agentsInOrder(state).map(([name, agent]) => [
    md(code(name)),
    agent.state,
    when(agent.since, options),
    when(agent.lastSeen?.at, options),
    agent.lastSeen?.source ?? "",
    openTasks(agent),
    agent.tasks.completed,
    agent.tasks.failed,
    percent(successRate(agent)),
  ]);
  return markdownTable(
    ["agent", "state", "since", "last seen", "seen via", "open", "completed", "failed", "success"],
    rows,
    ["left", "left", "left", "left", "left", "right", "right", "right", "right"],
  );
}

export function modelsSection(state: FleetState, options: FleetViewOptions = {}): string {
  const models = state.models;
  if (!models) return "No model-chain report yet (run model-chain with `commit: true`).";
  const active = models.active ? `**${code(models.active)}**` : "**none** — no model in the chain answered";
  const rows = models.chain.map((model) => [
    md(code(model.model)),
    model.role,
    model.available ? "yes" : "no",
    model.ok ? "ok" : "failed",
    model.error ?? "",
  ]);
  return [
    `Active model: ${active} (this outcome since ${when(models.since, options)})`,
    "",
    markdownTable(["model", "role", "installed", "ok", "reason"], rows),
  ].join("\n");
}

export function transitionsTable(
  state: FleetState,
  options: FleetViewOptions = {},
  limit = RECENT_TRANSITIONS,
): string {
  const all = agentsInOrder(state).flatMap(([name, agent]) =>
    agent.history.map((entry) => ({ name, ...entry })),
  );
  // Newest first; ties keep agent order so the rendering is stable.
  const recent = all.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit);
  if (recent.length === 0) return "No transitions yet.";
  return markdownTable(
    ["time", "agent", "change", "cause", "actor"],
    recent.map((entry) => [
      when(entry.at, options),
      md(code(entry.name)),
      `${entry.from ?? "—"} → ${entry.to}`,
      entry.cause,
      entry.actor,
    ]),
  );
}

/**
 * The fleet dashboard (FLEET.md) as markdown. A pure function of the state: no clock, no
 * forge data, so the committed file changes only when the state does.
 */
export function renderFleet(state: FleetState, options: FleetViewOptions = {}): string {
  const agents = Object.keys(state.agents).length;
  const counts = new Map<string, number>();
  for (const agent of Object.values(state.agents))
    counts.set(agent.state, (counts.get(agent.state) ?? 0) + 1);
  const tally = [...counts].map(([name, count]) => `${count} ${name}`).join(", ");
  const source = options.statePath ? ` from ${code(options.statePath)}` : "";
  return [
    "# Fleet",
    "",
    `${agents} agent${agents === 1 ? "" : "s"}${tally ? `: ${tally}` : ""}. Written${source} by fleet-actions lifecycle (edits here are overwritten); times are UTC.`,
    "",
    agents > 0 ? agentTable(state, options) : "No agents yet.",
    "",
    "## Models",
    "",
    modelsSection(state, options),
    "",
    "## Recent transitions",
    "",
    transitionsTable(state, options),
    "",
  ].join("\n");
}

/** One plain line per agent, for the job log (Gitea shows no annotations; older versions no summary). */
export function fleetLogLines(state: FleetState, nowMs: number): string[] {
  const lines = agentsInOrder(state).map(([name, agent]) => {
    const seen = agent.lastSeen
      ? `${relativeTime(agent.lastSeen.at, nowMs)} via ${agent.lastSeen.source}`
      : "never";
    const { completed, failed } = agent.tasks;
    return `${name}: ${agent.state} since ${relativeTime(agent.since, nowMs)}; last seen ${seen}; open ${openTasks(agent)}, completed ${completed}, failed ${failed} (${percent(successRate(agent))})`;
  });
  if (state.models) lines.push(`active model: ${state.models.active ?? "none"}`);
  return lines;
}
