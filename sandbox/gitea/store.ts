import { insertSorted } from "./activity.js";
import { ApiError } from "./errors.js";
import { toUnix } from "./time.js";
import type {
  Access,
  ActivityRec,
  EventRec,
  IssueRec,
  LabelRec,
  Permission,
  RepoRec,
  Unix,
  UserRec,
} from "./types.js";

const LABEL_COLORS = [
  "e11d21",
  "fbca04",
  "009800",
  "006b75",
  "207de5",
  "0052cc",
  "5319e7",
  "d4c5f9",
  "ee0701",
];

/** Everything the sandbox knows, in memory, indexed for the lookups the API makes. */
export class Store {
  readonly users = new Map<string, UserRec>();
  readonly tokens = new Map<string, UserRec>();
  readonly repos = new Map<string, RepoRec>();
  private ids = { user: 0, repo: 0, issue: 0, event: 0, activity: 0, label: 0 };
  /** Unfiltered feeds already merged, valid until the next activity (paging one is then cheap). */
  private inboxes = new Map<UserRec, { version: number; list: ActivityRec[] }>();

  constructor(readonly clock: () => Date) {}

  now(): Unix {
    return toUnix(this.clock());
  }

  nextId(kind: keyof Store["ids"]): number {
    this.ids[kind] += 1;
    return this.ids[kind];
  }

  // --- users --------------------------------------------------------------

