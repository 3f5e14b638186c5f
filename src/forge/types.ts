/** The subset of Gitea's API structs fleet-actions reads (swagger definitions of the same names). */

export interface User {
  id: number;
  login: string;
}

export interface Label {
  id: number;
  name: string;
}

export interface Issue {
  id: number;
  number: number;
  title: string;
  body: string | null;
  state: "open" | "closed";
  user: User | null;
  labels: Label[] | null;
  /** Gitea sends null, not [], when nobody is assigned. */
  assignees: User[] | null;
  assignee?: User | null;
  /** Set on pull requests (Gitea's issue list holds them unless type=issues). */
  pull_request?: unknown;
  html_url?: string;
  /** Number of comments: 0 spares reading them to look for our marker. */
  comments?: number;
  created_at: string;
  updated_at: string;
  closed_at?: string | null;
}

export interface Comment {
  id: number;
  body: string;
  user: User | null;
  created_at: string;
}

/**
 * One entry of an issue's timeline (Gitea's TimelineComment): a comment or an event, with
 * its actor in `user`. `type` is Gitea's comment type name: `comment`, `assignees`,
 * `label`, `close`, `reopen`, `pull_ref`, `commit_ref`, `change_title`, ...
 */
export interface TimelineEvent {
  id: number;
  type: string;
  user: User | null;
  created_at: string;
  body?: string;
  /** `assignees` events: who was assigned or, with `removed_assignee`, unassigned. */
  assignee?: User | null;
  removed_assignee?: boolean;
}

export interface Repository {
  id: number;
  full_name: string;
  name: string;
  owner: User;
  default_branch: string;
  private?: boolean;
  /** What the requesting token's user may do here; absent for anonymous requests. */
  permissions?: RepoPermissions | null;
}

export interface RepoPermissions {
  admin: boolean;
  push: boolean;
  pull: boolean;
}

export interface ContentsResponse {
  type: string;
  path: string;
  sha: string;
  content: string | null;
  encoding: string | null;
}

export interface Activity {
  id: number;
  op_type: string;
  created: string;
  act_user: User | null;
  act_user_id?: number;
  repo?: { full_name: string } | null;
  content?: string;
  ref_name?: string;
}

export interface FileChange {
  operation: "create" | "update" | "delete";
  path: string;
  /** Text content; the client base64-encodes it. */
  content?: string;
  /** Blob sha of the current file: required for update and delete. */
  sha?: string;
}

/** `owner/name` split once. */
export interface RepoRef {
  owner: string;
  name: string;
}

/** The user a Gitea job token acts as (id -2): it sees public repositories' activity only. */
export const JOB_TOKEN_LOGIN = "gitea-actions";
