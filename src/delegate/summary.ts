import type { DelegateResult } from "./delegate.js";

/** Step summary: decisions by issue reference (no untrusted titles in markdown) and the dashboard. */
export function renderSummary(result: DelegateResult, dryRun: boolean): string {
  const lines = [`## fleet delegate${dryRun ? " (dry run)" : ""}`, ""];
  if (result.decisions.length > 0) {
    lines.push("| issue | agent | why |", "| --- | --- | --- |");
    for (const decision of result.decisions) {
      const why = decision.reason.replace(/\|/g, "\\|");
      lines.push(
        `| ${decision.repo}#${decision.issue} | ${decision.agent ? `@${decision.agent}` : "-"} | ${why} |`,
      );
    }
    lines.push("");
  }
  if (result.dashboard) lines.push(result.dashboard);
  return `${lines.join("\n")}\n`;
}
