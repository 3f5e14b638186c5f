import {
  type ChangeRequest,
  changeFiles,
  cleanPath,
  decodeBase64,
  type FileChangeRequest,
  type FileOperation,
  listDir,
  resolveRef,
} from "../contents.js";
import { ApiError } from "../errors.js";
import { NOT_SIGNED, renderCommit, renderDirEntry, renderFile } from "../render.js";
import { toUnix } from "../time.js";
import type { CommitRec, RepoRec } from "../types.js";
import { bodyOf, type Ctx, ok, type Reply, repoOf, requireWriter } from "./context.js";

/** A file, or the listing of a directory, at `ref` (default branch when absent). */
export function getContents(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const ref = ctx.query.get("ref")?.trim() || repo.defaultBranch;
  const commit = resolveRef(repo, ref);
  if (!commit)
    throw new ApiError(404, repo.branches.size === 0 ? "repository is empty" : "unable to find a git ref");
  const path = cleanPath(ctx.params.filepath ?? "");
  const entry = commit.tree.get(path);
  if (entry) return ok(renderFile(repo, entry, commit, ref, ctx.urls));
  const listing = listDir(commit.tree, path);
  if (listing.length === 0) throw new ApiError(404, "not found");
  return ok(
    listing.map((item) =>
      item.entry
        ? renderFile(repo, item.entry, commit, ref, ctx.urls, false)
        : renderDirEntry(repo, item.path, item.name, ref, ctx.urls),
    ),
  );
}

interface Identity {
  name?: string;
  email?: string;
}

interface CommonFileOptions {
  message?: string;
  branch?: string;
  new_branch?: string;
  force_push?: boolean;
  author?: Identity;
  committer?: Identity;
  dates?: { author?: string; committer?: string };
}

function common(form: CommonFileOptions): Omit<ChangeRequest, "files"> {
  const date = form.dates?.committer || form.dates?.author;
  return {
    message: form.message,
    branch: form.branch,
    newBranch: form.new_branch,
    forcePush: form.force_push,
    author: form.author,
    committer: form.committer,
    date: date ? toUnix(date) : undefined,
  };
}

function fileResponse(ctx: Ctx, repo: RepoRec, commit: CommitRec, path: string) {
  const entry = commit.tree.get(path);
  return {
    content: entry ? renderFile(repo, entry, commit, commit.branch, ctx.urls) : null,
    commit: renderCommit(repo, commit, ctx.urls),
    verification: NOT_SIGNED,
  };
}

interface ChangeFilesBody extends CommonFileOptions {
  files: { operation: FileOperation; path: string; content?: string; sha?: string; from_path?: string }[];
}

/** ChangeFiles: several files, one commit, all or nothing; 201 with every file and the commit. */
export function postChangeFiles(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const doer = requireWriter(ctx, repo);
  const form = bodyOf<ChangeFilesBody>(ctx);
  const files: FileChangeRequest[] = form.files.map((file) => ({
    operation: file.operation,
    path: file.path,
    content: decodeBase64(file.content ?? ""),
    sha: file.sha || undefined,
    fromPath: file.from_path || undefined,
  }));
  const commit = changeFiles(ctx.store, repo, doer, { ...common(form), files });
  return ok(
    {
      files: commit.files.map((path) => {
        const entry = commit.tree.get(path);
        return entry ? renderFile(repo, entry, commit, commit.branch, ctx.urls) : null;
      }),
      commit: renderCommit(repo, commit, ctx.urls),
      verification: NOT_SIGNED,
    },
    201,
  );
}

interface FileBody extends CommonFileOptions {
  content?: string;
  sha?: string;
  from_path?: string;
}

export function postFile(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const doer = requireWriter(ctx, repo);
  const form = bodyOf<FileBody>(ctx);
  const path = ctx.params.filepath!;
  const content = decodeBase64(form.content ?? "");
  const commit = changeFiles(ctx.store, repo, doer, {
    ...common(form),
    files: [{ operation: "create", path, content }],
  });
  return ok(fileResponse(ctx, repo, commit, commit.files[0]!), 201);
}

/** PUT without a sha creates the file (201); with one it updates it (200), rejecting a stale sha (422). */
export function putFile(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const doer = requireWriter(ctx, repo);
  const form = bodyOf<FileBody>(ctx);
  const content = decodeBase64(form.content ?? "");
  const isNew = !form.sha;
  const file: FileChangeRequest = {
    operation: isNew ? "create" : "update",
    path: ctx.params.filepath!,
    content,
    sha: form.sha || undefined,
    fromPath: form.from_path || undefined,
  };
  const commit = changeFiles(ctx.store, repo, doer, { ...common(form), files: [file] });
  return ok(fileResponse(ctx, repo, commit, commit.files[0]!), isNew ? 201 : 200);
}

export function deleteFile(ctx: Ctx): Reply {
  const repo = repoOf(ctx);
  const doer = requireWriter(ctx, repo);
  const form = bodyOf<FileBody>(ctx);
  const commit = changeFiles(ctx.store, repo, doer, {
    ...common(form),
    files: [{ operation: "delete", path: ctx.params.filepath!, sha: form.sha }],
  });
  return ok(fileResponse(ctx, repo, commit, commit.files[0]!), 200);
}
