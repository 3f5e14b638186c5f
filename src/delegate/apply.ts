import { DEFAULT_RETRIES, type ForgeClient } from "../forge/client.js";
import { ForgeError } from "../forge/errors.js";
import type { Issue } from "../forge/types.js";
import { DELEGATE_MARKER_PREFIX } from "../names.js";
import { hasMarker } from "./comment.js";

/** The forge answered the assignment but did not record it: the token cannot assign there. */
export class AssigneeNotRecordedError extends Error {
  override name = "AssigneeNotRecordedError";
}

/** Gitea answers a blank 500 for an agent who cannot be assigned; say who and where instead. */
async function explainAssignFailure(
  forge: ForgeClient,
  repo: string,
  number: number,
  agent: string,
  error: unknown,
) {
  if (!(error instanceof ForgeError)) return error;
  if (error.status === 403 && !error.serverMessage) {
    // Gitea's 403 for a caller who may not edit the issue has an empty body: say what it means.
    return new Error(
      `cannot assign ${repo}#${number} to ${agent}: the forge refused (403): the token needs write access to ${repo}'s issues`,
      { cause: error },
    );
  }
  if (error.status !== 500) return error;
  const assignable = await forge.listAssignees(repo).catch(() => undefined);
  if (assignable && !assignable.some((user) => user.login.toLowerCase() === agent.toLowerCase())) {
    return new Error(
      `cannot assign ${repo}#${number} to ${agent}: ${agent} is not an assignable user of ${repo} (give the agent write access, or remove it from the config)`,
      { cause: error },
    );
  }
  return error;
}

/**
 * Assigns the agent and checks the forge recorded it: Gitea answers 201 but silently
 * drops an assignee change made with a token that lacks write access.
 */
export async function assign(
  forge: ForgeClient,
  repo: string,
  number: number,
  agent: string,
): Promise<Issue> {
  let updated: Issue;
  try {
    updated = await forge.setAssignees(repo, number, [agent]);
  } catch (error) {
    throw await explainAssignFailure(forge, repo, number, agent, error);
  }
  const recorded = (updated.assignees ?? []).some((user) => user.login.toLowerCase() === agent.toLowerCase());
  if (!recorded) {
    throw new AssigneeNotRecordedError(
      `the forge did not record ${agent} as assignee of ${repo}#${number} (it answered ${updated.assignees?.length ? `assignees ${updated.assignees.map((user) => user.login).join(", ")}` : "no assignees"}): the token needs write access to the repository's issues`,
    );
  }
  return updated;
}

/** Statuses after which a POST may or may not have landed. */
function isUncertain(error: unknown): boolean {
  return (
    error instanceof ForgeError &&
    (error.status === undefined || [408, 500, 502, 503, 504].includes(error.status))
  );
}

/**
 * Posts the delegation comment unless one with the marker is there. A POST is never
 * repeated blindly: after an uncertain failure the comments are read again first.
 */
export async function commentOnce(
  forge: ForgeClient,
  repo: string,
  number: number,
  body: string,
  /** The issue's comment count; undefined (a forge that does not say) means look. */
  knownComments: number | undefined,
  attempts = DEFAULT_RETRIES + 1,
  /** The hidden marker that makes this comment checkable. */
  marker = DELEGATE_MARKER_PREFIX,
): Promise<"posted" | "already"> {
  if (knownComments !== 0 && hasMarker(await forge.listComments(repo, number), marker)) return "already";
  for (let attempt = 1; ; attempt++) {
    try {
      await forge.createComment(repo, number, body);
      return "posted";
    } catch (error) {
      if (!isUncertain(error) || attempt >= attempts) throw error;
      if (hasMarker(await forge.listComments(repo, number), marker)) return "already";
    }
  }
}
