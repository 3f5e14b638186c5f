import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { changeFiles, resolveRef } from "./contents.js";
import { addComment, addLabels, addReference, createIssue, editIssue, setState } from "./issues.js";
import { seededRandom } from "./random.js";
import { renderComment, renderIssue, renderTimelineEvent, type Urls } from "./render.js";
import { type RequestRecord, type ServerState, serve } from "./server.js";
import { Store } from "./store.js";
import { rfc3339, toUnix } from "./time.js";
import type { IssueRec, Permission, RepoRec } from "./types.js";

export interface GiteaSandboxOptions {
  /** Gitea's [api] MAX_RESPONSE_ITEMS: `limit` is clamped to it. */
  maxPageSize?: number;
  /** Gitea's [api] DEFAULT_PAGING_NUM: the page size when `limit` is absent. */
  defaultPageSize?: number;
  /** Probability of answering 502 (HTML, like nginx) instead of handling a request. */
  failureRate?: number;
  /** Seed of the PRNG that decides injected failures. */
  seed?: number;
  /** Delay before each request is handled. */
  latencyMs?: number;
  /** Clock for everything the API creates (seeded data may carry its own times). */
  now?: () => Date;
}

type Time = Date | string;

export interface SeedIssue {
  title: string;
  body?: string;
  poster: string;
  labels?: string[];
  assignees?: string[];
  pull?: boolean;
  state?: "open" | "closed";
  createdAt?: Time;
  closedAt?: Time;
  /** Who closed it (default: the poster). */
  closedBy?: string;
}

export interface CommitSummary {
  sha: string;
  message: string;
  /** Login of the user who made the commit (the token's user for API commits). */
  author: string;
  branch: string;
  files: string[];
  date: string;
}

export interface ActivitySummary {
  id: number;
  opType: string;
  user: string;
  repo: string;
  created: string;
  content: string;
}

/**
 * A loopback Gitea 1.27 API for tests, the demo and benchmarks: in memory, seeded
 * synchronously, strict about requests (anything outside src/sandbox/gitea-api.json is a
 * 400 and a recorded violation), faithful where Gitea surprises clients.
 */
export class GiteaSandbox {
  private readonly store: Store;
  private readonly state: ServerState;
  private server: Server | undefined;

  constructor(options: GiteaSandboxOptions = {}) {
    this.store = new Store(options.now ?? (() => new Date()));
    this.state = {
      store: this.store,
      urls: { app: "http://127.0.0.1/", api: "http://127.0.0.1/api/v1" },
      pageSizes: { max: options.maxPageSize ?? 50, default: options.defaultPageSize ?? 30 },
      failureRate: options.failureRate ?? 0,
      latencyMs: options.latencyMs ?? 0,
      random: seededRandom(options.seed ?? 1),
      requests: [],
      violations: [],
    };
  }

  // --- server -------------------------------------------------------------

