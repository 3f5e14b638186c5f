import type { Reporter } from "../action/reporter.js";
import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import { renderFleet } from "../report/fleet.js";
import type { FleetState } from "./schema.js";
import { ContentsStore, DryRunStore, type StateStore } from "./store.js";
import { type StateChange, type UpdateResult, updateState } from "./update.js";

/** The store for a fleet repo's state and dashboard (config `lifecycle.*` paths, default branch). */
export function fleetStore(
  forge: ForgeClient,
  repo: string,
  config: FleetConfig,
  dryRun: boolean,
): StateStore {
  const store = new ContentsStore(forge, repo, {
    statePath: config.lifecycle.statePath,
    dashboardPath: config.lifecycle.dashboardPath,
  });
  return dryRun ? new DryRunStore(store) : store;
}

/** The committed dashboard: every job that writes the state renders it the same way. */
export function renderDashboard(state: FleetState, store: Pick<StateStore, "statePath">): string {
  return renderFleet(state, { statePath: store.statePath });
}

/** updateState with the fleet dashboard and a log line per lost race; used by lifecycle and model-chain. */
export function commitFleetState(
  store: StateStore,
  change: StateChange,
  options: { label: string; reporter?: Reporter; retries?: number; baseDelayMs?: number },
): Promise<UpdateResult> {
  return updateState(store, change, {
    label: options.label,
    render: (state) => renderDashboard(state, store),
    ...(options.retries === undefined ? {} : { retries: options.retries }),
    ...(options.baseDelayMs === undefined ? {} : { baseDelayMs: options.baseDelayMs }),
    onRetry: (attempt, delay) =>
      options.reporter?.info(
        `${store.where} changed while this run wrote it: re-reading and re-applying (retry ${attempt} in ${delay} ms)`,
      ),
  });
}
