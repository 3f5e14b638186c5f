import { ConfigError } from "../config/errors.js";
import type { AgentState } from "./schema.js";

/**
 * The state file cannot be read as a version-1 state (corrupt JSON, wrong shape, newer
 * version). A ConfigError, so the job exits 2 (usage) and writes nothing: the file is left for
 * a person to fix or delete, never overwritten.
 */
export class StateFileError extends ConfigError {
  override name = "StateFileError";
}

/** A command asked for a move the state machine does not allow; nothing is written. */
export class IllegalTransitionError extends Error {
  override name = "IllegalTransitionError";
  constructor(
    readonly agent: string,
    readonly from: AgentState | undefined,
    readonly command: string,
    readonly allowed: readonly string[],
  ) {
    const state = from ?? "not in the state file";
    const moves = allowed.length > 0 ? allowed.join(", ") : "none";
    super(`cannot ${command} agent '${agent}': it is ${state}; allowed moves from there: ${moves}`);
  }
}

/** Another run kept winning the race for the state file; retries ran out. */
export class StateConflictError extends Error {
  override name = "StateConflictError";
}
