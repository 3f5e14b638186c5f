// The chain check: is the server there, which models are installed, and does each chain model
// give a live answer. Every model is probed, in chain order, one at a time.
import type { ChainModel } from "../config/config.js";
import type { OllamaApi } from "../ollama/client.js";
import { isModelNotFound, isThinkUnsupported, OllamaError } from "../ollama/errors.js";
import { normaliseModelName } from "../ollama/names.js";
import type { ChatRequest, ChatResponse, RunningModel, ThinkLevel } from "../ollama/types.js";
import { formatDuration } from "../util/duration.js";
import { type Judgement, judgeReply, keepAliveFor, timingsOf } from "./judge.js";
import type { ChainReport, ModelResult } from "./report.js";

/** Enough tokens for a one-word answer and a polite sentence around it; bounds the probe's cost. */
export const NUM_PREDICT = 32;
/**
 * The budget of the one retry a model gets when it spent all of NUM_PREDICT thinking (a model
 * that ignores `think: false`, or GPT-OSS, whose trace cannot be turned off): room for a
 * short reasoning trace and the answer after it.
 */
export const THINKING_NUM_PREDICT = 256;
/** Fixed seed and temperature 0: the same prompt gets the same answer run after run. */
export const SEED = 42;

export interface CheckSettings {
  /** Per model, cold load included. */
  timeoutMs: number;
  /** Called as each model's result is known, for progress in the log. */
  onModel?: (result: ModelResult) => void;
  /** Called for problems that do not stop the check (a listing that failed). */
  onWarning?: (message: string) => void;
  now?: () => number;
}

/**
 * `think` for a probe. false: a thinking model must not spend the small budget thinking
 * (servers before 0.9 ignore the field; current ones accept it for any model). GPT-OSS
 * ignores true/false and takes only a level: the lowest, for the shortest trace.
 */
export function thinkFor(model: string): boolean | ThinkLevel {
  const base = normaliseModelName(model).split("/").pop() ?? "";
  return base.startsWith("gpt-oss") ? "low" : false;
}

/** The chat request a probe sends. */
export function probeRequest(entry: ChainModel, keepAlive: string | number | undefined): ChatRequest {
  return {
    model: entry.model,
    messages: [{ role: "user", content: entry.prompt }],
    // Ollama streams by default; one JSON answer carries the durations and is simpler to judge.
    stream: false,
    think: thinkFor(entry.model),
    ...(keepAlive === undefined ? {} : { keep_alive: keepAlive }),
    options: { num_predict: NUM_PREDICT, seed: SEED, temperature: 0 },
  };
}

function failed(
  entry: ChainModel,
  status: ModelResult["status"],
  available: boolean,
  error: string,
): ModelResult {
  return {
    model: entry.model,
    role: entry.role,
    available,
    ok: false,
    error,
    load_ms: null,
    total_ms: null,
    tokens_per_s: null,
    status,
  };
}

function notInstalled(entry: ChainModel): ModelResult {
  return failed(entry, "missing", false, `not installed (ollama pull ${entry.model})`);
}

/**
 * Sends the probe. Ollama 0.12.4 (only that release) refused `think: false` for a model
 * without thinking (400 `... does not support thinking`); such a server is asked again
 * without the field, within the same deadline. Current servers refuse only thinking asked
 * for, which the probe never does for a model without it. Returns the request that answered.
 */
async function ask(
  api: OllamaApi,
  request: ChatRequest,
  deadline: number,
  now: () => number,
): Promise<{ response: ChatResponse; sent: ChatRequest }> {
  const left = () => {
    const ms = deadline - now();
    if (ms <= 0) throw new OllamaError("timeout", "POST", `${api.baseUrl}/api/chat`, undefined, "");
    return ms;
  };
  try {
    return { response: await api.chat(request, { timeoutMs: left() }), sent: request };
  } catch (error) {
    if (!isThinkUnsupported(error) || request.think === undefined) throw error;
    const { think: _dropped, ...withoutThink } = request;
    return { response: await api.chat(withoutThink, { timeoutMs: left() }), sent: withoutThink };
  }
}

/** A failed request, as a model's result. */
function failure(entry: ChainModel, error: unknown, timeoutMs: number): ModelResult {
  if (isModelNotFound(error)) return notInstalled(entry);
  if (!(error instanceof OllamaError)) throw error;
  switch (error.kind) {
    case "timeout":
      return failed(
        entry,
        "timeout",
        true,
        error.serverMessage
          ? `no answer: ${error.serverMessage} (timeout)`
          : `no answer within ${formatDuration(timeoutMs)} (timeout)`,
      );
    case "http":
      return failed(
        entry,
        "error",
        true,
        error.status !== undefined && error.status < 400
          ? `Ollama answered ${error.status} with an error: ${error.serverMessage}`
          : `Ollama answered ${error.status}: ${error.serverMessage || "(empty body)"}`,
      );
    case "invalid":
      return failed(entry, "invalid", true, `unreadable answer: ${error.serverMessage}`);
    case "unreachable":
      return failed(entry, "unreachable", true, `connection lost: ${error.serverMessage}`);
  }
}

