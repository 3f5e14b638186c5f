import { ApiError } from "../errors.js";
import {
  addComment,
  addLabels,
  createIssue,
  editIssue,
  findIssues,
  type IssueEdit,
  setState,
} from "../issues.js";
import { listOptions } from "../pagination.js";
import { renderComment, renderIssue, renderLabel, renderTimelineEvent } from "../render.js";
import { toUnix } from "../time.js";
import type { EventRec, IssueRec, LabelRec, Unix, UserRec } from "../types.js";
import { bodyOf, type Ctx, issueOf, me, ok, paged, type Reply, repoOf, requireWriter } from "./context.js";

/** Gitea's created_by / assigned_by: an unknown user is 404. */
function userFilter(ctx: Ctx, name: string): UserRec | undefined {
  const login = ctx.query.get(name);
  if (!login) return undefined;
  const user = ctx.store.user(login);
  if (!user) throw new ApiError(404, `user redirect does not exist [name: ${login}]`);
  return user;
}

/** `since`/`before` as RFC 3339; a bad one is 422 as in Gitea's GetQueryBeforeSince. */
function timeFilter(ctx: Ctx, name: "since" | "before"): Unix | undefined {
  const text = ctx.query.get(name);
  if (!text) return undefined;
  const ms = Date.parse(text);
  if (!Number.isFinite(ms) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
    throw new ApiError(422, `parsing time "${text}" as "2006-01-02T15:04:05Z07:00": cannot parse`);
  }
  return toUnix(ms);
}

export function listIssues(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const state = ctx.query.get("state");
  const type = ctx.query.get("type");
  const since = timeFilter(ctx, "since");
  const before = timeFilter(ctx, "before");
  const keyword = (ctx.query.get("q") ?? "").trim().toLowerCase();
  userFilter(ctx, "mentioned_by");
  let issues = findIssues(repo, {
    state: state === "closed" || state === "all" ? state : "open",
    type: type === "issues" || type === "pulls" ? type : undefined,
    labels: (ctx.query.get("labels") ?? "").split(",").filter(Boolean),
    createdBy: userFilter(ctx, "created_by"),
    assignedTo: userFilter(ctx, "assigned_by"),
  });
  if (since !== undefined || before !== undefined || keyword) {
    issues = issues.filter(
      (issue) =>
        (since === undefined || issue.updated >= since) &&
        (before === undefined || issue.updated <= before) &&
        (!keyword || `${issue.title}\n${issue.body}`.toLowerCase().includes(keyword)),
    );
  }
  return paged(ctx, issues, (issue) => renderIssue(issue, ctx.urls));
}

export function getIssue(ctx: Ctx): Reply {
  return ok(renderIssue(issueOf(ctx, repoOf(ctx)), ctx.urls));
}

interface CreateIssueBody {
  title: string;
  body?: string;
  assignee?: string;
  assignees?: string[];
  labels?: number[];
  closed?: boolean;
}

/** Only writers may set assignees and labels; others' are dropped, as in Gitea. */
export function postIssue(ctx: Ctx): Reply {
  const doer = me(ctx);
  const repo = repoOf(ctx);
  const form = bodyOf<CreateIssueBody>(ctx);
  const canWrite = ctx.store.canWrite(doer, repo);
  const assignees: UserRec[] = [];
  if (canWrite) {
    for (const login of new Set([...(form.assignees ?? []), ...(form.assignee ? [form.assignee] : [])])) {
      const user = ctx.store.user(login);
      if (!user)
        throw new ApiError(
          422,
          `Assignee does not exist: [name: user does not exist [uid: 0, name: ${login}]]`,
        );
      if (!ctx.store.canWrite(user, repo)) {
        throw new ApiError(
          422,
          `user doesn't have access to repo [user_id: ${user.id}, repo_name: ${repo.name}]`,
        );
      }
      assignees.push(user);
    }
  }
  const labelsById = new Map([...repo.labels.values()].map((label) => [label.id, label.name]));
  const labels = canWrite ? (form.labels ?? []).flatMap((id) => labelsById.get(id) ?? []) : [];
  const issue = createIssue(ctx.store, repo, {
    title: form.title,
    body: form.body ?? "",
    poster: doer,
    labels,
    assignees,
  });
  if (form.closed) setState(ctx.store, issue, doer, true);
  return ok(renderIssue(issue, ctx.urls), 201);
}