  addUser(
    login: string,
    options: { token?: string; admin?: boolean; org?: boolean; fullName?: string } = {},
  ): UserRec {
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(login))
      throw new Error(`'${login}' is not a valid Gitea user name`);
    if (this.users.has(login.toLowerCase())) throw new Error(`user ${login} already exists`);
    const user: UserRec = {
      id: this.nextId("user"),
      login,
      token: options.org ? "" : (options.token ?? `token-${login}`),
      admin: options.admin ?? false,
      org: options.org ?? false,
      fullName: options.fullName ?? "",
      email: `${login.toLowerCase()}@noreply.localhost`,
      created: this.now(),
      watching: new Set(),
      own: [],
    };
    this.users.set(login.toLowerCase(), user);
    if (user.token) {
      if (this.tokens.has(user.token)) throw new Error(`token of ${login} is already someone's token`);
      this.tokens.set(user.token, user);
    }
    return user;
  }

  user(login: string): UserRec | undefined {
    return this.users.get(login.toLowerCase());
  }

  mustUser(login: string): UserRec {
    const user = this.user(login);
    if (!user) throw new Error(`no user ${login}: add it first`);
    return user;
  }

  // --- repositories -------------------------------------------------------

  addRepo(
    fullName: string,
    options: {
      defaultBranch?: string;
      private?: boolean;
      collaborators?: Record<string, Permission>;
    } = {},
  ): RepoRec {
    const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(fullName);
    if (!match) throw new Error(`'${fullName}' is not owner/name`);
    if (this.repos.has(fullName.toLowerCase())) throw new Error(`repository ${fullName} already exists`);
    const owner = this.user(match[1]!) ?? this.addUser(match[1]!);
    const repo: RepoRec = {
      id: this.nextId("repo"),
      owner,
      name: match[2]!,
      fullName: `${owner.login}/${match[2]!}`,
      defaultBranch: options.defaultBranch ?? "main",
      private: options.private ?? false,
      created: this.now(),
      collaborators: new Map(),
      watchers: new Set(),
      issues: new Map(),
      newestFirst: undefined,
      nextNumber: 1,
      labels: new Map(),
      branches: new Map(),
      commits: [],
      commitsBySha: new Map(),
      activities: [],
    };
    this.repos.set(fullName.toLowerCase(), repo);
    this.watch(owner, repo);
    for (const [login, permission] of Object.entries(options.collaborators ?? {})) {
      this.addCollaborator(repo, this.user(login) ?? this.addUser(login), permission);
    }
    return repo;
  }

  /** Like Gitea's AddOrUpdateCollaborator, which also makes the collaborator watch the repository. */
  addCollaborator(repo: RepoRec, user: UserRec, permission: Permission): void {
    repo.collaborators.set(user.login.toLowerCase(), { user, permission });
    this.watch(user, repo);
  }

  watch(user: UserRec, repo: RepoRec): void {
    user.watching.add(repo);
    repo.watchers.add(user);
    this.inboxes.delete(user);
  }

  repo(fullName: string): RepoRec | undefined {
    return this.repos.get(fullName.toLowerCase());
  }

  mustRepo(fullName: string): RepoRec {
    const repo = this.repo(fullName);
    if (!repo) throw new Error(`no repository ${fullName}: add it first`);
    return repo;
  }

  /** Gitea's permission model, reduced: site admin and owner are admins, then collaborators, then public read. */
  access(user: UserRec | undefined, repo: RepoRec): Access {
    if (user && (user.admin || user === repo.owner)) return "admin";
    const collaborator = user ? repo.collaborators.get(user.login.toLowerCase()) : undefined;
    if (collaborator) return collaborator.permission;
    return repo.private ? "none" : "read";
  }

  canWrite(user: UserRec | undefined, repo: RepoRec): boolean {
    const access = this.access(user, repo);
    return access === "write" || access === "admin";
  }

  /** Users an issue can be assigned to: the owner (unless an organization) and collaborators with write access. */
  assignees(repo: RepoRec): UserRec[] {
    const users = [...repo.collaborators.values()]
      .filter((collaborator) => collaborator.permission !== "read")
      .map((collaborator) => collaborator.user);
    if (!repo.owner.org && !users.includes(repo.owner)) users.push(repo.owner);
    return users.sort((a, b) => a.login.toLowerCase().localeCompare(b.login.toLowerCase()));
  }

  /** The repository's label of that name, created on first use (seeding only; the API does not create labels). */
  label(repo: RepoRec, name: string): LabelRec {
    const key = name.toLowerCase();
    let label = repo.labels.get(key);
    if (!label) {
      label = {
        id: this.nextId("label"),
        name,
        color: LABEL_COLORS[repo.labels.size % LABEL_COLORS.length]!,
      };
      repo.labels.set(key, label);
    }
    return label;
  }

  // --- activity -----------------------------------------------------------

  /** Records one action: once in the repository's feed and once in the actor's own list. */
  record(fields: {
    opType: string;
    actUser: UserRec;
    repo: RepoRec;
    created: Unix;
    content?: string;
    refName?: string;
    comment?: EventRec;
    issue?: IssueRec;
  }): ActivityRec {
    const rec: ActivityRec = {
      id: this.nextId("activity"),
      opType: fields.opType,
      actUser: fields.actUser,
      repo: fields.repo,
      content: fields.content ?? "",
      refName: fields.refName ?? "",
      created: fields.created,
      comment: fields.comment,
      issue: fields.issue,
    };
    insertSorted(fields.repo.activities, rec);
    insertSorted(fields.actUser.own, rec);
    return rec;
  }

  /**
   * A user's unfiltered feed: their own actions plus everyone's actions in repositories they
   * watch (Gitea writes a row per watcher). Built on demand: only the trap path needs it.
   */
  inbox(user: UserRec): ActivityRec[] {
    const cached = this.inboxes.get(user);
    if (cached?.version === this.ids.activity) return cached.list;
    const seen = new Set<ActivityRec>(user.own);
    const merged = [...user.own];
    for (const repo of user.watching) {
      for (const rec of repo.activities) {
        if (!seen.has(rec)) {
          seen.add(rec);
          merged.push(rec);
        }
      }
    }
    merged.sort((a, b) => a.created - b.created || a.id - b.id);
    this.inboxes.set(user, { version: this.ids.activity, list: merged });
    return merged;
  }
}

/** Throws the 404 Gitea gives for a repository the user cannot see. */
export function readableRepo(store: Store, user: UserRec | undefined, owner: string, name: string): RepoRec {
  const repo = store.repo(`${owner}/${name}`);
  if (!repo || store.access(user, repo) === "none") throw new ApiError(404, "not found");
  return repo;
}
