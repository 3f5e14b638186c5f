import type { TaskOutcome } from "../names.js";
import { IllegalTransitionError } from "../state/errors.js";
import { addAgent, allowedMoves, moveAgent, type TransitionContext } from "../state/machine.js";
import type { AgentRecord, AgentState, FleetState } from "../state/schema.js";
import { recordTask } from "../state/tasks.js";

/** What a command needs besides the state: the clock, who acts, and which agents the config lists. */
export interface CommandContext {
  /** ISO time of this run: every entry a run writes carries the same time. */
  now: string;
  actor: string;
  /** Agents listed in the config, in config order. */
  configAgents: readonly string[];
  /** The config file, named in audit entries of adopted agents. */
  configSource: string;
}

export type AgentCommand =
  | { command: "provision" | "deploy" | "retire" | "heartbeat"; agent: string }
  | { command: "task"; agent: string; task: string; outcome: TaskOutcome };

/** What applying a command did: `changes` go into the commit message, `notes` only to the log. */
export interface CommandOutcome {
  changes: string[];
  notes: string[];
}

function at(context: CommandContext, cause: string): TransitionContext {
  return { at: context.now, cause, actor: context.actor };
}

/**
 * An agent listed in the config but not yet in the state is taken to be `deployed` (the
 * config is the team saying "this agent works here"), recorded with an audit entry the first
 * time any run sees it. Returns undefined for an agent neither place knows.
 */
export function adoptAgent(
  state: FleetState,
  name: string,
  context: CommandContext,
  changes: string[],
): AgentRecord | undefined {
  const known = state.agents[name];
  if (known) return known;
  if (!context.configAgents.includes(name)) return undefined;
  changes.push(`${name} adopted from config as deployed`);
  return addAgent(state.agents, name, "deployed", at(context, `listed in ${context.configSource}`));
}

function target(command: "provision" | "deploy" | "retire"): AgentState {
  return command === "provision" ? "provisioned" : command === "deploy" ? "deployed" : "retired";
}

/**
 * Applies one agent command to the state (mutating it). Repeating a command is harmless:
 * moving an agent to the state it is in, or counting a task already counted, changes nothing.
 * Illegal moves throw IllegalTransitionError before anything is written.
 */
export function applyAgentCommand(
  state: FleetState,
  command: AgentCommand,
  context: CommandContext,
): CommandOutcome {
  const changes: string[] = [];
  const notes: string[] = [];
  const name = command.agent;
  const cause = `${command.command} command`;
  switch (command.command) {
    case "provision":
    case "deploy":
    case "retire": {
      const to = target(command.command);
      const record =
        command.command === "retire" ? adoptAgent(state, name, context, changes) : state.agents[name];
      if (record?.state === to) {
        notes.push(`${name} is already ${to}: nothing to do`);
        break;
      }
      if (record) {
        const from = record.state;
        moveAgent(name, record, to, at(context, cause), command.command);
        changes.push(`${name} ${from} -> ${to}`);
      } else if (command.command === "retire") {
        throw new IllegalTransitionError(name, undefined, "retire", allowedMoves(undefined));
      } else {
        addAgent(state.agents, name, to, at(context, cause), command.command);
        changes.push(`${name} ${to}`);
      }
      break;
    }
    case "heartbeat": {
      const record = adoptAgent(state, name, context, changes);
      if (!record) throw new IllegalTransitionError(name, undefined, "heartbeat", allowedMoves(undefined));
      const from = record.state;
      if (from !== "active") moveAgent(name, record, "active", at(context, cause), "heartbeat");
      record.lastSeen = { at: context.now, source: "heartbeat" };
      changes.push(from === "active" ? `${name} heartbeat` : `${name} ${from} -> active (heartbeat)`);
      break;
    }
    case "task": {
      const record = adoptAgent(state, name, context, changes);
      if (!record)
        throw new IllegalTransitionError(name, undefined, "count a task for", allowedMoves(undefined));
      const change = recordTask(record, command.task, command.outcome, "command");
      if (change) changes.push(`${name} ${change}`);
      else
        notes.push(
          `${command.task} is already counted as ${record.taskIds[command.task]} for ${name}: nothing to do`,
        );
      break;
    }
  }
  return { changes, notes };
}
