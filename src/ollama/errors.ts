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
      return `got no answer${timeoutMs === undefined ? "" : ` within ${timeoutMs} ms`} (timeout)`;
    case "http":
      return `answered ${status}: ${detail || "(empty body)"}`;
    case "invalid":
      return `answered ${status ?? "?"} with a body that is not an Ollama answer: ${detail}`;
  }
}

/** 404 `model "x" not found, try pulling it first`: the model is not installed. */
export function isModelNotFound(error: unknown): boolean {
  return error instanceof OllamaError && error.status === 404 && /not found/i.test(error.serverMessage);
}

/** 400 `"x" does not support thinking`: a server that refuses the `think` field for a non-thinking model. */
export function isThinkUnsupported(error: unknown): boolean {
  return (
    error instanceof OllamaError &&
    error.status === 400 &&
    /does not support think/i.test(error.serverMessage)
  );
}
