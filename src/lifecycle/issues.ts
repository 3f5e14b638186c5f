import type { ForgeClient } from "../forge/client.js";
import { parseRepo } from "../forge/refs.js";
import type { Issue } from "../forge/types.js";
import { timestamp } from "../state/time.js";

/** Run-clock vs forge-clock slack: a cursor is set this much before the scan started. */
export const CURSOR_MARGIN_MS = 10 * 60_000;

export interface RepoIssueScan {
  repo: string;
  /** Issues updated since this time were listed; a closing before it was seen by an earlier scan. */
  since: string;
  /** What the next scan may start from, once this one is committed. */
  cursor: string;
  /** Issues only (no pull requests). */
  issues: Issue[];
}

export interface IssueScanOptions {
  repos: readonly string[];
  /** Per repo: issues updated before this were scanned already (state `issuesScannedSince`). */
  cursors: Readonly<Record<string, string>>;
  /** First scan of a repo: closed issues are looked at back to here (the idle window). */
  windowStart: string;
  nowMs: number;
}

function listIssues(forge: ForgeClient, repo: string, query: Record<string, string>): Promise<Issue[]> {
  const { owner, name } = parseRepo(repo);
  return forge.all<Issue>(`/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/issues`, {
    type: "issues",
    ...query,
  });
}

/**
 * The issues whose assignment or state may have changed, per monitored repo, from the issue
 * list (one request per page, never one per agent): every issue updated since the repo's
 * cursor (assigning, reassigning, labelling and closing all bump `updated_at`). A repo seen
 * for the first time: its open issues, plus the issues closed within the idle window.
 */
export async function scanIssues(forge: ForgeClient, options: IssueScanOptions): Promise<RepoIssueScan[]> {
  const cursor = timestamp(options.nowMs - CURSOR_MARGIN_MS);
  return Promise.all(
    options.repos.map(async (repo) => {
      const since = options.cursors[repo];
      if (since) {
        const issues = await listIssues(forge, repo, { state: "all", since });
        return { repo, since, cursor, issues: issues.filter((issue) => !issue.pull_request) };
      }
      const [open, closed] = await Promise.all([
        listIssues(forge, repo, { state: "open" }),
        listIssues(forge, repo, { state: "closed", since: options.windowStart }),
      ]);
      const issues = [...open, ...closed].filter((issue) => !issue.pull_request);
      return { repo, since: options.windowStart, cursor, issues };
    }),
  );
}
