import type { ChatResponse } from "./types.js";

/** Why a body could not be read as a chat answer. */
export class BodyError extends Error {
  override name = "BodyError";
}

/**
 * A 200 answer that carries `{"error": "..."}`: Ollama sends that when an inference fails
 * after the status line went out (a streamed answer, mid-stream). The message is the server's.
 */
export class AnswerError extends Error {
  override name = "AnswerError";
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parseLine(line: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new BodyError(`not JSON: ${JSON.stringify(line.slice(0, 60))}`);
  }
  if (!isObject(value)) throw new BodyError(`not a JSON object: ${JSON.stringify(line.slice(0, 60))}`);
  if (typeof value.error === "string") throw new AnswerError(value.error);
  return value;
}

function text(message: unknown, key: "content" | "thinking"): string {
  return isObject(message) && typeof message[key] === "string" ? message[key] : "";
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Reads a `/api/chat` answer. We ask for `stream: false` (one JSON object), but a proxy or an
 * old server may still stream NDJSON; then the chunks' content is joined and the final
 * chunk (`done: true`) carries the durations, as Ollama documents.
 */
export function parseChatBody(body: string): ChatResponse {
  const lines = body
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length === 0) throw new BodyError("empty body");
  const chunks = lines.map(parseLine);
  const last = chunks[chunks.length - 1]!;
  if (!isObject(last.message) && !("done" in last)) throw new BodyError("no `message` in the answer");
  if (last.done !== true) throw new BodyError("the answer ended before `done: true`");
  const content = chunks.map((chunk) => text(chunk.message, "content")).join("");
  const thinking = chunks.map((chunk) => text(chunk.message, "thinking")).join("");
  const response: ChatResponse = {
    model: typeof last.model === "string" ? last.model : "",
    message: { role: "assistant", content, ...(thinking ? { thinking } : {}) },
    done: true,
  };
  if (typeof last.done_reason === "string") response.done_reason = last.done_reason;
  const metrics = [
    "total_duration",
    "load_duration",
    "prompt_eval_count",
    "prompt_eval_duration",
    "eval_count",
    "eval_duration",
  ] as const;
  // Ollama leaves zero metrics out (`omitempty`): in an answer that has metrics at all, an
  // absent one is 0 (a warm model may send no `load_duration`). A value that is not a count
  // stays unknown; so does every metric of a server too old to send any.
  const measured = metrics.some((key) => count(last[key]) !== undefined);
  for (const key of metrics) {
    const value = key in last ? count(last[key]) : measured ? 0 : undefined;
    if (value !== undefined) response[key] = value;
  }
  return response;
}

/** The `error` of an Ollama error body (`{"error": "..."}`), else the body's start. */
export function errorMessage(body: unknown): string {
  if (isObject(body) && typeof body.error === "string") return body.error;
  if (typeof body !== "string") return "";
  try {
    const parsed: unknown = JSON.parse(body);
    if (isObject(parsed) && typeof parsed.error === "string") return parsed.error;
  } catch {
    // Not JSON (a proxy's HTML page, gin's "404 page not found"): show its start.
  }
  return body.trim().slice(0, 200);
}
