import { deleteFile, getContents, postChangeFiles, postFile, putFile } from "./contents.js";
import type { Handler } from "./context.js";
import {
  getIssue,
  listComments,
  listIssues,
  listLabels,
  listTimeline,
  patchIssue,
  postComment,
  postIssue,
  postIssueLabels,
  postLabel,
} from "./issues.js";
import { getAssignees, getCollaboratorPermission, getCollaborators, getRepo, getRepoFeeds } from "./repos.js";
import { getCurrentUser, getHeatmap, getUser, getUserFeeds, getVersion } from "./users.js";

/** One handler per operation of src/sandbox/gitea-api.json (a test checks none is missing). */
export const HANDLERS: Record<string, Handler> = {
  "GET /version": getVersion,
  "GET /user": getCurrentUser,
  "GET /users/{username}": getUser,
  "GET /users/{username}/activities/feeds": getUserFeeds,
  "GET /users/{username}/heatmap": getHeatmap,
  "GET /repos/{owner}/{repo}": getRepo,
  "GET /repos/{owner}/{repo}/assignees": getAssignees,
  "GET /repos/{owner}/{repo}/collaborators": getCollaborators,
  "GET /repos/{owner}/{repo}/collaborators/{collaborator}/permission": getCollaboratorPermission,
  "GET /repos/{owner}/{repo}/activities/feeds": getRepoFeeds,
  "GET /repos/{owner}/{repo}/issues": listIssues,
  "POST /repos/{owner}/{repo}/issues": postIssue,
  "GET /repos/{owner}/{repo}/issues/{index}": getIssue,
  "PATCH /repos/{owner}/{repo}/issues/{index}": patchIssue,
  "GET /repos/{owner}/{repo}/issues/{index}/comments": listComments,
  "POST /repos/{owner}/{repo}/issues/{index}/comments": postComment,
  "GET /repos/{owner}/{repo}/issues/{index}/timeline": listTimeline,
  "POST /repos/{owner}/{repo}/issues/{index}/labels": postIssueLabels,
  "GET /repos/{owner}/{repo}/labels": listLabels,
  "POST /repos/{owner}/{repo}/labels": postLabel,
  "POST /repos/{owner}/{repo}/contents": postChangeFiles,
  "GET /repos/{owner}/{repo}/contents/{filepath}": getContents,
  "PUT /repos/{owner}/{repo}/contents/{filepath}": putFile,
  "POST /repos/{owner}/{repo}/contents/{filepath}": postFile,
  "DELETE /repos/{owner}/{repo}/contents/{filepath}": deleteFile,
};

/** Routes Gitea serves without a token. */
export const ANONYMOUS = new Set(["GET /version"]);
