import { feedPage } from "../activity.js";
import { ApiError } from "../errors.js";
import { listOptions } from "../pagination.js";
import { renderActivities, renderUser } from "../render.js";
import { API } from "../swagger.js";
import { dayRange } from "../time.js";
import type { ActivityRec, UserRec } from "../types.js";
import { type Ctx, me, ok, type Reply } from "./context.js";

export function getVersion(): Reply {
  return ok({ version: API.giteaVersion });
}

export function getCurrentUser(ctx: Ctx): Reply {
  return ok(renderUser(me(ctx), ctx.urls));
}

function userOf(ctx: Ctx): UserRec {
  const user = ctx.store.user(ctx.params.username!);
  if (!user) throw new ApiError(404, "not found");
  return user;
}

export function getUser(ctx: Ctx): Reply {
  return ok(renderUser(userOf(ctx), ctx.urls));
}

/** Go's ParseBool truthy spellings. */
function truthy(text: string | null): boolean {
  return text !== null && ["1", "t", "T", "TRUE", "true", "True"].includes(text);
}

/**
 * A user's feed. Without only-performed-by it also holds everyone's actions in the
 * repositories the user watches. Private repositories show only to the user and admins.
 */
export function getUserFeeds(ctx: Ctx): Reply {
  const doer = me(ctx);
  const user = userOf(ctx);
  let list = truthy(ctx.query.get("only-performed-by")) ? user.own : ctx.store.inbox(user);
  if (!doer.admin && doer !== user) {
    list = list.filter(
      (rec: ActivityRec) => ctx.store.access(doer, rec.repo) !== "none" && !rec.repo.private,
    );
  }
  const { page, limit } = listOptions(ctx.query, ctx.pageSizes);
  const range = dayRange(ctx.query.get("date") ?? "");
  const { items, total } = feedPage(list, page, limit, range);
  // Feeds send X-Total-Count but no Link header.
  return ok(renderActivities(ctx.store, items, doer, ctx.urls), 200, { "X-Total-Count": String(total) });
}

/** Contributions in 15-minute buckets over the last year, oldest first. */
export function getHeatmap(ctx: Ctx): Reply {
  const user = userOf(ctx);
  const since = ctx.store.now() - 31_536_000;
  const buckets = new Map<number, number>();
  for (const rec of user.own) {
    if (rec.created <= since) continue;
    const bucket = Math.floor(rec.created / 900) * 900;
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  return ok(
    [...buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([timestamp, contributions]) => ({ timestamp, contributions })),
  );
}
