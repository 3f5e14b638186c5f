import { feedPage } from "../activity.js";
import { ApiError } from "../errors.js";
import { listOptions } from "../pagination.js";
import { renderActivities, renderRepo, renderUser } from "../render.js";
import { dayRange } from "../time.js";
import { type Ctx, me, ok, paged, type Reply, repoOf } from "./context.js";

export function getRepo(ctx: Ctx): Reply {
  return ok(renderRepo(ctx.store, repoOf(ctx), ctx.doer, ctx.urls));
}

/** Who can be assigned: not paginated. */
export function getAssignees(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  return ok(ctx.store.assignees(repo).map((user) => renderUser(user, ctx.urls)));
}

export function getCollaborators(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const users = [...repo.collaborators.values()]
    .map((collaborator) => collaborator.user)
    .sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
  return paged(ctx, users, (user) => renderUser(user, ctx.urls));
}

/** Only site admins, repository admins and the collaborator themself may ask. */
export function getCollaboratorPermission(ctx: Ctx): Reply {
  const doer = me(ctx);
  const repo = repoOf(ctx);
  const user = ctx.store.user(ctx.params.collaborator!);
  if (!user) throw new ApiError(404, "not found");
  if (!doer.admin && doer !== user && ctx.store.access(doer, repo) !== "admin") {
    throw new ApiError(
      403,
      "Only admins can query all permissions, repo admins can query all repo permissions, collaborators can query only their own",
    );
  }
  const access = ctx.store.access(user, repo);
  const permission = user === repo.owner ? "owner" : access;
  return ok({ permission, role_name: permission, user: renderUser(user, ctx.urls) });
}

/** Every action in the repository once, newest first; X-Total-Count but no Link header. */
export function getRepoFeeds(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const { page, limit } = listOptions(ctx.query, ctx.pageSizes);
  const range = dayRange(ctx.query.get("date") ?? "");
  const { items, total } = feedPage(repo.activities, page, limit, range);
  return ok(renderActivities(ctx.store, items, ctx.doer, ctx.urls), 200, { "X-Total-Count": String(total) });
}
