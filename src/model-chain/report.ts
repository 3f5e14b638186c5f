// The chain report: its JSON output shape and how a person reads it (log table, step summary).

/** Why a model is or is not healthy. */
export type ModelStatus =
  | "ok"
  | "missing"
  | "error"
  | "timeout"
  | "empty"
  | "thinking-only"
  | "unexpected"
  | "invalid"
  | "unreachable";

/** One model in the `report` output, exactly as SPEC names the fields. */
export interface ModelReport {
  model: string;
  role: string;
  /** Installed on the server. */
  available: boolean;
  /** Answered, non-empty, with the expected text when one is configured. */
  ok: boolean;
  /** Why not ok; null when ok. */
  error: string | null;
  /** From Ollama's own durations; null when the model did not answer. */
  load_ms: number | null;
  total_ms: number | null;
  tokens_per_s: number | null;
}

export interface ModelResult extends ModelReport {
  status: ModelStatus;
}

export interface ChainReport {
  /** The Ollama server checked. */
  url: string;
  /** What `/api/version` said; undefined when the server did not answer. */
  serverVersion: string | undefined;
  /** Set when the server could not be reached at all (every model then says so too). */
  serverError: string | undefined;
  /** Every chain model, in chain order. */
  models: ModelResult[];
  /** First model in chain order that answered. */
  activeModel: string | undefined;
  /** Models that answered, in chain order. */
  healthy: string[];
}

/** The `report` output: per model `{model, role, available, ok, error, load_ms, total_ms, tokens_per_s}`. */
export function reportJson(report: ChainReport): ModelReport[] {
  return report.models.map((model) => ({
    model: model.model,
    role: model.role,
    available: model.available,
    ok: model.ok,
    error: model.error,
    load_ms: model.load_ms,
    total_ms: model.total_ms,
    tokens_per_s: model.tokens_per_s,
  }));
}

function yesNo(value: boolean): string {
  return value ? "yes" : "no";
}

function number(value: number | null, digits = 0): string {
  return value === null ? "-" : value.toFixed(digits);
}

function headline(report: ChainReport): string {
  const server = `Ollama${report.serverVersion ? ` ${report.serverVersion}` : ""} at ${report.url}`;
  const health = `${report.healthy.length} of ${report.models.length} models healthy`;
  const active = report.activeModel ? `active model ${report.activeModel}` : "no active model";
  return `${server}: ${health}, ${active}`;
}

/** One line per model as it is checked, for a log that shows progress on a long chain. */
export function progressLine(model: ModelResult): string {
  if (model.ok) {
    return `ok      ${model.model}: load ${number(model.load_ms)} ms, ${number(model.tokens_per_s, 1)} tokens/s`;
  }
  return `FAILED  ${model.model}: ${model.error}`;
}

/**
 * A fixed-width table for the log (the only view Gitea shows for sure). The reason comes
 * last there, as it is the one column of unbounded width.
 */
export function renderLogTable(report: ChainReport): string[] {
  const header = ["model", "role", "installed", "ok", "load ms", "tokens/s", "reason"];
  const rows = report.models.map((model) => [
    model.model,
    model.role,
    yesNo(model.available),
    yesNo(model.ok),
    number(model.load_ms),
    number(model.tokens_per_s, 1),
    model.error ?? "ok",
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const numeric = new Set([4, 5]);
  const format = (row: string[]) =>
    row
      .map((cell, column) =>
        column === row.length - 1
          ? cell
          : numeric.has(column)
            ? cell.padStart(widths[column]!)
            : cell.padEnd(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  return [headline(report), format(header), ...rows.map(format)];
}

/** Table cells come from config and server text: keep them from breaking the table or adding HTML. */
function cell(text: string): string {
  return text.replace(/\s+/g, " ").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/\|/g, "\\|");
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

/** The step summary: the same table in markdown, columns as a person scans them. */
export function renderSummary(report: ChainReport, failOn: string): string {
  const title = report.activeModel
    ? `### Model chain: ${code(report.activeModel)} is active`
    : "### Model chain: no model answered";
  const lines = [title, "", `${cell(headline(report))} · fail-on: ${failOn}`, ""];
  if (report.serverError) lines.push(`**${cell(report.serverError)}**`, "");
  lines.push(
    "| model | role | installed | ok | reason | load ms | tokens/s |",
    "|---|---|---|---|---|--:|--:|",
  );
  for (const model of report.models) {
    lines.push(
      `| ${code(model.model)} | ${cell(model.role)} | ${yesNo(model.available)} | ${model.ok ? "✅" : "❌"} | ${cell(model.error ?? "ok")} | ${number(model.load_ms)} | ${number(model.tokens_per_s, 1)} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}
