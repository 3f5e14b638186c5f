import type { Reporter } from "../action/reporter.js";
import type { FleetConfig } from "../config/config.js";
import type { ForgeClient } from "../forge/client.js";
import { commitFleetState, fleetStore } from "./fleet-store.js";
import type { FleetState, ModelStatus } from "./schema.js";
import { timestamp } from "./time.js";

/** One model of a model-chain report (the `report` output's entries). */
export interface ModelReportEntry {
  model: string;
  role: string;
  available: boolean;
  ok: boolean;
  error?: string | null;
  load_ms?: number | null;
  total_ms?: number | null;
  tokens_per_s?: number | null;
}

/** A chain check: model-chain's ChainReport fits as it is. */
export interface ModelChainReport {
  /** First model in chain order that answered; null or undefined when none did. */
  activeModel: string | null | undefined;
  /** Every chain model, in chain order. */
  models: readonly ModelReportEntry[];
}

/** Longest model error the state keeps: a server's error body can be megabytes, the commit stays small. */
export const STATE_ERROR_MAX = 300;

function capped(text: string | null): string | null {
  if (text === null) return null;
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > STATE_ERROR_MAX ? `${line.slice(0, STATE_ERROR_MAX - 1)}…` : line;
}

/**
 * Puts a chain check into the state's `models` section. Only the outcome is kept (active
 * model; per model installed, ok, reason) — timings vary every run and stay in the job's
 * output — and `since` moves only when the outcome changes, so a re-check with the same
 * result changes nothing and commits nothing. Pure; returns what changed.
 */
export function applyModelReport(state: FleetState, report: ModelChainReport, nowMs: number): string[] {
  const active = report.activeModel ?? null;
  const chain: ModelStatus[] = report.models.map((entry) => ({
    model: entry.model,
    role: entry.role,
    available: entry.available,
    ok: entry.ok,
    error: entry.ok ? null : capped(entry.error ?? null),
  }));
  const before = state.models;
  if (before && before.active === active && JSON.stringify(before.chain) === JSON.stringify(chain)) return [];
  state.models = { active, since: timestamp(nowMs), chain };
  const healthy = chain.filter((model) => model.ok).length;
  const change =
    before?.active === active
      ? `model chain now ${healthy}/${chain.length} healthy`
      : `active model ${before?.active ?? "none"} -> ${active ?? "none"} (${healthy}/${chain.length} healthy)`;
  return [change];
}

/**
 * Writes a model-chain report into the fleet state with the same store, commit rules and
 * optimistic concurrency as lifecycle (one commit of state + dashboard, `[skip ci]`, no commit
 * when the outcome is unchanged). With dryRun nothing is written; `changed` says whether it would be.
 */
export async function commitModelReport(
  forge: ForgeClient,
  repo: string,
  config: FleetConfig,
  report: ModelChainReport,
  options: { dryRun?: boolean; reporter?: Reporter; nowMs?: number } = {},
): Promise<{ changed: boolean; committed: boolean; message: string | undefined }> {
  const store = fleetStore(forge, repo, config, options.dryRun ?? false);
  const nowMs = options.nowMs ?? Date.now();
  const result = await commitFleetState(store, (state) => applyModelReport(state, report, nowMs), {
    label: "model-chain",
    ...(options.reporter ? { reporter: options.reporter } : {}),
  });
  const what = result.changed
    ? result.committed
      ? "committed"
      : "would commit (dry run)"
    : "unchanged, no commit";
  options.reporter?.info(`fleet state ${store.where}: ${what}${result.message ? `: ${result.message}` : ""}`);
  return { changed: result.changed, committed: result.committed, message: result.message };
}
