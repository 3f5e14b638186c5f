import { isMap, isSeq, LineCounter, type Node, parseDocument, YAMLParseError } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./errors.js";

/** Dotted key path for messages: `agents.ezra.keywords[2]`. */
export function keyPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) => (typeof part === "number" ? `[${part}]` : index === 0 ? String(part) : `.${String(part)}`))
    .join("");
}

interface Located {
  data: unknown;
  /** Offset of the key (or value) at `path`, for error positions. */
  offsetOf(path: readonly PropertyKey[], wantKey: boolean): number | undefined;
  position(offset: number): { line: number; col: number };
}

function jsonSyntaxError(file: string, text: string, error: SyntaxError): ConfigError {
  const lines = new LineCounter();
  parseDocument(text, { lineCounter: lines });
  const at = /position (\d+)/.exec(error.message);
  const pos = at ? lines.linePos(Number(at[1])) : undefined;
  const lineCol = /line (\d+) column (\d+)/.exec(error.message);
  return new ConfigError(
    file,
    pos?.line ?? (lineCol ? Number(lineCol[1]) : undefined),
    pos?.col ?? (lineCol ? Number(lineCol[2]) : undefined),
    undefined,
    `invalid JSON: ${error.message.replace(/ in JSON at position \d+.*$/, "")}`,
  );
}

/** Parses YAML (or JSON, for `.json` files) and keeps source positions for error messages. */
export function parseLocated(file: string, text: string): Located {
  if (file.endsWith(".json")) {
    try {
      JSON.parse(text);
    } catch (error) {
      throw jsonSyntaxError(file, text, error as SyntaxError);
    }
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problem = doc.errors[0];
  if (problem) {
    const pos = problem instanceof YAMLParseError ? problem.linePos?.[0] : undefined;
    throw new ConfigError(file, pos?.line, pos?.col, undefined, `invalid YAML: ${problem.message.split("\n")[0]}`);
  }
  const root = doc.contents as Node | null;
  return {
    data: doc.toJS({ maxAliasCount: 100 }) ?? {},
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
  } else if (issue.code === "invalid_type" && located.data !== null && detail.includes("received undefined")) {
    detail = `missing: ${detail}`;
  }
  const offset = located.offsetOf(path, wantKey);
  const pos = offset === undefined ? undefined : located.position(offset);
  throw new ConfigError(file, pos?.line, pos?.col, keyPath(path) || undefined, detail);
}
