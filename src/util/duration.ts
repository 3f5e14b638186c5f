const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/;

/** Windows and ages: a year covers any sane one, and keeps date arithmetic far from its limits. */
export const MAX_DURATION_MS = 365 * UNIT_MS.d;
/** Timeouts wait on a timer, and Node's timers stop at 2^31-1 ms (24.8 days): a day is plenty for one request. */
export const MAX_TIMEOUT_MS = 24 * UNIT_MS.h;

/** Parses `90s`, `15m`, `24h`, `2d` (and `500ms`) into milliseconds; undefined when malformed. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
  return ms > 0 && Number.isFinite(ms) ? ms : undefined;
}

/** Why a duration is unusable ("a duration like ...", "at most 24h"), or undefined when it is fine. */
export function durationProblem(text: string, maxMs: number): string | undefined {
  const ms = parseDuration(text);
  if (ms === undefined) return "a duration like 90s, 15m, 24h or 2d";
  return ms > maxMs ? `a duration of at most ${formatDuration(maxMs)}` : undefined;
}

/** Renders milliseconds back as the largest whole unit (`86400000` -> `24h`... `1d`). */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    if (ms >= UNIT_MS[unit] && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}

/** "3h ago", "2d ago": a person's reading of an age in ms. */
export function formatAge(ms: number): string {
  if (ms < 60_000) return "just now";
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)}m ago`;
  if (ms < 172_800_000) return `${Math.floor(ms / 3_600_000)}h ago`;
  return `${Math.floor(ms / 86_400_000)}d ago`;
}
