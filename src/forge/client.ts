import { type FetchContext, FetchError, type FetchOptions, ofetch } from "ofetch";
import { ForgeError, isNotFound, MissingTokenError } from "./errors.js";
import { parseRepo } from "./refs.js";
import type {
  Activity,
  Comment,
  ContentsResponse,
  FileChange,
  Issue,
  Label,
  Repository,
  TimelineEvent,
  User,
} from "./types.js";

export type ForgeFlavor = "gitea" | "github";

export interface ForgeClientOptions {
  /** API base: `<server>/api/v1` on Gitea and Forgejo, `https://api.github.com` on GitHub. */
  baseUrl: string;
  /** Read when the first request needs it, so a missing token fails there and not at start-up. */
  token: () => string | undefined;
  flavor?: ForgeFlavor;
  /** Per request, in ms. */
  timeoutMs?: number;
  /** Retries of a request that is safe to repeat. */
  retries?: number;
  /** First retry delay in ms; doubles each time (capped at 10 s), with jitter. */
  retryDelayMs?: number;
  /** Items per page asked for; the server may clamp it (Gitea: 50 by default). */
  pageSize?: number;
  fetch?: typeof globalThis.fetch;
  /** Called before every HTTP attempt (retries included), e.g. to log or count. */
  onRequest?: (method: string, url: string) => void;
}

/** Gateways in front of forges answer these while the forge restarts; ofetch reports a network failure or timeout as 500. */
const RETRY_STATUSES = [408, 429, 500, 502, 503, 504];

/**
 * Six retries (seven attempts): a proxy answering 502 to one request in five still fails a
 * request only about once in 80,000; with the 10 s cap the wait stays under a minute.
 */
export const DEFAULT_RETRIES = 6;
const MAX_RETRY_DELAY_MS = 10_000;

export interface Page<T> {
  items: T[];
  /** From X-Total-Count, when sent. */
  total: number | undefined;
  hasNext: boolean;
}

/**
 * One client for Gitea/Forgejo (and GitHub where the API matches), on ofetch:
 * token header, per-request timeout, bounded retries of safe requests, typed errors, pagination.
 */
export class ForgeClient {
  readonly flavor: ForgeFlavor;
  readonly pageSize: number;
  /** HTTP attempts made, retries included. */
  requests = 0;
  private readonly fetcher: typeof ofetch;
  private readonly retries: number;

