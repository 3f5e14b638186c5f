import { readFileSync } from "node:fs";
import { REPO_NAME } from "../forge/refs.js";
import { InputError } from "./inputs.js";

/** What the runner tells a step about its run (GitHub-compatible env, as act_runner and Forgejo set it). */
export interface RunContext {
  /** `owner/name` of the repository the workflow runs in, if any. */
  repository: string | undefined;
  eventName: string | undefined;
  /** The parsed event payload, or undefined outside a workflow. */
  event: Record<string, unknown> | undefined;
  workspace: string;
  apiUrl: string | undefined;
  serverUrl: string | undefined;
}

export function readRunContext(env: NodeJS.ProcessEnv = process.env): RunContext {
  let event: Record<string, unknown> | undefined;
  if (env.GITHUB_EVENT_PATH) {
    try {
      event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new Error(
        `cannot read the event payload at ${env.GITHUB_EVENT_PATH}: ${(error as Error).message}`,
      );
    }
  }
  const serverUrl = env.GITHUB_SERVER_URL;
  const repository = env.GITHUB_REPOSITORY || undefined;
  if (repository !== undefined && !REPO_NAME.test(repository))
    throw new InputError(
      `the repository (--repository or GITHUB_REPOSITORY) is '${repository}': expected owner/name`,
    );
  return {
    repository,
    eventName: env.GITHUB_EVENT_NAME || undefined,
    event,
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    // Gitea sets GITHUB_API_URL to <server>/api/v1; derive it when only the server URL is known.
    apiUrl: env.GITHUB_API_URL || (serverUrl ? `${serverUrl.replace(/\/+$/, "")}/api/v1` : undefined),
    serverUrl,
  };
}