  /** Listens on 127.0.0.1 (port 0 = any free port). */
  async start(port = 0): Promise<{ url: string; apiUrl: string }> {
    if (this.server) throw new Error("the sandbox is already started");
    const server = createServer((req, res) => {
      void serve(this.state, req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.server = server;
    const address = server.address() as AddressInfo;
    const app = `http://127.0.0.1:${address.port}/`;
    this.state.urls = { app, api: `${app}api/v1` };
    return { url: this.url, apiUrl: this.apiUrl };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  /** Server root without the trailing slash, e.g. `http://127.0.0.1:38211`. */
  get url(): string {
    return this.state.urls.app.replace(/\/$/, "");
  }

  get apiUrl(): string {
    return this.state.urls.api;
  }

  get failureRate(): number {
    return this.state.failureRate;
  }

  set failureRate(rate: number) {
    this.state.failureRate = rate;
  }

  get latencyMs(): number {
    return this.state.latencyMs;
  }

  set latencyMs(ms: number) {
    this.state.latencyMs = ms;
  }

  // --- observation --------------------------------------------------------

  /** Every request answered, in order (injected failures and violations included). */
  get requests(): readonly RequestRecord[] {
    return this.state.requests;
  }

  resetRequests(): void {
    this.state.requests.length = 0;
  }

  /** Requests that were not valid against Gitea's swagger (see gitea-api.json). */
  get violations(): readonly string[] {
    return this.state.violations;
  }

  resetViolations(): void {
    this.state.violations.length = 0;
  }

  private urls(): Urls {
    return this.state.urls;
  }

  private issueRec(repo: string, number: number): IssueRec {
    const issue = this.store.mustRepo(repo).issues.get(number);
    if (!issue) throw new Error(`no issue ${repo}#${number}`);
    return issue;
  }

  /** The issue as the API renders it, or undefined. */
  issue(repo: string, number: number): ReturnType<typeof renderIssue> | undefined {
    const issue = this.store.mustRepo(repo).issues.get(number);
    return issue && renderIssue(issue, this.urls());
  }

  /** All issues and pull requests of a repository, by number. */
  issues(repo: string): ReturnType<typeof renderIssue>[] {
    return [...this.store.mustRepo(repo).issues.values()].map((issue) => renderIssue(issue, this.urls()));
  }

  comments(repo: string, number: number): ReturnType<typeof renderComment>[] {
    const issue = this.issueRec(repo, number);
    return issue.events
      .filter((event) => event.type === "comment")
      .map((comment) => renderComment(comment, issue, this.urls()));
  }

  timeline(repo: string, number: number): ReturnType<typeof renderTimelineEvent>[] {
    const issue = this.issueRec(repo, number);
    return issue.events.map((event) => renderTimelineEvent(event, issue, this.urls()));
  }

  /** A file's text and blob sha at a branch (default branch) or commit, or undefined. */
  file(repo: string, path: string, ref?: string): { text: string; sha: string } | undefined {
    const entry = resolveRef(this.store.mustRepo(repo), ref)?.tree.get(path);
    return entry && { text: entry.content.toString("utf8"), sha: entry.sha };
  }

  /** Every commit, oldest first. */
  commits(repo: string): CommitSummary[] {
    return this.store.mustRepo(repo).commits.map((commit) => ({
      sha: commit.sha,
      message: commit.message,
      author: commit.doer.login,
      branch: commit.branch,
      files: [...commit.files],
      date: rfc3339(commit.committer.date),
    }));
  }

  /** Feed entries of a repository, or performed by a user, oldest first. */
  activities(filter: { repo?: string; user?: string }): ActivitySummary[] {
    const list = filter.repo
      ? this.store.mustRepo(filter.repo).activities
      : filter.user
        ? this.store.mustUser(filter.user).own
        : [];
    return list
      .filter((rec) => !filter.user || rec.actUser.login === filter.user)
      .map((rec) => ({
        id: rec.id,
        opType: rec.opType,
        user: rec.actUser.login,
        repo: rec.repo.fullName,
        created: rfc3339(rec.created),
        content: rec.content,
      }));
  }

  // --- seeding (synchronous, no HTTP) -------------------------------------

  addUser(login: string, options: { token?: string; admin?: boolean; fullName?: string } = {}) {
    const user = this.store.addUser(login, options);
    return { id: user.id, login: user.login, token: user.token };
  }

  /** An organization: owns repositories, has no token, is never an assignee. */
  addOrg(login: string): { id: number; login: string } {
    const org = this.store.addUser(login, { org: true });
    return { id: org.id, login: org.login };
  }

  /**
   * A repository; its owner is created when missing and is its admin. Collaborators are
   * created when missing, and watch the repository (as Gitea makes them).
   */
  addRepo(
    fullName: string,
    options: { defaultBranch?: string; private?: boolean; collaborators?: Record<string, Permission> } = {},
  ): { id: number; fullName: string } {
    const repo = this.store.addRepo(fullName, options);
    return { id: repo.id, fullName: repo.fullName };
  }

  addCollaborator(repo: string, login: string, permission: Permission): void {
    const user = this.store.user(login) ?? this.store.addUser(login);
    this.store.addCollaborator(this.store.mustRepo(repo), user, permission);
  }

  /** An issue (or pull request) with its create_issue activity; returns its number. */
  addIssue(repo: string, issue: SeedIssue): number {
    const rec = this.store.mustRepo(repo);
    const poster = this.store.mustUser(issue.poster);
    const created = issue.createdAt === undefined ? undefined : toUnix(issue.createdAt);
    const made = createIssue(this.store, rec, {
      title: issue.title,
      body: issue.body,
      poster,
      labels: issue.labels,
      assignees: (issue.assignees ?? []).map((login) => this.store.mustUser(login)),
      pull: issue.pull,
      created,
    });
    if (issue.state === "closed" || issue.closedAt !== undefined) {
      const closer = issue.closedBy ? this.store.mustUser(issue.closedBy) : poster;
      setState(
        this.store,
        made,
        closer,
        true,
        issue.closedAt === undefined ? created : toUnix(issue.closedAt),
      );
    }
    return made.number;
  }

  /** A comment with its comment_issue activity; returns the comment id. */
  addComment(
    repo: string,
    number: number,
    comment: { user: string; body: string; createdAt?: Time },
  ): number {
    const at = comment.createdAt === undefined ? undefined : toUnix(comment.createdAt);
    return addComment(
      this.store,
      this.issueRec(repo, number),
      this.store.mustUser(comment.user),
      comment.body,
      at,
    ).id;
  }

  /**
   * Changes an issue as `by` would through PATCH (same permission rules and silent drops),
   * e.g. to reassign or close it at a chosen time.
   */
  editIssue(
    repo: string,
    number: number,
    edit: {
      by: string;
      title?: string;
      body?: string;
      state?: "open" | "closed";
      assignees?: string[];
      at?: Time;
    },
  ): void {
    const { by, at, ...fields } = edit;
    editIssue(
      this.store,
      this.issueRec(repo, number),
      this.store.mustUser(by),
      fields,
      at ? toUnix(at) : undefined,
    );
  }

  /** Labels an issue as `by` at a chosen time (a `label` timeline event; the label is created when missing). */
  addLabel(repo: string, number: number, fields: { by: string; label: string; at?: Time }): void {
    const rec = this.store.mustRepo(repo);
    const at = fields.at === undefined ? undefined : toUnix(fields.at);
    addLabels(
      this.store,
      this.issueRec(repo, number),
      this.store.mustUser(fields.by),
      [this.store.label(rec, fields.label)],
      at,
    );
  }

  /**
   * A reference to the issue from a pull request (`pull_ref`, `pull` is the PR's number in the
   * same repository) or a pushed commit (`commit_ref`), made by `by`.
   */
  addReference(
    repo: string,
    number: number,
    fields: { by: string; at?: Time } & ({ pull: number } | { commitSha: string }),
  ): void {
    const at = fields.at === undefined ? undefined : toUnix(fields.at);
    const ref =
      "pull" in fields ? { pull: this.issueRec(repo, fields.pull) } : { commitSha: fields.commitSha };
    addReference(this.store, this.issueRec(repo, number), this.store.mustUser(fields.by), ref, at);
  }

  /** The labels of a repository, by name. */
  labels(repo: string): string[] {
    return [...this.store.mustRepo(repo).labels.values()].map((label) => label.name);
  }

  /**
   * Commits one file (created or overwritten) as `author` (default: the owner), recording
   * commit_repo; returns the file's blob sha.
   */
  putFile(
    repo: string,
    path: string,
    text: string,
    options: { branch?: string; message?: string; author?: string; date?: Time } = {},
  ): string {
    const rec: RepoRec = this.store.mustRepo(repo);
    const doer = options.author ? this.store.mustUser(options.author) : rec.owner;
    const commit = changeFiles(this.store, rec, doer, {
      files: [{ operation: "upload", path, content: Buffer.from(text, "utf8") }],
      message: options.message,
      branch: options.branch && rec.branches.has(options.branch) ? options.branch : undefined,
      newBranch: options.branch,
      forcePush: true,
      date: options.date === undefined ? undefined : toUnix(options.date),
    });
    return commit.tree.get(commit.files[0]!)!.sha;
  }

  /** An explicit feed entry (e.g. a push or a review that the sandbox does not model). */
  addActivity(activity: {
    repo: string;
    user: string;
    opType: string;
    created: Time;
    content?: string;
  }): number {
    return this.store.record({
      opType: activity.opType,
      actUser: this.store.mustUser(activity.user),
      repo: this.store.mustRepo(activity.repo),
      created: toUnix(activity.created),
      content: activity.content,
    }).id;
  }
}
