import {
  type Document,
  isMap,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
  YAMLParseError,
} from "yaml";
import type { z } from "zod";
import { ConfigError } from "./errors.js";

/** Dotted key path for messages: `agents.ezra.keywords[2]`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`,
    )
    .join("");
}

export interface Located {
  data: unknown;
  /** Offset of the key (or value) at `path`, for error positions. */
  offsetOf(path: readonly PropertyKey[], wantKey: boolean): number | undefined;
  position(offset: number): { line: number; col: number };
}

function parseError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** True when a prefix fails only because it ends early: the bad token lies beyond it. */
function failsOnlyAtEnd(prefix: string): boolean {
  const message = parseError(prefix);
  if (message === undefined || /end of JSON input|Unterminated/.test(message)) return true;
  const at = /position (\d+)/.exec(message);
  return at !== undefined && at !== null && Number(at[1]) >= prefix.length;
}

/**
 * Offset of a JSON syntax error. Node 20 names it only for some errors ("Unexpected
 * token" has none), so the rest are found by bisecting prefixes: those up to the bad
 * token fail only for ending early.
 */
function jsonErrorOffset(text: string, message: string): number {
  const at = /position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  let good = 0;
  let bad = text.length;
  while (bad - good > 1) {
    const middle = (good + bad) >> 1;
    if (failsOnlyAtEnd(text.slice(0, middle))) good = middle;
    else bad = middle;
  }
  return good;
}

function jsonSyntaxError(file: string, text: string, error: SyntaxError): ConfigError {
  const lines = new LineCounter();
  parseDocument(text, { lineCounter: lines });
  const pos = lines.linePos(jsonErrorOffset(text, error.message));
  const reason = error.message
    .replace(/, ".*" is not valid JSON$/s, "")
    .replace(/ in JSON at position \d+.*$/s, "");
  return new ConfigError(file, pos.line, pos.col, undefined, `invalid JSON: ${reason}`);
}

/** Aliases a config may expand; a few lines of nested aliases can otherwise expand to gigabytes. */
const MAX_ALIAS_COUNT = 100;

/** Aliases reachable from `node`, each counting itself and those inside its anchor (yaml's getAliasCount), memoised. */
function nestedAliases(node: Node, doc: Document, memo: Map<Node, number>): number {
  const known = memo.get(node);
  if (known !== undefined) return known;
  let total = 0;
  visit(node, {
    Alias(_, alias) {
      const source = alias.resolve(doc);
      total += 1 + (source ? nestedAliases(source, doc, memo) : 0);
    },
  });
  memo.set(node, total);
  return total;
}

/** Offset of the alias at which yaml's maxAliasCount check trips: uses of an anchor times its nested aliases. */
function aliasBombOffset(doc: Document): number | undefined {
  const uses = new Map<Node, number>();
  const memo = new Map<Node, number>();
  let offset: number | undefined;
  visit(doc, {
    Alias(_, alias) {
      const source = alias.resolve(doc);
      if (!source) return;
      const count = (uses.get(source) ?? 0) + 1;
      uses.set(source, count);
      if (count * nestedAliases(source, doc, memo) <= MAX_ALIAS_COUNT) return;
      offset = alias.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/** The document as plain data; an alias bomb is a ConfigError at the alias that trips the limit. */
function toData(file: string, doc: Document, lineCounter: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error;
    const offset = aliasBombOffset(doc);
    const pos = offset === undefined ? undefined : lineCounter.linePos(offset);
    throw new ConfigError(
      file,
      pos?.line,
      pos?.col,
      undefined,
      `invalid YAML: too many aliases (more than ${MAX_ALIAS_COUNT} expansions; an alias bomb?)`,
    );
  }
}

/** Parses YAML (or JSON, for `.json` files) and keeps source positions for error messages. */
export function parseLocated(file: string, bomText: string): Located {
  // Editors on Windows save a byte order mark; it is not content.
  const text = bomText.replace(/^\uFEFF/, "");
  if (file.endsWith(".json")) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw jsonSyntaxError(file, text, error as SyntaxError);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem instanceof YAMLParseError ? problem.linePos?.[0] : undefined;
    throw new ConfigError(
      file,
      pos?.line,
      pos?.col,
      undefined,
      `invalid YAML: ${problem.message.split("\n")[0]}`,
    );
  }
  const root = doc.contents as Node | null;
  return {
    data: toData(file, doc, lineCounter) ?? {},
    position: (offset) => lineCounter.linePos(offset),
    offsetOf(path, wantKey) {
      let node: unknown = root;
      let offset = (root as Node | null)?.range?.[0];
      for (const part of path) {
        if (isMap(node)) {
          const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
          if (!pair) return offset;
          offset = (pair.key as Node).range?.[0] ?? offset;
          if (!wantKey || part !== path[path.length - 1]) {
            node = pair.value;
            if (!wantKey) offset = (pair.value as Node | null)?.range?.[0] ?? offset;
          }
        } else if (isSeq(node) && typeof part === "number") {
          node = node.items[part];
          offset = (node as Node | undefined)?.range?.[0] ?? offset;
        } else {
          return offset;
        }
      }
      return offset;
    },
  };
}

/** Validates located data with a zod schema; the first issue becomes a ConfigError at its position. */
export function validateLocated<S extends z.ZodType>(file: string, located: Located, schema: S): z.output<S> {
  const result = schema.safeParse(located.data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  let path: PropertyKey[] = [...issue.path];
  let detail = issue.message;
  let wantKey = false;
  if (issue.code === "unrecognized_keys") {
    const unknown = issue.keys[0]!;
    path = [...path, unknown];
    wantKey = true;
    detail = `unknown key "${unknown}"`;
  } else if (
    issue.code === "invalid_type" &&
    located.data !== null &&
    detail.includes("received undefined")
  ) {
    detail = `missing: ${detail}`;
  }
  const offset = located.offsetOf(path, wantKey);
  const pos = offset === undefined ? undefined : located.position(offset);
  throw new ConfigError(file, pos?.line, pos?.col, keyPath(path) || undefined, detail);
}
