/** Markdown helpers shared by the dashboards and step summaries of all jobs. */

export type Align = "left" | "right" | "center";

/** Longest text from outside a committed table cell holds; the rest is cut with an ellipsis. */
export const CELL_TEXT_MAX = 300;

/** Markdown the code wrote itself (code spans, mentions of agents, emphasis): a table cell keeps it. */
export class Markdown {
  constructor(readonly text: string) {}
}

export function md(text: string): Markdown {
  return new Markdown(text);
}

/** What table syntax needs: no pipe ends the cell, no line break ends the row. */
function tableSafe(text: string): string {
  return text
    .replace(/\|/g, "\\|")
    .replace(/[\r\n\u2028\u2029]+/g, " ")
    .trim();
}

/**
 * Text from outside (server errors, label names, causes) as inert markdown: no HTML, no
 * code span, link or emphasis, no `@mention` that pings anyone, no entity that decodes to one.
 */
function inertText(text: string): string {
  const capped = text.length > CELL_TEXT_MAX ? `${text.slice(0, CELL_TEXT_MAX - 1)}…` : text;
  return (
    capped
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are not text
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, " ")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/[\\`*_[\]]/g, "\\$&")
      // Gitea links `@name` in rendered text; a zero-width space after the @ keeps it plain.
      .replace(/@(?=[\w-])/g, "@\u200b")
  );
}

/** A table cell: outside text made inert, our own Markdown kept; both made table-safe. */
export function escapeCell(value: unknown): string {
  if (value instanceof Markdown) return tableSafe(value.text);
  return tableSafe(inertText(value === undefined || value === null ? "" : String(value)));
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