  constructor(private readonly options: ForgeClientOptions) {
    this.flavor = options.flavor ?? "gitea";
    this.pageSize = options.pageSize ?? (this.flavor === "github" ? 100 : 50);
    this.retries = options.retries ?? DEFAULT_RETRIES;
    const firstDelay = options.retryDelayMs ?? 500;
    const retries = this.retries;
    this.fetcher = ofetch.create({
      baseURL: options.baseUrl.replace(/\/+$/, ""),
      timeout: options.timeoutMs ?? 30_000,
      retryStatusCodes: RETRY_STATUSES,
      retryDelay: (context: FetchContext) => {
        const attempt = retries - (typeof context.options.retry === "number" ? context.options.retry : 0);
        return Math.round(Math.min(firstDelay * 2 ** attempt, MAX_RETRY_DELAY_MS) * (0.5 + Math.random()));
      },
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onRequest: (context) => {
        const token = options.token();
        if (!token) {
          throw new MissingTokenError(
            "no forge token: set the action's `token` input (its default is the job token) or, on the command line, --token or FLEET_TOKEN",
          );
        }
        this.requests++;
        context.options.headers.set("authorization", `token ${token}`);
        context.options.headers.set("accept", "application/json");
        options.onRequest?.(context.options.method ?? "GET", String(context.request));
      },
    });
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  /** Any request; `retry` only for requests safe to repeat. */
  async request<T>(
    method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE",
    path: string,
    init: {
      query?: Record<string, string | number | boolean | undefined>;
      body?: unknown;
      retry?: boolean;
      /** Statuses worth retrying for this request, when not the default list. */
      retryStatuses?: number[];
    } = {},
  ): Promise<{ data: T; headers: Headers }> {
    const safe = init.retry ?? method === "GET";
    const options: FetchOptions<"json"> = {
      method,
      query: init.query,
      retry: safe ? this.retries : 0,
      ...(init.retryStatuses ? { retryStatusCodes: init.retryStatuses } : {}),
      ...(init.body === undefined ? {} : { body: init.body as Record<string, unknown> }),
    };
    try {
      const response = await this.fetcher.raw<T>(path, options);
      return { data: response._data as T, headers: response.headers };
    } catch (error) {
      throw toForgeError(method, path, error);
    }
  }

  async get<T>(path: string, query?: Record<string, string | number | boolean | undefined>): Promise<T> {
    return (await this.request<T>("GET", path, { query })).data;
  }

  /**
   * One page of a list. Gitea pages with `limit`, GitHub with `per_page`.
   * `fetchedBefore` is how many items earlier pages held, for paging by X-Total-Count.
   */
  async page<T>(
    path: string,
    pageNumber: number,
    query: Record<string, string | number | boolean | undefined> = {},
    fetchedBefore = 0,
  ): Promise<Page<T>> {
    const sizeParam = this.flavor === "github" ? "per_page" : "limit";
    const { data, headers } = await this.request<T[] | null>("GET", path, {
      query: { ...query, page: pageNumber, [sizeParam]: this.pageSize },
    });
    const items = data ?? [];
    const totalHeader = headers.get("x-total-count");
    const total = totalHeader === null ? undefined : Number(totalHeader);
    const link = headers.get("link");
    let hasNext: boolean;
    if (items.length === 0) hasNext = false;
    else if (link !== null) hasNext = /rel="next"/.test(link);
    // Feeds send X-Total-Count but no Link: page by the count (the server may clamp the page size).
    else if (total !== undefined && Number.isFinite(total)) hasNext = fetchedBefore + items.length < total;
    // Neither header (not Gitea, which sends both): a server may clamp the page size below ours
    // without saying so, so only a page shorter than the pages before it, or empty, is the last.
    else
      hasNext =
        items.length >= Math.min(this.pageSize, pageNumber === 1 ? 1 : fetchedBefore / (pageNumber - 1));
    return { items, total, hasNext };
  }

  /** Every page of a list, in order, one request per page. */
  async all<T>(
    path: string,
    query: Record<string, string | number | boolean | undefined> = {},
    maxPages = 1_000,
  ): Promise<T[]> {
    const items: T[] = [];
    for (let pageNumber = 1; pageNumber <= maxPages; pageNumber++) {
      const page = await this.page<T>(path, pageNumber, query, items.length);
      items.push(...page.items);
      if (!page.hasNext) break;
    }
    return items;
  }

  // --- users --------------------------------------------------------------

  /** The token's own user (`gitea-actions` for a Gitea job token). */
  currentUser(): Promise<User> {
    return this.get<User>("/user");
  }

  /** A user (or organization), or undefined when the forge knows no such login. */
  async findUser(login: string): Promise<User | undefined> {
    try {
      return await this.get<User>(`/users/${enc(login)}`);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  // --- repositories -------------------------------------------------------

  getRepo(repo: string): Promise<Repository> {
    const { owner, name } = parseRepo(repo);
    return this.get<Repository>(`/repos/${enc(owner)}/${enc(name)}`);
  }

  /** Users who can be assigned issues in the repository. */
  async listAssignees(repo: string): Promise<User[]> {
    const { owner, name } = parseRepo(repo);
    return (await this.get<User[] | null>(`/repos/${enc(owner)}/${enc(name)}/assignees`)) ?? [];
  }

  // --- issues -------------------------------------------------------------

  /** Every open issue (no pull requests) of a repository, one request per page. */
  listOpenIssues(repo: string): Promise<Issue[]> {
    const { owner, name } = parseRepo(repo);
    return this.all<Issue>(`/repos/${enc(owner)}/${enc(name)}/issues`, { state: "open", type: "issues" });
  }

  getIssue(repo: string, number: number): Promise<Issue> {
    const { owner, name } = parseRepo(repo);
    return this.get<Issue>(`/repos/${enc(owner)}/${enc(name)}/issues/${number}`);
  }

  /**
   * Replaces the assignee set; repeating it is harmless, so it is retried, except on 500:
   * Gitea's answer for an agent who cannot be assigned, which no retry will change.
   */
  async setAssignees(repo: string, number: number, assignees: string[]): Promise<Issue> {
    const { owner, name } = parseRepo(repo);
    const path = `/repos/${enc(owner)}/${enc(name)}/issues/${number}`;
    const retryStatuses = RETRY_STATUSES.filter((status) => status !== 500);
    return (await this.request<Issue>("PATCH", path, { body: { assignees }, retry: true, retryStatuses }))
      .data;
  }

  /** Gitea does not paginate issue comments. */
  async listComments(repo: string, number: number): Promise<Comment[]> {
    const { owner, name } = parseRepo(repo);
    return (
      (await this.get<Comment[] | null>(`/repos/${enc(owner)}/${enc(name)}/issues/${number}/comments`)) ?? []
    );
  }

  /** Never retried blindly: a repeated POST makes a second comment. */
  async createComment(repo: string, number: number, body: string): Promise<Comment> {
    const { owner, name } = parseRepo(repo);
    const path = `/repos/${enc(owner)}/${enc(name)}/issues/${number}/comments`;
    return (await this.request<Comment>("POST", path, { body: { body }, retry: false })).data;
  }

  /**
   * Every event on an issue, oldest first. Gitea pages the timeline but sends neither a Link
   * header nor a usable X-Total-Count (it counts the page), so a page as long as the page
   * size means there may be more; most timelines fit in one page.
   */
  async listTimeline(repo: string, number: number): Promise<TimelineEvent[]> {
    const { owner, name } = parseRepo(repo);
    const path = `/repos/${enc(owner)}/${enc(name)}/issues/${number}/timeline`;
    const events: TimelineEvent[] = [];
    for (let pageNumber = 1; pageNumber <= 1_000; pageNumber++) {
      const { data } = await this.request<TimelineEvent[] | null>("GET", path, {
        query: { page: pageNumber, limit: this.pageSize },
      });
      const items = data ?? [];
      events.push(...items);
      if (items.length < this.pageSize) break;
    }
    return events;
  }

  /** The repository's labels (every page). */
  listLabels(repo: string): Promise<Label[]> {
    const { owner, name } = parseRepo(repo);
    return this.all<Label>(`/repos/${enc(owner)}/${enc(name)}/labels`);
  }

  /** Never retried blindly: a repeated POST after a lost answer is a 422 (the name exists). */
  async createLabel(
    repo: string,
    label: { name: string; color: string; description: string },
  ): Promise<Label> {
    const { owner, name } = parseRepo(repo);
    return (
      await this.request<Label>("POST", `/repos/${enc(owner)}/${enc(name)}/labels`, {
        body: label,
        retry: false,
      })
    ).data;
  }

  /** Adds labels by id (ids work on every Gitea version; names only on newer ones); repeating it is harmless. */
  async addLabels(repo: string, number: number, ids: number[]): Promise<Label[]> {
    const { owner, name } = parseRepo(repo);
    const path = `/repos/${enc(owner)}/${enc(name)}/issues/${number}/labels`;
    return (await this.request<Label[]>("POST", path, { body: { labels: ids }, retry: true })).data ?? [];
  }

  // --- contents -----------------------------------------------------------

  /** A file's text and blob sha, or undefined when it does not exist. `ref` defaults to the default branch. */
  async readFile(
    repo: string,
    path: string,
    ref?: string,
  ): Promise<{ text: string; sha: string } | undefined> {
    const { owner, name } = parseRepo(repo);
    try {
      const file = await this.get<ContentsResponse>(
        `/repos/${enc(owner)}/${enc(name)}/contents/${encPath(path)}`,
        {
          ref,
        },
      );
      if (file.type !== "file") throw new Error(`${repo}:${path} is a ${file.type}, not a file`);
      // Gitea leaves `content` out for blobs over [api] DEFAULT_MAX_BLOB_SIZE (10 MiB by default).
      if (
        file.content === null ||
        file.content === undefined ||
        (file.encoding && file.encoding !== "base64")
      ) {
        throw new Error(
          `${repo}:${path} is too large for the contents API to return (Gitea's DEFAULT_MAX_BLOB_SIZE)`,
        );
      }
      return { text: Buffer.from(file.content, "base64").toString("utf8"), sha: file.sha };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /**
   * Writes several files in one commit (ChangeFiles, Gitea 1.20+). Updates must carry the
   * sha they were read at: a stale one is rejected (422; isStaleSha), never overwritten.
   */
  async changeFiles(
    repo: string,
    change: { message: string; branch?: string; files: FileChange[] },
  ): Promise<{ commitSha: string | undefined }> {
    const { owner, name } = parseRepo(repo);
    for (const file of change.files) {
      if (file.operation !== "create" && !file.sha)
        throw new Error(`${file.operation} of ${file.path} needs its sha`);
    }
    const body = {
      message: change.message,
      ...(change.branch ? { branch: change.branch } : {}),
      files: change.files.map((file) => ({
        operation: file.operation,
        path: file.path,
        ...(file.content === undefined
          ? {}
          : { content: Buffer.from(file.content, "utf8").toString("base64") }),
        ...(file.sha ? { sha: file.sha } : {}),
      })),
    };
    const { data } = await this.request<{ commit?: { sha?: string } }>(
      "POST",
      `/repos/${enc(owner)}/${enc(name)}/contents`,
      { body, retry: false },
    );
    return { commitSha: data?.commit?.sha };
  }

  // --- activity -----------------------------------------------------------

  /** One page of a repository's activity feed, newest first. */
  repoFeedPage(repo: string, pageNumber: number, fetchedBefore = 0): Promise<Page<Activity>> {
    const { owner, name } = parseRepo(repo);
    return this.page<Activity>(
      `/repos/${enc(owner)}/${enc(name)}/activities/feeds`,
      pageNumber,
      {},
      fetchedBefore,
    );
  }

  /** One page of what a user did themself (`only-performed-by`: without it, watched repos' activity leaks in). */
  userFeedPage(user: string, pageNumber: number, fetchedBefore = 0): Promise<Page<Activity>> {
    const path = `/users/${enc(user)}/activities/feeds`;
    return this.page<Activity>(path, pageNumber, { "only-performed-by": true }, fetchedBefore);
  }

  async version(): Promise<string> {
    return (await this.get<{ version: string }>("/version")).version;
  }
}

function enc(segment: string): string {
  return encodeURIComponent(segment);
}

function encPath(path: string): string {
  return path.split("/").map(enc).join("/");
}

function toForgeError(method: string, path: string, error: unknown): Error {
  if (error instanceof MissingTokenError) return error;
  if (error instanceof FetchError) {
    if (error.cause instanceof MissingTokenError) return error.cause;
    const data = error.data as { message?: unknown } | string | undefined;
    const message =
      typeof data === "string"
        ? data.trim().slice(0, 300)
        : typeof data?.message === "string"
          ? data.message
          : error.response
            ? ""
            : String((error.cause as Error | undefined)?.message ?? error.message);
    return new ForgeError(method, path, error.response?.status, message, { cause: error });
  }
  return error instanceof Error ? error : new Error(String(error));
}
