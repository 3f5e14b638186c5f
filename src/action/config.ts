import { type FleetConfig, loadConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";

/**
 * A job's config: from the workspace when checked out, else from `repo`'s default branch
 * through the forge (when the job has one), so no action needs a checkout.
 */
export function loadJobConfig(
  path: string,
  workspace: string,
  forge: ForgeClient | undefined,
  repo: string | undefined,
): Promise<FleetConfig> {
  const remote =
    forge && repo
      ? { readRemote: async (file: string) => (await forge.readFile(repo, file))?.text, remoteName: repo }
      : {};
  return loadConfig({ path, workspace, ...remote });
}
