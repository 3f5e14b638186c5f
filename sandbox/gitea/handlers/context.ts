import { ApiError } from "../errors.js";
import { linkHeader, listOptions } from "../pagination.js";
import type { Urls } from "../render.js";
import { readableRepo, type Store } from "../store.js";
import type { IssueRec, RepoRec, UserRec } from "../types.js";

/** What a handler gets: the matched route's parameters, the parsed request, the signed-in user. */
export interface Ctx {
  store: Store;
  /** Undefined only on routes that allow anonymous access (GET /version). */
  doer: UserRec | undefined;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  urls: Urls;
  /** The request path as sent (still percent-encoded), for Link headers. */
  rawPath: string;
  pageSizes: { max: number; default: number };
}

export interface Reply {
  status: number;
  /** JSON body; undefined sends an empty body. */
  json?: unknown;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply;

export function ok(json: unknown, status = 200, headers?: Record<string, string>): Reply {
  return headers ? { status, json, headers } : { status, json };
}

export function me(ctx: Ctx): UserRec {
  if (!ctx.doer) throw new ApiError(401, "token is required");
  return ctx.doer;
}

/** Gitea's repo assignment middleware: an unknown or unreadable repository is 404. */
export function repoOf(ctx: Ctx): RepoRec {
  return readableRepo(ctx.store, ctx.doer, ctx.params.owner!, ctx.params.repo!);
}

export function issueOf(ctx: Ctx, repo: RepoRec): IssueRec {
  const issue = repo.issues.get(Number(ctx.params.index));
  if (!issue) throw new ApiError(404, "not found");
  return issue;
}

export function requireWriter(ctx: Ctx, repo: RepoRec): UserRec {
  const doer = me(ctx);
  if (!ctx.store.canWrite(doer, repo))
    throw new ApiError(403, "user should have a permission to write to a repo");
  return doer;
}

/** A page of `items` with the X-Total-Count and Link headers Gitea's list endpoints send. */
export function paged<T>(ctx: Ctx, items: T[], render: (item: T) => unknown): Reply {
  const { page, limit } = listOptions(ctx.query, ctx.pageSizes);
  const slice = items.slice((page - 1) * limit, page * limit);
  const headers: Record<string, string> = { "X-Total-Count": String(items.length) };
  const link = linkHeader(ctx.urls.app, ctx.rawPath, ctx.query, items.length, limit, page);
  if (link) headers.Link = link;
  return ok(slice.map(render), 200, headers);
}

/** The body as an object (the validator already checked its shape against the swagger). */
export function bodyOf<T>(ctx: Ctx): T {
  return (ctx.body ?? {}) as T;
}
