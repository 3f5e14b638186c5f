import { ApiError } from "./errors.js";
import { blobSha, commitSha, treeSha } from "./git.js";
import type { Store } from "./store.js";
import type { CommitRec, FileEntry, RepoRec, Signature, Unix, UserRec } from "./types.js";

export type FileOperation = "create" | "update" | "upload" | "rename" | "delete";

export interface FileChangeRequest {
  operation: FileOperation;
  path: string;
  /** Raw bytes (already base64-decoded). */
  content?: Buffer;
  sha?: string;
  fromPath?: string;
}

export interface ChangeRequest {
  files: FileChangeRequest[];
  message?: string;
  branch?: string;
  newBranch?: string;
  forcePush?: boolean;
  author?: { name?: string; email?: string };
  committer?: { name?: string; email?: string };
  date?: Unix;
}

/** Gitea's CleanGitTreePath: no leading slash, no `.`/`..` tricks, never inside `.git`. */
export function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  const clean = parts.join("/");
  return parts[0]?.toLowerCase() === ".git" ? "" : clean;
}

/** Base64 as Go's StdEncoding reads it: strict alphabet and padding. */
export function decodeBase64(text: string): Buffer {
  const compact = text.replace(/[\r\n]/g, "");
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(compact)) {
    throw new ApiError(422, "illegal base64 data at input byte 0");
  }
  return Buffer.from(compact, "base64");
}

function defaultMessage(files: { operation: FileOperation; path: string }[]): string {
  const groups: [string, FileOperation[]][] = [
    ["Add", ["create"]],
    ["Update", ["update", "upload", "rename"]],
    ["Delete", ["delete"]],
  ];
  return groups
    .map(([verb, ops]) => {
      const paths = files.filter((file) => ops.includes(file.operation)).map((file) => file.path);
      return paths.length ? `${verb} ${paths.join(", ")}` : "";
    })
    .filter(Boolean)
    .join("\n");
}