function answered(entry: ChainModel, response: ChatResponse, judgement: Judgement): ModelResult {
  return {
    model: entry.model,
    role: entry.role,
    available: true,
    ok: judgement.status === "ok",
    error: judgement.error,
    ...timingsOf(response),
    status: judgement.status,
  };
}

async function probe(
  api: OllamaApi,
  entry: ChainModel,
  running: RunningModel[] | undefined,
  settings: CheckSettings,
  now: () => number,
): Promise<ModelResult> {
  const deadline = now() + settings.timeoutMs;
  const request = probeRequest(entry, keepAliveFor(entry.model, running, Date.now()));
  let first: { response: ChatResponse; sent: ChatRequest };
  try {
    first = await ask(api, request, deadline, now);
  } catch (error) {
    return failure(entry, error, settings.timeoutMs);
  }
  const judgement = judgeReply(first.response, entry.expect);
  if (judgement.status !== "thinking-only" || first.response.done_reason !== "length")
    return answered(entry, first.response, judgement);
  // The whole budget went to thinking: once more, with room for a trace and an answer, within
  // the same per-model deadline. A model that answers then is healthy.
  const again: ChatRequest = {
    ...first.sent,
    options: { ...first.sent.options, num_predict: THINKING_NUM_PREDICT },
  };
  const retried = `asked again with num_predict ${THINKING_NUM_PREDICT}`;
  try {
    const second = await ask(api, again, deadline, now);
    const verdict = judgeReply(second.response, entry.expect);
    if (verdict.status === "thinking-only") verdict.error = `${verdict.error} (${retried})`;
    return answered(entry, second.response, verdict);
  } catch (error) {
    const why = failure(entry, error, settings.timeoutMs).error;
    return { ...answered(entry, first.response, judgement), error: `${judgement.error}; ${retried}: ${why}` };
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why the server is not answering, naming its URL: the one message a person needs. */
function serverProblem(url: string, error: unknown): string {
  if (!(error instanceof OllamaError))
    return `Ollama at ${url} failed: ${error instanceof Error ? error.message : String(error)}`;
  switch (error.kind) {
    case "unreachable":
      return `Ollama at ${url} is unreachable: ${error.serverMessage} (GET /api/version)`;
    case "timeout":
      return `Ollama at ${url} is not answering: GET /api/version got no answer in time`;
    case "http":
      return `Ollama at ${url} answered GET /api/version with ${error.status}: ${error.serverMessage || "(empty body)"} (is this an Ollama server?)`;
    case "invalid":
      return `Ollama at ${url} gave an unreadable answer to GET /api/version: ${error.serverMessage} (is this an Ollama server?)`;
  }
}

/**
 * Checks the whole chain. All models are probed, not only up to the first healthy one: the
 * report must say how much fallback is left, and the result must not depend on which model
 * happened to answer first. Probes run one after another because Ollama loads models into
 * one GPU's memory: probing in parallel would make models evict each other and time out.
 */
export async function checkChain(
  api: OllamaApi,
  chain: readonly ChainModel[],
  settings: CheckSettings,
): Promise<ChainReport> {
  const now = settings.now ?? (() => performance.now());
  const emit = (result: ModelResult) => {
    settings.onModel?.(result);
    return result;
  };
  // The listings start with the version check: three round trips cost one. allSettled never
  // rejects, so when the server is down they are left to end at their own deadline, unawaited.
  const listings = Promise.allSettled([api.tags(), api.ps()]);
  let serverVersion: string;
  try {
    serverVersion = await api.version();
  } catch (error) {
    const serverError = serverProblem(api.baseUrl, error);
    const models = chain.map((entry) => emit(failed(entry, "unreachable", false, "server unreachable")));
    return {
      url: api.baseUrl,
      serverVersion: undefined,
      serverError,
      models,
      activeModel: undefined,
      healthy: [],
    };
  }

  const [tags, ps] = await listings;
  let installed: Set<string> | undefined;
  if (tags.status === "fulfilled")
    // The client names each entry by `name`, else `model`.
    installed = new Set(tags.value.map((model) => normaliseModelName(model.name)));
  else
    settings.onWarning?.(`cannot list installed models, probing every chain model: ${message(tags.reason)}`);
  let running: RunningModel[] | undefined;
  if (ps.status === "fulfilled") running = ps.value;
  else
    settings.onWarning?.(
      `cannot list loaded models, leaving keep_alive to the server: ${message(ps.reason)}`,
    );

  const models: ModelResult[] = [];
  for (const entry of chain) {
    if (installed && !installed.has(normaliseModelName(entry.model))) {
      models.push(emit(notInstalled(entry)));
      continue;
    }
    models.push(emit(await probe(api, entry, running, settings, now)));
  }
  const healthy = models.filter((model) => model.ok).map((model) => model.model);
  return {
    url: api.baseUrl,
    serverVersion,
    serverError: undefined,
    models,
    activeModel: healthy[0],
    healthy,
  };
}
