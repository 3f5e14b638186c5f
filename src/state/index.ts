// The state module's public surface, for the other jobs.
export { readAgentStates, UNAVAILABLE_STATES } from "./agents.js";
export { emptyState, parseState, serializeState } from "./document.js";
export { IllegalTransitionError, StateConflictError, StateFileError } from "./errors.js";
export { commitFleetState, fleetStore, renderDashboard } from "./fleet-store.js";
export {
  applyModelReport,
  commitModelReport,
  type ModelChainReport,
  type ModelReportEntry,
} from "./models.js";
export type { AgentRecord, AgentState, FleetState } from "./schema.js";
export { ContentsStore, DryRunStore, MemoryStore, type StateStore } from "./store.js";
