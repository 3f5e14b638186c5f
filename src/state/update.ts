import { SKIP_CI } from "../names.js";
import { cloneState, serializeState } from "./document.js";
import { StateConflictError } from "./errors.js";
import type { FleetState } from "./schema.js";
import { type StateSnapshot, type StateStore, WriteConflict } from "./store.js";

/**
 * A change to the state, applied to a fresh copy on every attempt: on a lost race the
 * *command* is re-applied to what the other run wrote, never our stale copy over theirs.
 * Mutates `state` and returns what changed, for the log and the commit message.
 */
export type StateChange = (state: FleetState, snapshot: StateSnapshot) => string[] | Promise<string[]>;

export interface UpdateOptions {
  /** Renders the dashboard from the state (no clock: the same state gives the same bytes). */
  render: (state: FleetState) => string;
  /** Commit subject prefix, e.g. `lifecycle`. */
  label: string;
  /** Attempts after the first when another run wins the race. */
  retries?: number;
  /** Backoff: full jitter up to base * 2^attempt, capped. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (attempt: number, delayMs: number, error: WriteConflict) => void;
}

export interface UpdateResult {
  before: FleetState;
  state: FleetState;
  changes: string[];
  dashboard: string;
  /** State or dashboard differ from what was read. */
  changed: boolean;
  /** A commit was made (false when unchanged or dry-run). */
  committed: boolean;
  /** Writes tried (0 when nothing changed). */
  attempts: number;
  message: string | undefined;
}

export const DEFAULT_RETRIES = 10;

/** `lifecycle: a; b; c and 4 more [skip ci]` — one line that says what changed. */
export function commitMessage(label: string, changes: readonly string[]): string {
  const shown = changes.slice(0, 3).join("; ") || "refresh dashboard";
  const more = changes.length > 3 ? ` and ${changes.length - 3} more` : "";
  return `${label}: ${shown}${more} ${SKIP_CI}`;
}

const wait = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Read, apply, write both files in one commit carrying the shas read; on a write conflict
 * start over from a fresh read, up to `retries` times with jittered exponential backoff.
 * No commit when neither file would change, nor when nothing changed and no file exists yet.
 */
export async function updateState(
  store: StateStore,
  change: StateChange,
  options: UpdateOptions,
): Promise<UpdateResult> {
  const retries = options.retries ?? DEFAULT_RETRIES;
  const base = options.baseDelayMs ?? 150;
  const cap = options.maxDelayMs ?? 3_000;
  const sleep = options.sleep ?? wait;
  for (let attempt = 0; ; attempt++) {
    const snapshot = await store.read();
    const state = cloneState(snapshot.state);
    const changes = await change(state, snapshot);
    const text = serializeState(state);
    const dashboard = options.render(state);
    const changed =
      (text !== snapshot.stateFile?.text || dashboard !== snapshot.dashboardFile?.text) &&
      (changes.length > 0 || snapshot.stateFile !== undefined);
    const result = {
      before: snapshot.state,
      state,
      changes,
      dashboard,
      changed,
      attempts: attempt,
      committed: false,
    };
    if (!changed) return { ...result, message: undefined };
    const message = commitMessage(options.label, changes);
    try {
      await store.write(snapshot, { state: text, dashboard, message });
      return { ...result, attempts: attempt + 1, committed: !store.dryRun, message };
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
      if (attempt >= retries) {
        throw new StateConflictError(
          `${store.where}: another run changed the state ${attempt + 1} times while this one tried to write; gave up (last: ${error.message})`,
          { cause: error },
        );
      }
      const delay = Math.round(Math.random() * Math.min(cap, base * 2 ** attempt));
      options.onRetry?.(attempt + 1, delay, error);
      await sleep(delay);
    }
  }
}
