import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import { parseState } from "./document.js";
import type { AgentState } from "./schema.js";

/**
 * Each agent's lifecycle state from the fleet repo's state file (default branch), for the
 * delegate job to skip `idle` and `retired` agents. Undefined when there is no state file
 * (no lifecycle in use: every agent is eligible); agents missing from the map have no state
 * yet. A corrupt or unsupported file throws StateFileError rather than guessing.
 */
export async function readAgentStates(
  forge: ForgeClient,
  repo: string,
  config: Pick<FleetConfig, "lifecycle">,
): Promise<Map<string, AgentState> | undefined> {
  const file = await forge.readFile(repo, config.lifecycle.statePath);
  if (!file) return undefined;
  const state = parseState(`${repo}:${config.lifecycle.statePath}`, file.text);
  return new Map(Object.entries(state.agents).map(([name, agent]) => [name, agent.state]));
}

/** States in which an agent gets no new work. */
export const UNAVAILABLE_STATES: ReadonlySet<AgentState> = new Set(["idle", "retired"]);
