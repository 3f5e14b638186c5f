// What lifecycle says about agents and tasks it has no record of, instead of silence or trust.

import { InputError } from "../action/inputs.js";
import type { Reporter } from "../action/reporter.js";
import type { ForgeClient } from "../forge/client.js";
import { isNotFound } from "../forge/errors.js";
import { parseIssueRef } from "../forge/refs.js";
import type { FleetState } from "../state/schema.js";

/** A log line for each config agent the state has no record of (a fresh fleet: every agent). */
export function noStateLines(state: FleetState, configAgents: readonly string[]): string[] {
  const known = new Set(Object.keys(state.agents).map((name) => name.toLowerCase()));
  return configAgents
    .filter((agent) => !known.has(agent.toLowerCase()))
    .map((agent) => `${agent}: no state yet (provision it, or let monitor see its activity)`);
}

/**
 * A task is recorded against a real issue: one the forge does not know is bad input (exit 2,
 * nothing recorded). One not assigned to the agent is recorded, with a warning that says so.
 */
export async function checkTaskIssue(
  forge: ForgeClient,
  task: string,
  agent: string,
  reporter: Reporter,
): Promise<void> {
  const { repo, number } = parseIssueRef(task);
  let assignees: string[];
  try {
    assignees = ((await forge.getIssue(repo, number)).assignees ?? []).map((user) => user.login);
  } catch (error) {
    if (isNotFound(error))
      throw new InputError(`task ${task}: no such issue on the forge (404): nothing was recorded`);
    throw error;
  }
  if (!assignees.some((login) => login.toLowerCase() === agent.toLowerCase()))
    reporter.warning(
      `${task} is not assigned to ${agent} (${assignees.length ? `assignees: ${assignees.join(", ")}` : "no assignees"}): recording the task anyway`,
    );
}
