/** Why an Ollama request failed: no connection, no answer in time, an HTTP error, or an answer we cannot read. */
export type OllamaFailure = "unreachable" | "timeout" | "http" | "invalid";

/** A failed Ollama request: the message says method, full URL (so the server is named), and what went wrong. */
export class OllamaError extends Error {
  override name = "OllamaError";
  constructor(
    readonly kind: OllamaFailure,
    readonly method: string,
    readonly url: string,
    readonly status: number | undefined,
    readonly serverMessage: string,
    options?: { cause?: unknown; timeoutMs?: number },
  ) {
    super(`${method} ${url} ${describe(kind, status, serverMessage, options?.timeoutMs)}`, options);
  }
}

function describe(
  kind: OllamaFailure,
  status: number | undefined,
  detail: string,
  timeoutMs: number | undefined,
): string {
  switch (kind) {
    case "unreachable":
      return `failed: Ollama is unreachable (${detail || "no connection"})`;
    case "timeout":
      if (detail) return `got no answer: ${detail} (timeout)`;
      return `got no answer${timeoutMs === undefined ? "" : ` within ${timeoutMs} ms`} (timeout)`;
    case "http":
      // A 200 with `{"error": ...}`: the inference failed after the status line went out.
      if (status !== undefined && status < 400)
        return `answered ${status} with an error: ${detail || "(none)"}`;
      return `answered ${status}: ${detail || "(empty body)"}`;
    case "invalid":
      return `answered ${status ?? "?"} with a body that is not an Ollama answer: ${detail}`;
  }
}

/**
 * The model is not installed: 404 `model 'x' not found` (Ollama since 0.12.x), 404 `model "x"
 * not found, try pulling it first` (older servers), or the same words in a 200 answer's `error`.
 */
export function isModelNotFound(error: unknown): boolean {
  if (!(error instanceof OllamaError) || error.kind !== "http") return false;
  // Not gin's `404 page not found` (no such endpoint: a proxy's path, or not Ollama at all).
  const missing = /\bmodel\b.*\bnot found\b/i.test(error.serverMessage);
  return missing && (error.status === 404 || (error.status !== undefined && error.status < 400));
}

/**
 * 400 `... does not support thinking`. Current servers say so only when thinking is asked
 * for (`think: true` or a level) on a model without it; Ollama 0.12.4 alone also refused
 * `think: false` (`registry.ollama.ai/library/x:tag does not support thinking`).
 */
export function isThinkUnsupported(error: unknown): boolean {
  return (
    error instanceof OllamaError &&
    error.status === 400 &&
    /does not support think/i.test(error.serverMessage)
  );
}
