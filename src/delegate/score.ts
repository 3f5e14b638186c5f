import type { AgentConfig } from "../config/config.js";

export interface AgentScore {
  agent: string;
  score: number;
  /** Keywords that matched, in config order. */
  matched: string[];
}

/** Issue text longer than this is not scanned further: bounds the work on hostile input. */
const MAX_TEXT = 64 * 1024;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A whole-word, case-insensitive matcher for a keyword. "Whole word" means no letter, digit
 * or underscore touches it on either side, so `bug` never matches `debug`. Plurals match
 * (`bugs`), and so do -ed/-ing/-es forms of keywords of four letters or more
 * (`deploying`), short keywords being too easy to hit by accident (`go` in `going`).
 */
export function keywordPattern(keyword: string): RegExp {
  const suffix =
    keyword.length >= 4 && /\p{L}$/u.test(keyword) ? "(?:s|es|ed|ing)?" : /\p{L}$/u.test(keyword) ? "s?" : "";
  // A keyword of several words matches across any run of white space ("pull  request").
  const words = keyword.trim().split(/\s+/).map(escapeRegExp).join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${words}${suffix}(?![\\p{L}\\p{N}_])`, "iu");
}

const patternCache = new Map<string, RegExp>();
function cachedPattern(keyword: string): RegExp {
  let pattern = patternCache.get(keyword);
  if (!pattern) {
    pattern = keywordPattern(keyword);
    patternCache.set(keyword, pattern);
  }
  return pattern;
}

/**
 * Scores every agent on all of its keywords. A keyword counts once per field, not per
 * occurrence (repeating a word does not buy an agent): `weight * titleWeight` when it is
 * in the title, plus `weight` when it is in the body.
 */
export function scoreAgents(
  issue: { title: string; body: string | null },
  agents: readonly AgentConfig[],
  titleWeight: number,
): AgentScore[] {
  const title = issue.title.slice(0, MAX_TEXT);
  const body = (issue.body ?? "").slice(0, MAX_TEXT);
  return agents.map((agent) => {
    let score = 0;
    const matched: string[] = [];
    for (const [keyword, weight] of agent.keywords) {
      const pattern = cachedPattern(keyword);
      const inTitle = pattern.test(title);
      const inBody = pattern.test(body);
      if (!inTitle && !inBody) continue;
      score += (inTitle ? weight * titleWeight : 0) + (inBody ? weight : 0);
      matched.push(keyword);
    }
    return { agent: agent.name, score, matched };
  });
}
