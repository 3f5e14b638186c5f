// Just enough markdown reading for the docs tests: fenced blocks, links outside code, headings.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface CodeBlock {
  lang: string;
  text: string;
  line: number;
}

export interface Link {
  target: string;
  line: number;
  /** The nearest heading above the link, for sections whose links may point ahead. */
  section: string;
}

/** Every markdown file users read: the README, docs/, the actions' and examples' READMEs. */
export function userDocs(): string[] {
  const found = ["README.md"];
  for (const dir of ["docs", "actions", "examples"]) found.push(...markdownUnder(join(ROOT, dir)));
  return found;
}

function markdownUnder(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownUnder(path);
    return name.endsWith(".md") ? [relative(ROOT, path)] : [];
  });
}

export function readDoc(file: string): string {
  return readFileSync(join(ROOT, file), "utf8");
}

export function codeBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  let open: { lang: string; line: number; fence: string; indent: number; lines: string[] } | undefined;
  markdown.split("\n").forEach((raw, index) => {
    const fence = /^(\s*)(```+|~~~+)\s*([\w-]*)/.exec(raw);
    if (!open && fence) {
      open = {
        lang: fence[3] ?? "",
        line: index + 1,
        fence: fence[2] ?? "```",
        indent: fence[1]?.length ?? 0,
        lines: [],
      };
    } else if (open && raw.trim().startsWith(open.fence) && /^(`+|~+)$/.test(raw.trim())) {
      blocks.push({ lang: open.lang, line: open.line, text: open.lines.join("\n") });
      open = undefined;
    } else if (open) {
      // A block inside a list item is indented like its fence; the content is not.
      open.lines.push(raw.slice(Math.min(open.indent, raw.length - raw.trimStart().length)));
    }
  });
  return blocks;
}

/** Lines outside fenced code, with inline code removed, so `[x](y)` in examples is not a link. */
function proseLines(markdown: string): string[] {
  let inFence = false;
  return markdown.split("\n").map((raw) => {
    if (/^\s*(```|~~~)/.test(raw)) {
      inFence = !inFence;
      return "";
    }
    return inFence ? "" : raw.replace(/`[^`]*`/g, "``");
  });
}

export function links(markdown: string): Link[] {
  const found: Link[] = [];
  let section = "";
  proseLines(markdown).forEach((text, index) => {
    const heading = /^#{1,6}\s+(.*)$/.exec(text);
    if (heading) section = heading[1] ?? "";
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      found.push({ target: match[1] ?? "", line: index + 1, section });
    }
  });
  return found;
}

/** GitHub's and Gitea's heading anchors: lower case, punctuation dropped, spaces to dashes. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  let inFence = false;
  for (const raw of markdown.split("\n")) {
    if (/^\s*(```|~~~)/.test(raw)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*$/.exec(raw);
    if (!heading) continue;
    const text = (heading[1] ?? "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1");
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return result;
}

/** Every key and value of `part` is in `whole`; list items match distinct items of `whole`, in order. */
export function isExcerpt(part: unknown, whole: unknown): boolean {
  if (Array.isArray(part)) {
    if (!Array.isArray(whole)) return false;
    let next = 0;
    for (const item of part) {
      while (next < whole.length && !isExcerpt(item, whole[next])) next++;
      if (next === whole.length) return false;
      next++;
    }
    return true;
  }
  if (part !== null && typeof part === "object") {
    if (whole === null || typeof whole !== "object" || Array.isArray(whole)) return false;
    const record = whole as Record<string, unknown>;
    return Object.entries(part).every(([key, value]) => key in record && isExcerpt(value, record[key]));
  }
  return part === whole;
}

/** The rows (cells unescaped and trimmed) of the first table under the heading `title`. */
export function tableUnder(markdown: string, title: string): string[][] {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => new RegExp(`^#{1,6}\\s+${title}\\s*$`).test(line));
  if (start < 0) return [];
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,6}\s/.test(line)) break;
    if (!line.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    const cells = line
      .slice(1, line.trimEnd().length - 1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim().replace(/\\\|/g, "|"));
    if (!cells.every((cell) => /^:?-+:?$/.test(cell))) rows.push(cells);
  }
  return rows.slice(1);
}
