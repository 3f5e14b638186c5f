import { createHash } from "node:crypto";
import type { FileEntry, Signature } from "./types.js";

/** The id git gives a blob: sha1 of `blob <size>\0<content>`. */
export function blobSha(content: Buffer): string {
  return createHash("sha1").update(`blob ${content.length}\0`).update(content).digest("hex");
}

/** A tree id derived from the entries (not git's binary tree format, but stable and content-addressed). */
export function treeSha(tree: ReadonlyMap<string, FileEntry>): string {
  const hash = createHash("sha1");
  for (const path of [...tree.keys()].sort()) hash.update(`100644 ${path}\0${tree.get(path)!.sha}\n`);
  return hash.digest("hex");
}

/** A commit id from the same fields git hashes, so equal inputs give equal ids. */
export function commitSha(fields: {
  tree: string;
  parents: string[];
  author: Signature;
  committer: Signature;
  message: string;
}): string {
  const lines = [
    `tree ${fields.tree}`,
    ...fields.parents.map((parent) => `parent ${parent}`),
    `author ${fields.author.name} <${fields.author.email}> ${fields.author.date} +0000`,
    `committer ${fields.committer.name} <${fields.committer.email}> ${fields.committer.date} +0000`,
    "",
    fields.message,
  ];
  const body = Buffer.from(`${lines.join("\n")}\n`);
  return createHash("sha1").update(`commit ${body.length}\0`).update(body).digest("hex");
}
