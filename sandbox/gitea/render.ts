import type { Store } from "./store.js";
import { rfc3339 } from "./time.js";
import type {
  ActivityRec,
  CommitRec,
  EventRec,
  FileEntry,
  IssueRec,
  LabelRec,
  RepoRec,
  UserRec,
} from "./types.js";

/** Where the server lives: `app` ends in "/", like Gitea's AppURL; `api` is app + "api/v1". */
export interface Urls {
  app: string;
  api: string;
}

/** Gitea's api.User. `is_admin` and `email` are shown as Gitea shows them to a signed-in user. */
export function renderUser(user: UserRec, urls: Urls) {
  return {
    id: user.id,
    login: user.login,
    login_name: "",
    source_id: 0,
    full_name: user.fullName,
    email: user.email,
    avatar_url: `${urls.app}avatars/${user.id}`,
    html_url: `${urls.app}${user.login}`,
    language: "",
    is_admin: user.admin,
    last_login: "0001-01-01T00:00:00Z",
    created: rfc3339(user.created),
    restricted: false,
    active: true,
    prohibit_login: false,
    location: "",
    website: "",
    description: "",
    visibility: "public",
    followers_count: 0,
    following_count: 0,
    starred_repos_count: 0,
    username: user.login,
  };
}

export function renderRepo(store: Store, repo: RepoRec, viewer: UserRec | undefined, urls: Urls) {
  const access = store.access(viewer, repo);
  const issues = [...repo.issues.values()];
  return {
    id: repo.id,
    owner: renderUser(repo.owner, urls),
    name: repo.name,
    full_name: repo.fullName,
    description: "",
    empty: repo.branches.size === 0,
    private: repo.private,
    fork: false,
    template: false,
    parent: null,
    mirror: false,
    size: 0,
    language: "",
    languages_url: `${urls.api}/repos/${repo.fullName}/languages`,
    html_url: `${urls.app}${repo.fullName}`,
    url: `${urls.api}/repos/${repo.fullName}`,
    link: "",
    ssh_url: `git@${new URL(urls.app).host}:${repo.fullName}.git`,
    clone_url: `${urls.app}${repo.fullName}.git`,
    original_url: "",
    website: "",
    stars_count: 0,
    forks_count: 0,
    watchers_count: repo.watchers.size,
    open_issues_count: issues.filter((issue) => !issue.isPull && !issue.closed).length,
    open_pr_counter: issues.filter((issue) => issue.isPull && !issue.closed).length,
    release_counter: 0,
    default_branch: repo.defaultBranch,
    archived: false,
    created_at: rfc3339(repo.created),
    updated_at: rfc3339(repo.created),
    archived_at: "1970-01-01T00:00:00Z",
    permissions: {
      admin: access === "admin",
      push: access === "admin" || access === "write",
      pull: access !== "none",
    },
    has_code: true,
    has_issues: true,
    has_wiki: false,
    has_pull_requests: true,
    has_projects: false,
    has_releases: true,
    has_packages: false,
    has_actions: true,
    default_merge_style: "merge",
    object_format_name: "sha1",
    topics: [],
    licenses: [],
  };
}

export function renderLabel(label: LabelRec, repo: RepoRec, urls: Urls) {
  return {
    id: label.id,
    name: label.name,
    exclusive: false,
    is_archived: false,
    color: label.color,
    description: "",
    url: `${urls.api}/repos/${repo.fullName}/labels/${label.id}`,
  };
}

/** Gitea's ToAPIIssue: `assignee`/`assignees` are null (not []) when nobody is assigned. */
export function renderIssue(issue: IssueRec, urls: Urls) {
  const repo = issue.repo;
  const kind = issue.isPull ? "pulls" : "issues";
  const assignees = issue.assignees.map((user) => renderUser(user, urls));
  return {
    id: issue.id,
    url: `${urls.api}/repos/${repo.fullName}/issues/${issue.number}`,
    html_url: `${urls.app}${repo.fullName}/${kind}/${issue.number}`,
    number: issue.number,
    user: renderUser(issue.poster, urls),
    original_author: "",
    original_author_id: 0,
    title: issue.title,
    body: issue.body,
    ref: "",
    assets: [],
    labels: issue.labels.map((label) => renderLabel(label, repo, urls)),
    milestone: null,
    assignee: assignees[0] ?? null,
    assignees: assignees.length > 0 ? assignees : null,
    state: issue.closed ? "closed" : "open",
    is_locked: false,
    comments: issue.commentCount,
    created_at: rfc3339(issue.created),
    updated_at: rfc3339(issue.updated),
    closed_at: issue.closedAt === undefined ? null : rfc3339(issue.closedAt),
    due_date: null,
    time_estimate: 0,
    pull_request: issue.isPull
      ? {
          merged: false,
          merged_at: null,
          draft: false,
          html_url: `${urls.app}${repo.fullName}/pulls/${issue.number}`,
        }
      : null,
    repository: { id: repo.id, name: repo.name, owner: repo.owner.login, full_name: repo.fullName },
    pin_order: 0,
    content_version: issue.contentVersion,
  };
}

export function renderComment(comment: EventRec, issue: IssueRec, urls: Urls) {
  const repo = issue.repo;
  const kind = issue.isPull ? "pulls" : "issues";
  return {
    id: comment.id,
    html_url: `${urls.app}${repo.fullName}/${kind}/${issue.number}#issuecomment-${comment.id}`,
    pull_request_url: issue.isPull ? `${urls.app}${repo.fullName}/pulls/${issue.number}` : "",
    issue_url: issue.isPull ? "" : `${urls.app}${repo.fullName}/issues/${issue.number}`,
    user: renderUser(comment.user, urls),
    original_author: "",
    original_author_id: 0,
    body: comment.body,
    assets: [],
    created_at: rfc3339(comment.created),
    updated_at: rfc3339(comment.updated),
  };
}

