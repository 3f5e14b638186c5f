import type { Unix } from "./types.js";

export function toUnix(value: Date | string | number): Unix {
  const ms = value instanceof Date ? value.getTime() : typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new Error(`not a time: ${String(value)}`);
  return Math.floor(ms / 1000);
}

/** RFC 3339 in UTC with whole seconds, as Gitea renders its unix-second timestamps. */
export function rfc3339(unix: Unix): string {
  return new Date(unix * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** `YYYY-MM-DD` as a whole day in the server's zone (UTC here): [start, end] in unix seconds, or undefined. */
export function dayRange(text: string): [Unix, Unix] | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return undefined;
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const check = new Date(start);
  // Go's time.Parse rejects 2024-02-30; Date.UTC would roll it over.
  if (check.getUTCDate() !== Number(match[3]) || check.getUTCMonth() !== Number(match[2]) - 1)
    return undefined;
  return [start / 1000, start / 1000 + 86_399];
}
