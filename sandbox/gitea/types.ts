/** In-memory records of the sandbox: shaped after Gitea's tables, not its API structs (see render.ts). */

export type Permission = "read" | "write" | "admin";
export type Access = "none" | Permission;

/** Unix seconds, as Gitea stores every time. */
export type Unix = number;

export interface UserRec {
  id: number;
  login: string;
  token: string;
  admin: boolean;
  /** An organization owns repositories but is not a person who can be assigned. */
  org: boolean;
  fullName: string;
  email: string;
  created: Unix;
  /** Repositories whose activity lands in this user's (unfiltered) feed. */
  watching: Set<RepoRec>;
  /** Activities this user performed, oldest first. */
  own: ActivityRec[];
}

export interface LabelRec {
  id: number;
  name: string;
  color: string;
}

export interface RepoRec {
  id: number;
  owner: UserRec;
  name: string;
  fullName: string;
  defaultBranch: string;
  private: boolean;
  created: Unix;
  collaborators: Map<string, { user: UserRec; permission: Permission }>;
  watchers: Set<UserRec>;
  issues: Map<number, IssueRec>;
  /** Issues newest first; rebuilt lazily after inserts. */
  newestFirst: IssueRec[] | undefined;
  nextNumber: number;
  labels: Map<string, LabelRec>;
  /** Branch name -> head commit. */
  branches: Map<string, CommitRec>;
  commits: CommitRec[];
  commitsBySha: Map<string, CommitRec>;
  /** Every action in the repository once, oldest first. */
  activities: ActivityRec[];
}

/** Gitea's comment type names (CommentType.String()) for the events the sandbox records. */
export type EventType =
  | "comment"
  | "assignees"
  | "close"
  | "reopen"
  | "change_title"
  | "label"
  | "pull_ref"
  | "commit_ref";

/** A row of Gitea's comment table: a comment or a timeline event. */
export interface EventRec {
  id: number;
  type: EventType;
  user: UserRec;
  body: string;
  created: Unix;
  updated: Unix;
  assignee?: UserRec;
  removedAssignee?: boolean;
  oldTitle?: string;
  newTitle?: string;
  /** `label` events: the label; `body` is "1" when added, "" when removed (as Gitea stores it). */
  label?: LabelRec;
  /** `pull_ref`: the pull request that references the issue. */
  refIssue?: IssueRec;
  /** `commit_ref`: the referencing commit. */
  refCommitSha?: string;
}

export interface IssueRec {
  id: number;
  number: number;
  repo: RepoRec;
  title: string;
  body: string;
  poster: UserRec;
  labels: LabelRec[];
  assignees: UserRec[];
  isPull: boolean;
  closed: boolean;
  created: Unix;
  updated: Unix;
  closedAt: Unix | undefined;
  events: EventRec[];
  commentCount: number;
  contentVersion: number;
}

export interface FileEntry {
  path: string;
  content: Buffer;
  /** Git blob sha1 of the content. */
  sha: string;
  /** The commit that last changed this path. */
  lastCommit: string;
}

export interface Signature {
  name: string;
  email: string;
  date: Unix;
}

export interface CommitRec {
  sha: string;
  treeSha: string;
  parents: string[];
  branch: string;
  message: string;
  author: Signature;
  committer: Signature;
  /** The user who made the commit (the token's user). */
  doer: UserRec;
  /** Paths this commit touched. */
  files: string[];
  /** The whole tree after this commit (copied per commit: fleet repos hold few files). */
  tree: Map<string, FileEntry>;
}

export interface ActivityRec {
  id: number;
  opType: string;
  actUser: UserRec;
  repo: RepoRec;
  content: string;
  refName: string;
  created: Unix;
  comment: EventRec | undefined;
  issue: IssueRec | undefined;
}
