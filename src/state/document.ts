import { StateFileError } from "./errors.js";
import { type AgentRecord, type FleetState, STATE_VERSION, stateSchema } from "./schema.js";

export function emptyState(): FleetState {
  return { version: STATE_VERSION, agents: {}, issuesScannedSince: {} };
}

export function newAgentRecord(state: AgentRecord["state"], since: string): AgentRecord {
  return {
    state,
    since,
    lastSeen: null,
    tasks: { started: 0, completed: 0, failed: 0 },
    taskIds: {},
    history: [],
  };
}

/** Line and column of a character offset, for messages a person can act on. */
function locate(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  return { line, column: offset - before.lastIndexOf("\n") };
}

/** Parses and validates a state file; anything but a valid version-1 document is a StateFileError. */
export function parseState(path: string, bomText: string): FleetState {
  // A byte order mark (an editor on Windows) is not content.
  const text = bomText.replace(/^\uFEFF/, "");
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? locate(text, Number(position[1])) : undefined;
    throw new StateFileError(
      path,
      where?.line,
      where?.column,
      undefined,
      `not valid JSON (${message}); fix or delete the file`,
    );
  }
  const version = (data as { version?: unknown } | null)?.version;
  if (version !== STATE_VERSION) {
    throw new StateFileError(
      path,
      undefined,
      undefined,
      "version",
      `state version ${JSON.stringify(version)} is not supported: this fleet-actions reads and writes version ${STATE_VERSION}; use the release that wrote it, or fix or delete the file`,
    );
  }
  const parsed = stateSchema.safeParse(data);
  if (!parsed.success) {
    const [issue, ...more] = parsed.error.issues;
    const key = issue!.path.map(String).join(".");
    const also = more.length > 0 ? ` (and ${more.length} more problem${more.length > 1 ? "s" : ""})` : "";
    throw new StateFileError(
      path,
      undefined,
      undefined,
      key || undefined,
      `${issue!.message}${also}; fix or delete the file`,
    );
  }
  return parsed.data;
}

/** Every object's keys sorted, arrays kept in order: the same state always gives the same bytes. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) sorted[key] = canonical(item);
    }
    return sorted;
  }
  return value;
}

/** Deterministic JSON: sorted keys, two-space indent, trailing newline. */
export function serializeState(state: FleetState): string {
  return `${JSON.stringify(canonical(state), null, 2)}\n`;
}

/** A deep copy, so commands can change it freely and a retry starts from the file again. */
export function cloneState(state: FleetState): FleetState {
  return structuredClone(state);
}
