import type { RepoRef } from "./types.js";

/** A forge user name, as Gitea allows them. */
export const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** `owner/name`, captured in two groups. */
export const REPO_NAME = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/;

/** `owner/name` -> RepoRef; throws on anything else. */
export function parseRepo(text: string): RepoRef {
  const match = REPO_NAME.exec(text.trim());
  if (!match) throw new Error(`'${text}' is not a repository (expected owner/name)`);
  return { owner: match[1]!, name: match[2]! };
}

export function repoKey(repo: RepoRef): string {
  return `${repo.owner}/${repo.name}`;
}

/** `owner/repo#12`, `#12` or `12` (the latter two in `defaultRepo`). */
export function parseIssueRef(text: string, defaultRepo?: string): { repo: string; number: number } {
  const match = /^(?:([A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+))?#?(\d+)$/.exec(text.trim());
  const repo = match?.[1] ?? defaultRepo;
  if (!match || !repo)
    throw new Error(`'${text}' is not an issue (expected owner/repo#N${defaultRepo ? " or N" : ""})`);
  return { repo, number: Number(match[2]) };
}
