import { ApiError, internal } from "./errors.js";
import type { Store } from "./store.js";
import type { EventRec, EventType, IssueRec, LabelRec, RepoRec, Unix, UserRec } from "./types.js";

export interface NewIssue {
  title: string;
  body?: string;
  poster: UserRec;
  labels?: string[];
  assignees?: UserRec[];
  pull?: boolean;
  created?: Unix;
}

/** Creates an issue (or pull request) and records `create_issue` / `create_pull_request`. */
export function createIssue(store: Store, repo: RepoRec, fields: NewIssue): IssueRec {
  const created = fields.created ?? store.now();
  const issue: IssueRec = {
    id: store.nextId("issue"),
    number: repo.nextNumber++,
    repo,
    title: fields.title,
    body: fields.body ?? "",
    poster: fields.poster,
    labels: (fields.labels ?? []).map((name) => store.label(repo, name)),
    assignees: [],
    isPull: fields.pull ?? false,
    closed: false,
    created,
    updated: created,
    closedAt: undefined,
    events: [],
    commentCount: 0,
    contentVersion: 0,
  };
  repo.issues.set(issue.number, issue);
  repo.newestFirst = undefined;
  store.record({
    opType: issue.isPull ? "create_pull_request" : "create_issue",
    actUser: fields.poster,
    repo,
    created,
    content: `${issue.number}|${issue.title}`,
    issue,
  });
  for (const assignee of fields.assignees ?? [])
    toggleAssignee(store, issue, fields.poster, assignee, created);
  return issue;
}

function addEvent(
  store: Store,
  issue: IssueRec,
  type: EventType,
  user: UserRec,
  at: Unix,
  extra: Partial<EventRec> = {},
) {
  const event: EventRec = {
    id: store.nextId("event"),
    type,
    user,
    body: "",
    created: at,
    updated: at,
    ...extra,
  };
  issue.events.push(event);
  return event;
}

/** Gitea's ToggleIssueAssignee: one timeline event per change, and no activity-feed entry. */
function toggleAssignee(store: Store, issue: IssueRec, doer: UserRec, assignee: UserRec, at: Unix): void {
  const index = issue.assignees.indexOf(assignee);
  if (index >= 0) issue.assignees.splice(index, 1);
  else issue.assignees.push(assignee);
  addEvent(store, issue, "assignees", doer, at, { assignee, removedAssignee: index >= 0 });
  issue.updated = Math.max(issue.updated, at);
}

/** Adds a comment and records `comment_issue` (`comment_pull` on pull requests). */
export function addComment(
  store: Store,
  issue: IssueRec,
  user: UserRec,
  body: string,
  at = store.now(),
): EventRec {
  const comment = addEvent(store, issue, "comment", user, at, { body });
  issue.commentCount += 1;
  issue.updated = Math.max(issue.updated, at);
  store.record({
    opType: issue.isPull ? "comment_pull" : "comment_issue",
    actUser: user,
    repo: issue.repo,
    created: at,
    content: `${issue.number}|${ellipsis(body, 200)}`,
    comment,
    issue,
  });
  return comment;
}

/** Gitea's EllipsisDisplayString: at most `length` characters, the last one an ellipsis when cut. */
function ellipsis(text: string, length: number): string {
  const chars = [...text];
  return chars.length <= length ? text : `${chars.slice(0, length - 1).join("")}…`;
}

/** Gitea's NewIssueLabels: a `label` event per label not already there; the issue counts as updated. */
export function addLabels(
  store: Store,
  issue: IssueRec,
  doer: UserRec,
  labels: readonly LabelRec[],
  at = store.now(),
): void {
  for (const label of labels) {
    if (issue.labels.includes(label)) continue;
    issue.labels.push(label);
    addEvent(store, issue, "label", doer, at, { label, body: "1" });
    issue.updated = Math.max(issue.updated, at);
  }
}

/**
 * A cross reference Gitea records on an issue: `pull_ref` when a pull request mentions it,
 * `commit_ref` when a pushed commit does. The actor is who opened the PR or pushed.
 */
export function addReference(
  store: Store,
  issue: IssueRec,
  doer: UserRec,
  ref: { pull: IssueRec } | { commitSha: string },
  at = store.now(),
): EventRec {
  const event =
    "pull" in ref
      ? addEvent(store, issue, "pull_ref", doer, at, { refIssue: ref.pull })
      : addEvent(store, issue, "commit_ref", doer, at, {
          refCommitSha: ref.commitSha,
          body: `<a href="${issue.repo.fullName}/commit/${ref.commitSha}">${ref.commitSha.slice(0, 10)}</a>`,
        });
  issue.updated = Math.max(issue.updated, at);
  return event;
}

