import type { ForgeClient } from "../forge/client.js";
import { ForgeError, isStaleSha } from "../forge/errors.js";
import type { FileChange } from "../forge/types.js";
import { emptyState, parseState } from "./document.js";
import type { FleetState } from "./schema.js";

export interface StoredFile {
  text: string;
  sha: string;
}

/** The state as read, with the blob shas a write must carry. */
export interface StateSnapshot {
  /** Parsed state; an empty one when the file does not exist yet. */
  state: FleetState;
  stateFile: StoredFile | undefined;
  dashboardFile: StoredFile | undefined;
}

export interface StateWrite {
  state: string;
  dashboard: string;
  message: string;
}

/** A write lost the race: a file changed since it was read. Re-read, re-apply, retry. */
export class WriteConflict extends Error {
  override name = "WriteConflict";
}

/** Where the state and dashboard live. The contents-API store, a dry-run store and a memory store share it. */
export interface StateStore {
  /** For messages: `org/fleet:.fleet/state.json`. */
  readonly where: string;
  readonly statePath: string;
  readonly dashboardPath: string;
  /** True when `write` persists nothing. */
  readonly dryRun: boolean;
  read(): Promise<StateSnapshot>;
  /** Writes both files in one commit, on top of what `from` read; throws WriteConflict when stale. */
  write(from: StateSnapshot, files: StateWrite): Promise<void>;
}

export interface StatePaths {
  statePath: string;
  dashboardPath: string;
}

/** The file changes that turn `from` into `files`: create or update (with the sha read), unchanged files left out. */
export function fileChanges(paths: StatePaths, from: StateSnapshot, files: StateWrite): FileChange[] {
  const changes: FileChange[] = [];
  const add = (path: string, before: StoredFile | undefined, text: string) => {
    if (before?.text === text) return;
    changes.push(
      before
        ? { operation: "update", path, content: text, sha: before.sha }
        : { operation: "create", path, content: text },
    );
  };
  add(paths.statePath, from.stateFile, files.state);
  add(paths.dashboardPath, from.dashboardFile, files.dashboard);
  return changes;
}

/**
 * A write to re-read and re-apply: Gitea's 422 "sha does not match" on a stale update, 422
 * "already exists" when a create races another, GitHub's 409; and an uncertain failure (no
 * answer, a gateway 5xx, or Gitea's blank 500 when its push loses a race after the sha check).
 * Re-applying is safe because every update carries its sha: a write that did land makes the
 * retry either change nothing or meet a clean conflict.
 */
export function isWriteConflict(error: unknown): boolean {
  if (isStaleSha(error)) return true;
  if (!(error instanceof ForgeError)) return false;
  if (error.status === 422) return /already exists/i.test(error.serverMessage);
  return error.status === undefined || [500, 502, 503, 504].includes(error.status);
}

/** State in a repository, through the contents API: read with shas, write with ChangeFiles in one commit. */
export class ContentsStore implements StateStore {
  readonly dryRun = false;
  readonly statePath: string;
  readonly dashboardPath: string;

  constructor(
    private readonly forge: ForgeClient,
    readonly repo: string,
    paths: StatePaths,
    /** Default: the repository's default branch. */
    private readonly branch?: string,
  ) {
    this.statePath = paths.statePath;
    this.dashboardPath = paths.dashboardPath;
  }

  get where(): string {
    return `${this.repo}:${this.statePath}`;
  }

  async read(): Promise<StateSnapshot> {
    const [stateFile, dashboardFile] = await Promise.all([
      this.forge.readFile(this.repo, this.statePath, this.branch),
      this.forge.readFile(this.repo, this.dashboardPath, this.branch),
    ]);
    const state = stateFile ? parseState(this.where, stateFile.text) : emptyState();
    return { state, stateFile, dashboardFile };
  }

  async write(from: StateSnapshot, files: StateWrite): Promise<void> {
    const changes = fileChanges(this, from, files);
    if (changes.length === 0) return;
    try {
      await this.forge.changeFiles(this.repo, {
        message: files.message,
        ...(this.branch ? { branch: this.branch } : {}),
        files: changes,
      });
    } catch (error) {
      if (isWriteConflict(error)) throw new WriteConflict((error as Error).message, { cause: error });
      throw error;
    }
  }
}

/** Reads like the store it wraps and writes nothing: dry-run is just this store. */
export class DryRunStore implements StateStore {
  readonly dryRun = true;
  /** What a real run would have written. */
  planned: StateWrite | undefined;

  constructor(private readonly inner: StateStore) {}

  get where(): string {
    return this.inner.where;
  }
  get statePath(): string {
    return this.inner.statePath;
  }
  get dashboardPath(): string {
    return this.inner.dashboardPath;
  }

  read(): Promise<StateSnapshot> {
    return this.inner.read();
  }

  async write(_from: StateSnapshot, files: StateWrite): Promise<void> {
    this.planned = files;
  }
}

/** In-memory files with shas and the same conflict rule as the forge, for unit tests and the CLI. */
export class MemoryStore implements StateStore {
  readonly dryRun = false;
  readonly where: string;
  readonly files = new Map<string, StoredFile>();
  readonly commits: { message: string; paths: string[] }[] = [];
  private next = 0;

  constructor(
    paths: StatePaths = { statePath: ".fleet/state.json", dashboardPath: ".fleet/FLEET.md" },
    /** Called before each write is checked: lets tests slip in a competing write. */
    private readonly beforeWrite?: (store: MemoryStore) => void,
  ) {
    this.statePath = paths.statePath;
    this.dashboardPath = paths.dashboardPath;
    this.where = `memory:${paths.statePath}`;
  }
  readonly statePath: string;
  readonly dashboardPath: string;

  put(path: string, text: string): void {
    this.files.set(path, { text, sha: `sha${++this.next}` });
  }

  async read(): Promise<StateSnapshot> {
    const stateFile = this.files.get(this.statePath);
    const dashboardFile = this.files.get(this.dashboardPath);
    return {
      state: stateFile ? parseState(this.where, stateFile.text) : emptyState(),
      stateFile,
      dashboardFile,
    };
  }

  async write(from: StateSnapshot, files: StateWrite): Promise<void> {
    this.beforeWrite?.(this);
    const changes = fileChanges(this, from, files);
    if (changes.length === 0) return;
    for (const change of changes) {
      const current = this.files.get(change.path);
      if (change.operation === "create" ? current !== undefined : current?.sha !== change.sha) {
        throw new WriteConflict(`${change.path} changed since it was read`);
      }
    }
    for (const change of changes) this.put(change.path, change.content ?? "");
    this.commits.push({ message: files.message, paths: changes.map((change) => change.path) });
  }
}