/** Is `path` a directory of the tree (some file lives below it)? */
function isDir(tree: ReadonlyMap<string, FileEntry>, path: string): boolean {
  const prefix = `${path}/`;
  for (const key of tree.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/**
 * Gitea's ChangeRepoFiles: every file is checked against the branch head first, then all
 * are applied and written as ONE commit; any failure leaves the repository untouched.
 * An update or delete without `sha` is not an error: it overwrites against the head.
 */
export function changeFiles(store: Store, repo: RepoRec, doer: UserRec, request: ChangeRequest): CommitRec {
  const oldBranch = request.branch || repo.defaultBranch;
  const newBranch = request.newBranch || oldBranch;
  const empty = repo.branches.size === 0;
  const head = repo.branches.get(oldBranch);
  if (!head && !empty)
    throw new ApiError(404, `branch does not exist [repo_id: ${repo.id} name: ${oldBranch}]`);

  const files = request.files.map((file) => {
    const path = cleanPath(file.path);
    if (!path) throw new ApiError(422, `path contains a malformed path component [path: ${file.path}]`);
    const fromPath = file.fromPath ? cleanPath(file.fromPath) : path;
    if (!fromPath)
      throw new ApiError(422, `path contains a malformed path component [path: ${file.fromPath}]`);
    return { ...file, path, fromPath };
  });

  if (newBranch !== oldBranch && repo.branches.has(newBranch) && !request.forcePush) {
    throw new ApiError(422, `branch already exists [name: ${newBranch}]`);
  }

  const base = head?.tree ?? new Map<string, FileEntry>();
  if (head) for (const file of files) check(base, file);
  else if (files.some((file) => file.operation !== "create" && file.operation !== "upload")) {
    throw new ApiError(404, `branch does not exist [repo_id: ${repo.id} name: ${oldBranch}]`);
  }

  const date = request.date ?? store.now();
  const author = identity(request.author ?? request.committer, doer, date);
  const committer = identity(request.committer ?? request.author, doer, date);
  const message = request.message?.trim() || defaultMessage(files);
  const tree = new Map(base);
  const pending: { path: string; entry: FileEntry | undefined }[] = [];
  for (const file of files) {
    if (file.operation === "delete") {
      tree.delete(file.path);
      pending.push({ path: file.path, entry: undefined });
      continue;
    }
    if (file.operation === "create" && tree.has(file.path)) {
      throw new ApiError(422, `repository file already exists [path: ${file.path}]`);
    }
    const previous = tree.get(file.fromPath);
    if (file.fromPath !== file.path) tree.delete(file.fromPath);
    const content =
      file.content ?? (file.operation === "rename" ? previous?.content : undefined) ?? Buffer.alloc(0);
    const entry: FileEntry = { path: file.path, content, sha: blobSha(content), lastCommit: "" };
    tree.set(file.path, entry);
    pending.push({ path: file.path, entry });
  }

  const parents = head ? [head.sha] : [];
  const treeId = treeSha(tree);
  const sha = commitSha({ tree: treeId, parents, author, committer, message });
  for (const { entry } of pending) if (entry) entry.lastCommit = sha;
  const commit: CommitRec = {
    sha,
    treeSha: treeId,
    parents,
    branch: newBranch,
    message,
    author,
    committer,
    doer,
    files: files.map((file) => file.path),
    tree,
  };
  repo.commits.push(commit);
  repo.commitsBySha.set(sha, commit);
  repo.branches.set(newBranch, commit);
  store.record({
    opType: "commit_repo",
    actUser: doer,
    repo,
    created: date,
    refName: `refs/heads/${newBranch}`,
    content: pushContent(repo, commit, head),
  });
  return commit;
}

/** Gitea's handleCheckErrors against the head tree. */
function check(base: ReadonlyMap<string, FileEntry>, file: FileChangeRequest & { fromPath: string }): void {
  const op = file.operation;
  if (op === "update" || op === "upload" || op === "delete" || op === "rename") {
    const from = base.get(file.fromPath);
    if (!from && op !== "upload")
      throw new ApiError(404, `object does not exist [id: , rel_path: ${file.fromPath}]`);
    if (file.sha && file.sha !== (from?.sha ?? "")) {
      throw new ApiError(422, `sha does not match [given: ${file.sha}, expected: ${from?.sha ?? ""}]`);
    }
  }
  if (op === "delete") return;
  const parts = file.path.split("/");
  for (let index = 0; index < parts.length - 1; index++) {
    const sub = parts.slice(0, index + 1).join("/");
    if (base.has(sub)) {
      throw new ApiError(422, `a file exists where you’re trying to create a subdirectory [path: ${sub}]`);
    }
  }
  if (isDir(base, file.path)) {
    throw new ApiError(422, `a directory exists where you’re trying to create a file [path: ${file.path}]`);
  }
  if (base.has(file.path) && (file.fromPath !== file.path || op === "create")) {
    throw new ApiError(422, `repository file already exists [path: ${file.path}]`);
  }
}

function identity(
  given: { name?: string; email?: string } | undefined,
  doer: UserRec,
  date: Unix,
): Signature {
  if (given?.name || given?.email) {
    return { name: given.name || doer.login, email: given.email || doer.email, date };
  }
  return { name: doer.fullName || doer.login, email: doer.email, date };
}

/** The JSON Gitea stores as a commit_repo action's content (repo_model.PushCommits). */
function pushContent(repo: RepoRec, commit: CommitRec, head: CommitRec | undefined): string {
  const pushed = {
    Sha1: commit.sha,
    Message: `${commit.message}\n`,
    AuthorEmail: commit.author.email,
    AuthorName: commit.author.name,
    CommitterEmail: commit.committer.email,
    CommitterName: commit.committer.name,
    Timestamp: new Date(commit.committer.date * 1000).toISOString().replace(/\.\d{3}Z$/, "Z"),
  };
  return JSON.stringify({
    Commits: [pushed],
    HeadCommit: pushed,
    CompareURL: head ? `${repo.fullName}/compare/${head.sha}...${commit.sha}` : "",
    Len: 1,
  });
}

/** A branch, a full commit sha, or a sha prefix of at least 7 characters. */
export function resolveRef(repo: RepoRec, ref: string | undefined): CommitRec | undefined {
  const name = ref || repo.defaultBranch;
  const branch = repo.branches.get(name);
  if (branch) return branch;
  if (/^[0-9a-f]{7,40}$/.test(name)) {
    const exact = repo.commitsBySha.get(name);
    if (exact) return exact;
    return repo.commits.find((commit) => commit.sha.startsWith(name));
  }
  return undefined;
}

/** Entries directly inside `dir` ("" is the root): files and sub-directories, sorted like git. */
export function listDir(
  tree: ReadonlyMap<string, FileEntry>,
  dir: string,
): { name: string; path: string; entry?: FileEntry }[] {
  const prefix = dir ? `${dir}/` : "";
  const seen = new Map<string, { name: string; path: string; entry?: FileEntry }>();
  for (const [path, entry] of tree) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf("/");
    const name = slash < 0 ? rest : rest.slice(0, slash);
    if (!seen.has(name)) seen.set(name, slash < 0 ? { name, path, entry } : { name, path: prefix + name });
  }
  return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
}
