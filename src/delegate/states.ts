import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import { parseState } from "../state/document.js";

/**
 * Each agent's lifecycle state, from the state file the lifecycle job commits: read from
 * the workspace when checked out, else from the repository. No file means no lifecycle
 * in use, so every agent may take work.
 */
export async function loadAgentStates(
  forge: ForgeClient,
  repo: string | undefined,
  config: FleetConfig,
  workspace: string,
): Promise<Map<string, string>> {
  const path = config.lifecycle.statePath;
  const local = resolve(workspace, path);
  let text: string | undefined;
  if (existsSync(local)) text = await readFile(local, "utf8");
  else if (repo) text = (await forge.readFile(repo, path))?.text;
  if (text === undefined) return new Map();
  const state = parseState(path, text);
  return new Map(Object.entries(state.agents).map(([agent, record]) => [agent, record.state]));
}