/** Gitea's ToTimelineComment, for the event types the sandbox records. */
export function renderTimelineEvent(event: EventRec, issue: IssueRec, urls: Urls) {
  return {
    ...renderComment(event, issue, urls),
    type: event.type,
    old_title: event.oldTitle ?? "",
    new_title: event.newTitle ?? "",
    old_ref: "",
    new_ref: "",
    ref_action: "",
    ref_commit_sha: event.refCommitSha ?? "",
    review_id: 0,
    label: event.label ? renderLabel(event.label, issue.repo, urls) : null,
    assignee: event.assignee ? renderUser(event.assignee, urls) : null,
    assignee_team: null,
    removed_assignee: event.removedAssignee ?? false,
    resolve_doer: null,
    milestone: null,
    old_milestone: null,
    tracked_time: null,
    ref_issue: event.refIssue ? renderIssue(event.refIssue, urls) : null,
    ref_comment: null,
    dependent_issue: null,
  };
}

/** Feed entries; each repository is rendered once per call, since a page repeats the same few. */
export function renderActivities(store: Store, list: ActivityRec[], viewer: UserRec | undefined, urls: Urls) {
  const repos = new Map<RepoRec, ReturnType<typeof renderRepo>>();
  const repoOf = (repo: RepoRec) => {
    let json = repos.get(repo);
    if (!json) {
      json = renderRepo(store, repo, viewer, urls);
      repos.set(repo, json);
    }
    return json;
  };
  return list.map((activity) => renderActivity(activity, repoOf(activity.repo), urls));
}

function renderActivity(activity: ActivityRec, repo: ReturnType<typeof renderRepo>, urls: Urls) {
  return {
    id: activity.id,
    user_id: activity.actUser.id,
    op_type: activity.opType,
    act_user_id: activity.actUser.id,
    act_user: renderUser(activity.actUser, urls),
    repo_id: activity.repo.id,
    repo,
    comment_id: activity.comment?.id ?? 0,
    comment:
      activity.comment && activity.issue ? renderComment(activity.comment, activity.issue, urls) : null,
    ref_name: activity.refName,
    is_private: activity.repo.private,
    content: activity.content,
    created: rfc3339(activity.created),
  };
}

/** Gitea's ContentsResponse for one file. */
export function renderFile(
  repo: RepoRec,
  entry: FileEntry,
  commit: CommitRec,
  ref: string,
  urls: Urls,
  withContent = true,
) {
  const name = entry.path.slice(entry.path.lastIndexOf("/") + 1);
  const self = `${urls.api}/repos/${repo.fullName}/contents/${entry.path}?ref=${encodeURIComponent(ref)}`;
  const git = `${urls.api}/repos/${repo.fullName}/git/blobs/${entry.sha}`;
  const html = `${urls.app}${repo.fullName}/src/branch/${ref}/${entry.path}`;
  const last = repo.commitsBySha.get(entry.lastCommit) ?? commit;
  return {
    name,
    path: entry.path,
    sha: entry.sha,
    last_commit_sha: last.sha,
    last_committer_date: rfc3339(last.committer.date),
    last_author_date: rfc3339(last.author.date),
    type: "file",
    size: entry.content.length,
    encoding: withContent ? "base64" : null,
    content: withContent ? entry.content.toString("base64") : null,
    target: null,
    url: self,
    html_url: html,
    git_url: git,
    download_url: `${urls.app}${repo.fullName}/raw/branch/${ref}/${entry.path}`,
    submodule_git_url: null,
    _links: { self, git, html },
  };
}

export function renderDirEntry(repo: RepoRec, path: string, name: string, ref: string, urls: Urls) {
  const self = `${urls.api}/repos/${repo.fullName}/contents/${path}?ref=${encodeURIComponent(ref)}`;
  const html = `${urls.app}${repo.fullName}/src/branch/${ref}/${path}`;
  return {
    name,
    path,
    sha: "",
    type: "dir",
    size: 0,
    encoding: null,
    content: null,
    target: null,
    url: self,
    html_url: html,
    git_url: null,
    download_url: null,
    submodule_git_url: null,
    _links: { self, git: null, html },
  };
}

/** Gitea's FileCommitResponse. */
export function renderCommit(repo: RepoRec, commit: CommitRec, urls: Urls) {
  const link = (sha: string) => ({
    url: `${urls.api}/repos/${repo.fullName}/git/commits/${sha}`,
    sha,
    created: rfc3339(repo.commitsBySha.get(sha)?.committer.date ?? commit.committer.date),
  });
  return {
    ...link(commit.sha),
    html_url: `${urls.app}${repo.fullName}/commit/${commit.sha}`,
    author: { name: commit.author.name, email: commit.author.email, date: rfc3339(commit.author.date) },
    committer: {
      name: commit.committer.name,
      email: commit.committer.email,
      date: rfc3339(commit.committer.date),
    },
    parents: commit.parents.map(link),
    message: `${commit.message}\n`,
    tree: {
      url: `${urls.api}/repos/${repo.fullName}/git/trees/${commit.treeSha}`,
      sha: commit.treeSha,
      created: rfc3339(commit.committer.date),
    },
  };
}

export const NOT_SIGNED = {
  verified: false,
  reason: "gpg.error.not_signed_commit",
  signature: "",
  signer: null,
  payload: "",
};