/** PATCH answers 201 (sic) with the issue as stored: read its assignees to see what really happened. */
export function patchIssue(ctx: Ctx): Reply {
  const doer = me(ctx);
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo);
  const form = bodyOf<IssueEdit & { assignee?: string }>(ctx);
  editIssue(ctx.store, issue, doer, form);
  return ok(renderIssue(issue, ctx.urls), 201);
}

function inWindow(ctx: Ctx, event: EventRec): boolean {
  const since = timeFilter(ctx, "since");
  const before = timeFilter(ctx, "before");
  return (since === undefined || event.updated >= since) && (before === undefined || event.updated <= before);
}

/** Not paginated: every comment, oldest first, with X-Total-Count. */
export function listComments(ctx: Ctx): Reply {
  const issue = issueOf(ctx, repoOf(ctx));
  const comments = issue.events.filter((event) => event.type === "comment" && inWindow(ctx, event));
  return ok(
    comments.map((comment) => renderComment(comment, issue, ctx.urls)),
    200,
    { "X-Total-Count": String(comments.length) },
  );
}

export function postComment(ctx: Ctx): Reply {
  const doer = me(ctx);
  const issue = issueOf(ctx, repoOf(ctx));
  const comment = addComment(ctx.store, issue, doer, bodyOf<{ body: string }>(ctx).body);
  return ok(renderComment(comment, issue, ctx.urls), 201);
}

/** Comments and events, oldest first, paginated; X-Total-Count counts the page (as Gitea does). */
export function listTimeline(ctx: Ctx): Reply {
  const issue: IssueRec = issueOf(ctx, repoOf(ctx));
  const { page, limit } = listOptions(ctx.query, ctx.pageSizes);
  const events = issue.events.filter((event) => inWindow(ctx, event)).slice((page - 1) * limit, page * limit);
  return ok(
    events.map((event) => renderTimelineEvent(event, issue, ctx.urls)),
    200,
    { "X-Total-Count": String(events.length) },
  );
}

export function listLabels(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const labels = [...repo.labels.values()].sort((a, b) => a.id - b.id);
  return paged(ctx, labels, (label) => renderLabel(label, repo, ctx.urls));
}

/** Writers only; the colour may carry a leading `#` (stored without, as Gitea answers it). */
export function postLabel(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  requireWriter(ctx, repo);
  const form = bodyOf<{ name: string; color: string; description?: string }>(ctx);
  const color = form.color.replace(/^#/, "");
  if (!/^[0-9a-fA-F]{6}$/.test(color)) throw new ApiError(422, "[Color]: Color must be a hex colour");
  if (repo.labels.has(form.name.toLowerCase())) throw new ApiError(422, "label already exists");
  const label = ctx.store.label(repo, form.name);
  label.color = color.toLowerCase();
  return ok(renderLabel(label, repo, ctx.urls), 201);
}

/** Adds labels by id or by name (unknown ones are ignored) and answers the issue's labels. */
export function postIssueLabels(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const issue = issueOf(ctx, repo);
  const doer = me(ctx);
  if (!ctx.store.canWrite(doer, repo)) throw new ApiError(403, "", true);
  const wanted = bodyOf<{ labels?: unknown[] }>(ctx).labels ?? [];
  const byId = new Map([...repo.labels.values()].map((label) => [label.id, label]));
  const labels = wanted.flatMap((entry): LabelRec[] => {
    const label =
      typeof entry === "number"
        ? byId.get(entry)
        : typeof entry === "string"
          ? repo.labels.get(entry.toLowerCase())
          : undefined;
    return label ? [label] : [];
  });
  addLabels(ctx.store, issue, doer, labels);
  return ok(issue.labels.map((label) => renderLabel(label, repo, ctx.urls)));
}
