/**
 * Times in the state are RFC 3339 UTC at whole seconds (`2025-01-02T03:04:05Z`), as forges
 * send them: one format, so the file reads cleanly and equal times give equal bytes.
 */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A forge time (any RFC 3339 offset) in the state's format, or undefined when unparseable. */
export function normaliseTime(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : timestamp(ms);
}

export function isAfter(a: string, b: string): boolean {
  return Date.parse(a) > Date.parse(b);
}
