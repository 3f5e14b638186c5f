import type { ForgeClient } from "../forge/client.js";
import { ForgeError, isNotFound } from "../forge/errors.js";
import type { Activity } from "../forge/types.js";
import type { SignOfLife } from "../state/schema.js";
import { isAfter, normaliseTime } from "../state/time.js";
import { mapLimit } from "../util/pool.js";

export interface ActivityScanOptions {
  /** Monitored repositories: their feeds are read first, one pass. */
  repos: readonly string[];
  /** Agents to look for. */
  agents: readonly string[];
  /** Start of the idle window: repo feeds are paged back to here, no further. */
  windowStartMs: number;
  /** User feeds in flight at once. */
  concurrency?: number;
  warn?: (line: string) => void;
}

export interface ActivityScan {
  /** Newest sign of life found per agent. */
  seen: Map<string, SignOfLife>;
  repoFeedPages: number;
  /** Agents whose own feed was read because the repo feeds did not show them in the window. */
  userFeeds: string[];
}

function keepNewest(seen: Map<string, SignOfLife>, agent: string, sign: SignOfLife): void {
  const known = seen.get(agent);
  if (!known || isAfter(sign.at, known.at)) seen.set(agent, sign);
}

/**
 * Signs of life the agents left on the forge by themselves. First one pass over the activity
 * feeds of the monitored repositories, paged back only to the start of the idle window (feeds
 * are newest first); then, only for agents not seen there within the window, the first page
 * of the agent's own feed with `only-performed-by=true` (without it, everything in repos the
 * agent watches would count as the agent's). Requests: the repo feed pages + one per unseen agent.
 */
export async function scanActivity(forge: ForgeClient, options: ActivityScanOptions): Promise<ActivityScan> {
  const byLogin = new Map(options.agents.map((agent) => [agent.toLowerCase(), agent]));
  const seen = new Map<string, SignOfLife>();
  let repoFeedPages = 0;
  const take = (entry: Activity, where: string) => {
    const agent = entry.act_user ? byLogin.get(entry.act_user.login.toLowerCase()) : undefined;
    const at = normaliseTime(entry.created);
    if (agent && at) keepNewest(seen, agent, { at, source: `${entry.op_type} in ${where}` });
    return at;
  };

  await Promise.all(
    options.repos.map(async (repo) => {
      let fetched = 0;
      for (let page = 1; ; page++) {
        const { items, hasNext } = await forge.repoFeedPage(repo, page, fetched);
        repoFeedPages++;
        fetched += items.length;
        let oldest = Number.POSITIVE_INFINITY;
        for (const entry of items) {
          const at = take(entry, repo);
          if (at) oldest = Math.min(oldest, Date.parse(at));
        }
        if (page === 1 && items.length === 0) {
          // A repository this job commits to has activity; an empty feed means the token cannot see it.
          options.warn?.(
            `the activity feed of ${repo} is empty: if the repository is private, the token may not see its activity (agents there look silent)`,
          );
        }
        if (!hasNext || items.length === 0 || oldest < options.windowStartMs) break;
      }
    }),
  );

  const inWindow = (agent: string) => {
    const sign = seen.get(agent);
    return sign !== undefined && Date.parse(sign.at) >= options.windowStartMs;
  };
  const userFeeds = options.agents.filter((agent) => !inWindow(agent));
  await mapLimit(userFeeds, options.concurrency ?? 8, async (agent) => {
    try {
      const { items } = await forge.userFeedPage(agent, 1);
      // Newest first; the login check guards against a server that ignores only-performed-by.
      const own = items.find((entry) => entry.act_user?.login.toLowerCase() === agent.toLowerCase());
      if (own) take(own, own.repo?.full_name ?? "another repository");
    } catch (error) {
      if (isNotFound(error)) {
        options.warn?.(`agent '${agent}' has no user on the forge (its activity feed answered 404)`);
      } else if (error instanceof ForgeError && (error.status === 401 || error.status === 403)) {
        // Some tokens (repo-scoped ones) may not read user routes: the repo feeds still count.
        options.warn?.(
          `agent '${agent}': its activity feed answered ${error.status}; only the repository feeds were read`,
        );
      } else {
        throw error;
      }
    }
  });
  return { seen, repoFeedPages, userFeeds };
}
