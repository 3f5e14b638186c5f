import { normaliseModelName } from "../../src/ollama/names.js";

/**
 * What a sandbox model does when asked to answer:
 * - `ok`: answers the prompt (the word a "Reply with the single word: X" prompt asks for, else `reply`);
 * - `slow`: like ok, after `delayMs` more;
 * - `missing`: not installed: absent from /api/tags, 404 `model 'x' not found` (Ollama's
 *   current wording; the server option `legacyNotFound` gives the older
 *   `model "x" not found, try pulling it first`);
 * - `error`: `status` (500) with `message`, as when a model fails to load;
 * - `crash`: fails halfway through the answer: a streamed answer (200) sends a few chunks and
 *   then an `{"error": ...}` line, as Ollama does; a non-streamed one gets 500 and the error;
 * - `hang`: never answers (until the client gives up or the sandbox closes);
 * - `stall`: sends 200 and the start of a body, then nothing more (a stuck proxy);
 * - `empty`: answers with empty content;
 * - `garbage`: answers with text that is not what was asked;
 * - `thinking-only`: a thinking model that ignores `think: false` and thinks until its budget
 *   (or its own limit) runs out, never answering;
 * - `ignores-think`: a thinking model that ignores `think: false` (as GPT-OSS does): it thinks
 *   first (40 tokens at `think: "low"`, 160 at `"high"`, else 80, or `thinkingTokens`), then
 *   answers, if the token budget leaves room;
 * - `rejects-think`: a model without thinking: 400 `"x" does not support thinking` when
 *   thinking is asked for (`think: true` or a level), as current Ollama does; fine with
 *   `think: false` or none (the server option `refuseThinkFalse` makes it refuse
 *   `think: false` too, as Ollama 0.12.4 did).
 */
export type BehaviourKind =
  | "ok"
  | "slow"
  | "missing"
  | "error"
  | "crash"
  | "hang"
  | "stall"
  | "empty"
  | "garbage"
  | "thinking-only"
  | "ignores-think"
  | "rejects-think";

export interface ModelBehaviour {
  kind: BehaviourKind;
  /** `slow`: extra time before answering, in ms. */
  delayMs?: number;
  /** Time a cold load takes (the model is not in memory), in ms. Default 20. */
  loadMs?: number;
  /** Generation speed. Default 60 tokens/s. */
  tokensPerSecond?: number;
  /** Text to answer with when the prompt asks for no single word (and for `garbage`). */
  reply?: string;
  /** In memory from the start (listed by /api/ps until its keep-alive runs out). */
  loaded?: boolean;
  /** `error`: HTTP status (default 500) and message; `crash`: the message. */
  status?: number;
  message?: string;
  /** `ignores-think`: how many tokens it thinks before answering, whatever `think` says. */
  thinkingTokens?: number;
}

export type BehaviourSpec = BehaviourKind | ModelBehaviour;

export function toBehaviour(spec: BehaviourSpec): ModelBehaviour {
  return typeof spec === "string" ? { kind: spec } : spec;
}

/** Behaviours keyed by normalised model name (`gemma3` -> `gemma3:latest`). */
export function normaliseBehaviours(models: Record<string, BehaviourSpec>): Map<string, ModelBehaviour> {
  return new Map(Object.entries(models).map(([name, spec]) => [normaliseModelName(name), toBehaviour(spec)]));
}

/**
 * The demo's server: the SPEC's chain with its first two models down, so the active model
 * is the third. `llama3.2` is installed but in no chain (listed as `llama3.2:latest`).
 */
export function sampleModels(): Record<string, ModelBehaviour> {
  return {
    "hermes4:14b": { kind: "missing" },
    "qwen2.5:7b": {
      kind: "error",
      status: 500,
      message: "llama runner process has terminated: exit status 2",
    },
    "phi3:3.8b": { kind: "ok", loadMs: 180, tokensPerSecond: 38 },
    "gemma3:1b": { kind: "ok", loadMs: 90, tokensPerSecond: 85, loaded: true },
    "llama3.2": { kind: "ok", loadMs: 120, tokensPerSecond: 55 },
  };
}

/** The word a prompt like "Reply with the single word: pong" asks for. */
export function askedWord(prompt: string): string | undefined {
  return /single word[^A-Za-z0-9]*([A-Za-z0-9_-]+)/i.exec(prompt)?.[1];
}

/** Rough token count (about four characters a token), at least one for non-empty text. */
export function tokenCount(text: string): number {
  return text === "" ? 0 : Math.max(1, Math.ceil(text.length / 4));
}

/** `ollama show`-like details derived from a name such as `qwen2.5:7b`. */
export function detailsOf(name: string): {
  parent_model: string;
  format: string;
  family: string;
  families: string[];
  parameter_size: string;
  quantization_level: string;
} {
  const [base = name, tag = "latest"] = normaliseModelName(name).split(":");
  const family =
    base
      .split("/")
      .pop()!
      .replace(/[\d.]+$/, "") || base;
  const size = /^(\d+(?:\.\d+)?)b/i.exec(tag)?.[1];
  return {
    parent_model: "",
    format: "gguf",
    family,
    families: [family],
    parameter_size: size ? `${size}B` : "3.2B",
    quantization_level: "Q4_K_M",
  };
}

/** Parses a `keep_alive` value as Ollama does: seconds as a number, or a Go duration; undefined = server default. */
export function keepAliveMs(value: unknown): number | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "number") return value < 0 ? Number.POSITIVE_INFINITY : value * 1_000;
  if (typeof value !== "string") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(value)) return keepAliveMs(Number(value));
  if (value.startsWith("-")) return Number.POSITIVE_INFINITY;
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  let total = 0;
  const parts = value.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g);
  let matched = "";
  for (const part of parts) {
    total += Number(part[1]) * units[part[2]!]!;
    matched += part[0];
  }
  return matched === value ? total : undefined;
}