export interface IssueEdit {
  title?: string;
  body?: string;
  state?: string;
  /** Replaces the assignee set (logins). */
  assignees?: string[];
  /** Deprecated single assignee, merged into the set as Gitea does. */
  assignee?: string;
}

/**
 * Gitea's EditIssue, step for step: title and body apply before assignees, so a failing
 * assignee change (500) leaves them applied, and a poster without write access gets their
 * assignee change silently dropped.
 */
export function editIssue(
  store: Store,
  issue: IssueRec,
  doer: UserRec,
  edit: IssueEdit,
  at = store.now(),
): IssueRec {
  const canWrite = store.canWrite(doer, issue.repo);
  if (issue.poster !== doer && !canWrite) throw new ApiError(403, "", true);

  if (edit.title && edit.title !== issue.title) {
    addEvent(store, issue, "change_title", doer, at, { oldTitle: issue.title, newTitle: edit.title });
    issue.title = edit.title;
    issue.updated = Math.max(issue.updated, at);
  }
  if (edit.body !== undefined && edit.body !== issue.body) {
    issue.body = edit.body;
    issue.contentVersion += 1;
    issue.updated = Math.max(issue.updated, at);
  }
  if (canWrite && (edit.assignees !== undefined || edit.assignee !== undefined)) {
    updateAssignees(
      store,
      issue,
      doer,
      [...(edit.assignees ?? []), ...(edit.assignee ? [edit.assignee] : [])],
      at,
    );
  }
  if (edit.state !== undefined) {
    if (edit.state !== "open" && edit.state !== "closed")
      throw new ApiError(412, `unknown state: ${edit.state}`);
    setState(store, issue, doer, edit.state === "closed", at);
  }
  return issue;
}

/** Gitea's UpdateAssignees: unknown users fail first; removals happen before each addition is checked. */
function updateAssignees(store: Store, issue: IssueRec, doer: UserRec, logins: string[], at: Unix): void {
  const wanted: UserRec[] = [];
  for (const login of new Set(logins)) {
    const user = store.user(login);
    if (!user) throw internal(`user does not exist [uid: 0, name: ${login}]`);
    if (!wanted.includes(user)) wanted.push(user);
  }
  for (const current of [...issue.assignees]) {
    if (!wanted.includes(current)) toggleAssignee(store, issue, doer, current, at);
  }
  for (const user of wanted) {
    if (issue.assignees.includes(user)) continue;
    // An organization is a user row in Gitea but never assignable (CanBeAssigned).
    if (user.org || !store.canWrite(user, issue.repo)) {
      throw internal(`user doesn't have access to repo [user_id: ${user.id}, repo_name: ${issue.repo.name}]`);
    }
    toggleAssignee(store, issue, doer, user, at);
  }
}

/** Closes or reopens, with the timeline event and the feed entry Gitea records. */
export function setState(
  store: Store,
  issue: IssueRec,
  doer: UserRec,
  closed: boolean,
  at = store.now(),
): void {
  if (issue.closed === closed) return;
  issue.closed = closed;
  issue.closedAt = closed ? at : undefined;
  issue.updated = Math.max(issue.updated, at);
  addEvent(store, issue, closed ? "close" : "reopen", doer, at);
  const kind = issue.isPull ? "pull_request" : "issue";
  store.record({
    opType: `${closed ? "close" : "reopen"}_${kind}`,
    actUser: doer,
    repo: issue.repo,
    created: at,
    content: `${issue.number}|`,
    issue,
  });
}

export interface IssueFilter {
  state: "open" | "closed" | "all";
  type: "issues" | "pulls" | undefined;
  labels: string[];
  createdBy: UserRec | undefined;
  assignedTo: UserRec | undefined;
}

/** The repository's issues matching the filter, newest first (Gitea's default order). */
export function findIssues(repo: RepoRec, filter: IssueFilter): IssueRec[] {
  repo.newestFirst ??= [...repo.issues.values()].sort((a, b) => b.created - a.created || b.id - a.id);
  // Gitea discards label names the repository does not have; when none is left there is no label filter.
  const labelIds = new Set(
    filter.labels.flatMap((name) => {
      const label = repo.labels.get(name.toLowerCase());
      return label ? [label.id] : [];
    }),
  );
  return repo.newestFirst.filter(
    (issue) =>
      (filter.state === "all" || issue.closed === (filter.state === "closed")) &&
      (filter.type === undefined || issue.isPull === (filter.type === "pulls")) &&
      (labelIds.size === 0 || issue.labels.some((label) => labelIds.has(label.id))) &&
      (!filter.createdBy || issue.poster === filter.createdBy) &&
      (!filter.assignedTo || issue.assignees.includes(filter.assignedTo)),
  );
}
