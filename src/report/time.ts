import { formatAge } from "../util/duration.js";

/** `2025-01-02 03:04 UTC`: absolute, minute precision, the same on every run. */
export function absoluteTime(iso: string | undefined | null): string {
  if (!iso) return "never";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${date.toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `3h ago (2025-01-02 03:04 UTC)`: for logs and summaries only, never for committed files. */
export function relativeTime(iso: string | undefined | null, nowMs: number): string {
  if (!iso) return "never";
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return `${formatAge(Math.max(0, nowMs - at))} (${absoluteTime(iso)})`;
}
