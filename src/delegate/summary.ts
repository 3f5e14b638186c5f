import { markdownTable, md } from "../report/markdown.js";
import type { DelegateResult } from "./delegate.js";

/** Step summary: decisions by issue reference (no untrusted titles in markdown) and the dashboard. */
export function renderSummary(result: DelegateResult, dryRun: boolean): string {
  const lines = [`## fleet delegate${dryRun ? " (dry run)" : ""}`, ""];
  if (result.decisions.length > 0) {
    const rows = result.decisions.map((decision) => [
      `${decision.repo}#${decision.issue}`,
      decision.agent ? md(`@${decision.agent}`) : "-",
      decision.reason,
    ]);
    lines.push(markdownTable(["issue", "agent", "why"], rows), "");
  }
  if (result.dashboard) lines.push(result.dashboard);
  return `${lines.join("\n")}\n`;
}
