import { newAgentRecord } from "./document.js";
import { IllegalTransitionError } from "./errors.js";
import { type AgentRecord, type AgentState, HISTORY_LIMIT } from "./schema.js";

/**
 * provisioned -> deployed -> active <-> idle -> retired. Any living state may be retired;
 * retired is final (a returning agent is a new decision: give it a new account or edit the file).
 * `deployed` may also go straight to idle: deployed and never heard from.
 */
export const MOVES: Readonly<Record<AgentState, readonly AgentState[]>> = {
  provisioned: ["deployed", "retired"],
  deployed: ["active", "idle", "retired"],
  active: ["idle", "retired"],
  idle: ["active", "retired"],
  retired: [],
};

/** An agent not yet in the state file may be provisioned or deployed directly. */
export const MOVES_FROM_NOWHERE: readonly AgentState[] = ["provisioned", "deployed"];

/** How each state is reached, for messages that tell a person what to do. */
const HOW: Record<AgentState, string> = {
  provisioned: "provision",
  deployed: "deploy",
  active: "heartbeat or forge activity",
  idle: "monitor, after idle-after without a sign of life",
  retired: "retire",
};

export function allowedMoves(from: AgentState | undefined): string[] {
  const targets = from === undefined ? MOVES_FROM_NOWHERE : MOVES[from];
  return targets.map((to) => `${to} (${HOW[to]})`);
}

export function canMove(from: AgentState | undefined, to: AgentState): boolean {
  return (from === undefined ? MOVES_FROM_NOWHERE : MOVES[from]).includes(to);
}

/** Throws IllegalTransitionError unless `from -> to` is allowed. */
export function assertMove(
  agent: string,
  from: AgentState | undefined,
  to: AgentState,
  command: string,
): void {
  if (!canMove(from, to)) throw new IllegalTransitionError(agent, from, command, allowedMoves(from));
}

export interface TransitionContext {
  at: string;
  cause: string;
  actor: string;
}

/** Moves an agent (checked), records the audit entry and keeps the newest HISTORY_LIMIT entries. */
export function moveAgent(
  name: string,
  record: AgentRecord,
  to: AgentState,
  context: TransitionContext,
  command: string = to,
): void {
  assertMove(name, record.state, to, command);
  record.history.push({ at: context.at, from: record.state, to, cause: context.cause, actor: context.actor });
  if (record.history.length > HISTORY_LIMIT) record.history.splice(0, record.history.length - HISTORY_LIMIT);
  record.state = to;
  record.since = context.at;
}

/** Puts a new agent into the state at `to` (provisioned or deployed), with its first audit entry. */
export function addAgent(
  agents: Record<string, AgentRecord>,
  name: string,
  to: AgentState,
  context: TransitionContext,
  command: string = to,
): AgentRecord {
  assertMove(name, undefined, to, command);
  const record = newAgentRecord(to, context.at);
  record.history.push({ at: context.at, from: null, to, cause: context.cause, actor: context.actor });
  agents[name] = record;
  return record;
}
