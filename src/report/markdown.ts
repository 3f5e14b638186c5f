/** Markdown helpers shared by the dashboards and step summaries of all jobs. */

export type Align = "left" | "right" | "center";

/** A table cell: pipes escaped and line breaks flattened, so untrusted text cannot break the table. */
export function escapeCell(value: unknown): string {
  const text = value === undefined || value === null ? "" : String(value);
  return text
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n|\r/g, " ")
    .trim();
}

/** A GitHub/Gitea-flavoured markdown table; `align` per column (default left). */
export function markdownTable(
  headers: readonly string[],
  rows: readonly (readonly unknown[])[],
  align: readonly Align[] = [],
): string {
  const rule = headers.map((_, index) => {
    switch (align[index]) {
      case "right":
        return "---:";
      case "center":
        return ":---:";
      default:
        return "---";
    }
  });
  const line = (cells: readonly unknown[]) =>
    `| ${headers.map((_, index) => escapeCell(cells[index])).join(" | ")} |`;
  return [line(headers), `| ${rule.join(" | ")} |`, ...rows.map(line)].join("\n");
}

/** Inline code that survives backticks in the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  return `${fence}${longest > 0 ? ` ${text} ` : text}${fence}`;
}

/** A ratio as a whole percentage, or an en dash when there is nothing to divide. */
export function percent(ratio: number | undefined): string {
  return ratio === undefined ? "–" : `${Math.round(ratio * 100)}%`;
}
