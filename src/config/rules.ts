import { posix } from "node:path";
import { ConfigError } from "./errors.js";
import { keyPath, type Located } from "./parse.js";
import type { RawFleetConfig } from "./schema.js";

/**
 * Rules that tie one key to another, which a per-key schema cannot say. Each mistake here
 * passed validation before and failed later, far from its cause: a `fallback` typo was
 * "assigned" and then refused by the forge; two agents differing in case are one login;
 * state and dashboard at one path overwrite each other on every commit.
 */
export function checkCrossKeys(file: string, located: Located, raw: RawFleetConfig): void {
  const fail = (path: PropertyKey[], detail: string): never => {
    const offset = located.offsetOf(path, false);
    const pos = offset === undefined ? undefined : located.position(offset);
    throw new ConfigError(file, pos?.line, pos?.col, keyPath(path), detail);
  };
  const keyFail = (path: PropertyKey[], detail: string): never => {
    const offset = located.offsetOf(path, true);
    const pos = offset === undefined ? undefined : located.position(offset);
    throw new ConfigError(file, pos?.line, pos?.col, keyPath(path), detail);
  };

  const agents = Object.keys(raw.agents);
  const seen = new Map<string, string>();
  for (const name of agents) {
    const first = seen.get(name.toLowerCase());
    if (first !== undefined)
      keyFail(
        ["agents", name],
        `"${name}" and "${first}" are one forge login (logins ignore letter case): keep one of them`,
      );
    seen.set(name.toLowerCase(), name);
  }

  const fallback = raw.delegation.fallback;
  if (fallback !== undefined && !seen.has(fallback.toLowerCase())) {
    const guess = closest(fallback, agents);
    const hint = guess
      ? `; did you mean "${guess}"?`
      : agents.length
        ? ` (agents: ${agents.join(", ")})`
        : "";
    fail(["delegation", "fallback"], `"${fallback}" is not an agent listed under \`agents\`${hint}`);
  }

  const state = normalisePath(raw.lifecycle["state-path"]);
  if (state === normalisePath(raw.lifecycle["dashboard-path"])) {
    const written = located.data as { lifecycle?: Record<string, unknown> };
    const key = written.lifecycle?.["dashboard-path"] === undefined ? "state-path" : "dashboard-path";
    fail(
      ["lifecycle", key],
      `state-path and dashboard-path are both "${state}": each commit would overwrite the other; give them different paths`,
    );
  }
}

/** Repository paths as the contents API sees them: `./a//b` is `a/b`. */
function normalisePath(path: string): string {
  return posix
    .normalize(path.trim())
    .replace(/^(\.\/)+/, "")
    .replace(/^\/+/, "");
}

/** The listed name within two edits of `name` (a typo like `timy`), if any. */
function closest(name: string, names: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of names) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitute = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitute));
    }
    previous = current;
  }
  return previous[b.length]!;
}
