// A loopback server that answers like Ollama's REST API (docs.ollama.com/api), with models that
// misbehave on purpose: for tests, the bench, `npm run demo` and `npm run sandbox`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { normaliseModelName } from "../../src/ollama/names.js";
import {
  askedWord,
  type BehaviourSpec,
  detailsOf,
  keepAliveMs,
  type ModelBehaviour,
  normaliseBehaviours,
  toBehaviour,
  tokenCount,
} from "./behaviours.js";

export type { BehaviourKind, BehaviourSpec, ModelBehaviour } from "./behaviours.js";
export { sampleModels } from "./behaviours.js";

/**
 * What a listing endpoint does: `ok` answers; `hang` never answers (no status line);
 * `stall` sends 200 and the start of a body, then nothing more.
 */
export type EndpointBehaviour = "ok" | "hang" | "stall";

/** The endpoints whose behaviour can be set: `GET /api/version`, `/api/tags`, `/api/ps`. */
export type Endpoint = "version" | "tags" | "ps";

export interface OllamaSandboxOptions {
  /** Models by name (`gemma3` means `gemma3:latest`) and what each does. */
  models?: Record<string, BehaviourSpec>;
  /** What `/api/version`, `/api/tags` and `/api/ps` do; default all `ok`. */
  endpoints?: Partial<Record<Endpoint, EndpointBehaviour>>;
  /** 404 for a missing model in the older words: `model "x" not found, try pulling it first`. */
  legacyNotFound?: boolean;
  /**
   * As Ollama 0.12.4 (only that release): `think: false` is refused too for a model without
   * thinking, with that release's words (`registry.ollama.ai/library/x:tag does not support thinking`).
   */
  refuseThinkFalse?: boolean;
  /** Stream NDJSON even when `stream` is false, as a proxy or a server that ignores the field may. */
  alwaysStream?: boolean;
  /** What `/api/version` says. */
  version?: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** How long a model stays loaded when a request sends no `keep_alive` (Ollama: 5m). */
  defaultKeepAliveMs?: number;
}

/** One request the sandbox received. */
export interface SandboxRequest {
  method: string;
  path: string;
  /** The parsed JSON body of a POST, else undefined. */
  body: unknown;
  /** The answer's status; undefined while it is pending or when it never came. */
  status: number | undefined;
}

const DEFAULT_LOAD_MS = 20;
const DEFAULT_TOKENS_PER_SECOND = 60;
/** Ollama's default num_predict is unbounded; a thinking model here stops at this many tokens. */
const THINKING_BUDGET = 128;
const DEFAULT_REPLY = "Hello! How can I help you today?";
const GARBAGE_REPLY = "<|im_start|><|im_start|>ĠĠĠ the the the ##### 0x3f 0x3f";
const THINKING_TEXT =
  "Okay, the user wants a reply with a single word. Let me think about which word they mean, and whether " +
  "there is a trick in the question. The instruction says to reply with one word only, so I should make sure ";
/** What `expires_at` says for a model kept loaded forever (`keep_alive: -1`), as Ollama shows a far-off date. */
const FOREVER = Date.UTC(2318, 0, 1);
const MODIFIED_AT = "2026-10-01T09:30:00.000000000Z";

interface Inference {
  name: string;
  key: string;
  behaviour: ModelBehaviour;
  chat: boolean;
  stream: boolean;
  prompt: string;
  numPredict: number | undefined;
  keepAlive: number | undefined;
  /** The request's `think`: undefined, a boolean or a level. */
  think: boolean | string | undefined;
}

/** Thinking levels Ollama accepts besides true/false. */
const THINK_LEVELS = ["high", "medium", "low", "max"];
/** `ignores-think`: how long it thinks at each level; true, false or none count as medium. */
const THINKING_TOKENS: Record<string, number> = { low: 40, medium: 80, high: 160, max: 160 };

/** Ollama's answer shape for one step of an inference, before it is worded as chat or generate. */
interface Answer {
  content: string;
  thinking: string;
  doneReason: string;
  loadMs: number;
  promptTokens: number;
  promptMs: number;
  evalTokens: number;
  evalMs: number;
  delayMs: number;
}

class Closed extends Error {}

export class OllamaSandbox {
  /** Every request received, in order. */
  readonly requests: SandboxRequest[] = [];
  private readonly models: Map<string, ModelBehaviour>;
  private readonly endpoints: Map<Endpoint, EndpointBehaviour>;
  /** Loaded models: normalised name -> when their keep-alive runs out (ms since epoch). */
  private readonly loaded = new Map<string, number>();
  /** Wall time spent answering inference requests, per normalised model name, in ms. */
  private readonly spent = new Map<string, number>();
  private readonly closing = new AbortController();
  private server: Server | undefined;
  private address = "";

  constructor(private readonly options: OllamaSandboxOptions = {}) {
    this.models = normaliseBehaviours(options.models ?? {});
    this.endpoints = new Map(Object.entries(options.endpoints ?? {}) as [Endpoint, EndpointBehaviour][]);
    for (const [key, behaviour] of this.models) {
      if (behaviour.loaded && behaviour.kind !== "missing") this.loaded.set(key, FOREVER);
    }
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (error instanceof Closed || response.headersSent) {
          response.destroy();
          return;
        }
        send(response, 500, { error: error instanceof Error ? error.message : String(error) });
      });
    });
    this.server = server;
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(this.options.port ?? 0, this.options.host ?? "127.0.0.1", () => done());
    });
    const { address, port } = server.address() as AddressInfo;
    this.address = `http://${address.includes(":") ? `[${address}]` : address}:${port}`;
    return { url: this.address };
  }

  get url(): string {
    if (!this.address) throw new Error("the Ollama sandbox is not started");
    return this.address;
  }

  /** Stops the server and ends every pending answer (hanging models included) so tests finish. */
  async close(): Promise<void> {
    this.closing.abort(new Closed("sandbox closed"));
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((done) => {
      server.close(() => done());
      server.closeAllConnections();
    });
  }

  /** Changes what a model does from now on. */
  setBehaviour(model: string, spec: BehaviourSpec): void {
    this.models.set(normaliseModelName(model), toBehaviour(spec));
  }

  /** Changes what `/api/version`, `/api/tags` or `/api/ps` does from now on. */
  setEndpoint(endpoint: Endpoint, behaviour: EndpointBehaviour): void {
    this.endpoints.set(endpoint, behaviour);
  }

  /** Models in memory now, as `/api/ps` lists them. */
  loadedModels(): string[] {
    this.expire();
    return [...this.loaded.keys()];
  }

  /** Time spent answering inference requests for one model, or for all, in ms. */
  inferenceMs(model?: string): number {
    if (model !== undefined) return this.spent.get(normaliseModelName(model)) ?? 0;
    let total = 0;
    for (const ms of this.spent.values()) total += ms;
    return total;
  }

  /** Inference time per model, in ms. */
  inferenceByModel(): Record<string, number> {
    return Object.fromEntries(this.spent);
  }

  /** Forgets the request log and the time spent (not what is loaded). */
  resetLog(): void {
    this.requests.length = 0;
    this.spent.clear();
  }

  // --- routing --------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const method = request.method ?? "GET";
    const path = new URL(request.url ?? "/", "http://sandbox").pathname;
    const text = method === "POST" ? await readBody(request) : "";
    const entry: SandboxRequest = { method, path, body: undefined, status: undefined };
    this.requests.push(entry);
    response.on("finish", () => {
      entry.status = response.statusCode;
    });
    const route = `${method} ${path}`;
    if (route === "GET /" || route === "HEAD /") return sendText(response, 200, "Ollama is running");
    if (route === "GET /api/version")
      return this.listing("version", response, () => ({ version: this.options.version ?? "0.12.6" }));
    if (route === "GET /api/tags")
      return this.listing("tags", response, () => ({ models: this.installed() }));
    if (route === "GET /api/ps") return this.listing("ps", response, () => ({ models: this.running() }));
    if (route === "POST /api/chat" || route === "POST /api/generate") {
      let body: unknown;
      try {
        body = text === "" ? {} : JSON.parse(text);
      } catch (error) {
        return send(response, 400, { error: (error as Error).message });
      }
      entry.body = body;
      return this.infer(route === "POST /api/chat", body, response);
    }
    // What Gin answers for any other path or method.
    return sendText(response, 404, "404 page not found");
  }

  /** A listing endpoint's answer, or its hang or stall. */
  private async listing(endpoint: Endpoint, response: ServerResponse, body: () => unknown): Promise<void> {
    const behaviour = this.endpoints.get(endpoint) ?? "ok";
    if (behaviour === "ok") return send(response, 200, body());
    const signal = this.untilGone(response);
    if (behaviour === "stall") {
      response.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      response.write(JSON.stringify(body()).slice(0, 12));
    }
    await wait(Number.POSITIVE_INFINITY, signal);
  }

  /** Aborts when the client goes away (its timeout; Ollama then cancels the request) or the sandbox closes. */
  private untilGone(response: ServerResponse): AbortSignal {
    const gone = new AbortController();
    response.on("close", () => gone.abort(new Closed("client went away")));
    return AbortSignal.any([this.closing.signal, gone.signal]);
  }

  private installed(): unknown[] {
    return [...this.models]
      .filter(([, behaviour]) => behaviour.kind !== "missing")
      .map(([name], index) => ({
        name,
        model: name,
        modified_at: MODIFIED_AT,
        size: 1_000_000_000 + index * 7_919,
        digest: digestOf(name),
        details: detailsOf(name),
      }));
  }

  private running(): unknown[] {
    this.expire();
    return [...this.loaded].map(([name, expiresAt]) => ({
      name,
      model: name,
      size: 2_000_000_000,
      digest: digestOf(name),
      details: detailsOf(name),
      expires_at: new Date(expiresAt).toISOString(),
      size_vram: 2_000_000_000,
      context_length: 4096,
    }));
  }

  private expire(): void {
    const now = Date.now();
    for (const [name, expiresAt] of this.loaded) if (expiresAt <= now) this.loaded.delete(name);
  }

  // --- inference ------------------------------------------------------------

  private async infer(chat: boolean, raw: unknown, response: ServerResponse): Promise<void> {
    const body = (raw !== null && typeof raw === "object" ? raw : {}) as Record<string, unknown>;
    const name = typeof body.model === "string" ? body.model : "";
    if (!name) return send(response, 400, { error: "model is required" });
    const think = body.think ?? undefined;
    // Ollama's ThinkValue takes a boolean or a level, anything else fails the request's binding.
    if (think !== undefined && typeof think !== "boolean" && !THINK_LEVELS.includes(String(think))) {
      const error =
        typeof think === "string"
          ? `invalid think value: ${JSON.stringify(think)} (must be "high", "medium", "low", "max", true, or false)`
          : 'think must be a boolean or string ("high", "medium", "low", "max", true, or false)';
      return send(response, 400, { error });
    }
    const key = normaliseModelName(name);
    const behaviour = this.models.get(key);
    if (!behaviour || behaviour.kind === "missing") {
      // ChatHandler's words since the model list cache; older servers said `model "x" not found, try pulling it first`.
      const error = this.options.legacyNotFound
        ? `model "${name}" not found, try pulling it first`
        : `model '${name}' not found`;
      return send(response, 404, { error });
    }
    if (behaviour.kind === "rejects-think") {
      // Current servers refuse only thinking asked for; 0.12.4 refused any `think` through its scheduler.
      if (this.options.refuseThinkFalse && think !== undefined)
        return send(response, 400, { error: `registry.ollama.ai/library/${key} does not support thinking` });
      if (think === true || typeof think === "string")
        return send(response, 400, { error: `${JSON.stringify(name)} does not support thinking` });
    }
    const options = (body.options ?? {}) as Record<string, unknown>;
    const inference: Inference = {
      name,
      key,
      behaviour,
      chat,
      stream: body.stream !== false || this.options.alwaysStream === true,
      prompt: chat ? lastUserMessage(body.messages) : typeof body.prompt === "string" ? body.prompt : "",
      numPredict:
        typeof options.num_predict === "number" && options.num_predict > 0 ? options.num_predict : undefined,
      keepAlive: keepAliveMs(body.keep_alive),
      think: typeof think === "boolean" || typeof think === "string" ? think : undefined,
    };
    // The client may give up (its timeout): stop as Ollama cancels the request.
    const signal = this.untilGone(response);
    const started = performance.now();
    try {
      await this.answer(inference, response, signal, started);
    } finally {
      this.spent.set(key, (this.spent.get(key) ?? 0) + (performance.now() - started));
    }
  }

  private async answer(
    inference: Inference,
    response: ServerResponse,
    signal: AbortSignal,
    started: number,
  ): Promise<void> {
    const { behaviour } = inference;
    if (behaviour.kind === "error") {
      await wait(5, signal);
      return send(response, behaviour.status ?? 500, {
        error: behaviour.message ?? "llama runner process has terminated: signal: killed",
      });
    }
    if (behaviour.kind === "hang") {
      await wait(Number.POSITIVE_INFINITY, signal);
      return;
    }
    if (behaviour.kind === "stall") {
      response.writeHead(200, {
        "content-type": inference.stream ? "application/x-ndjson" : "application/json; charset=utf-8",
      });
      response.write(`{"model":${JSON.stringify(inference.name)},"created_at":`);
      await wait(Number.POSITIVE_INFINITY, signal);
      return;
    }
    const answer = this.plan(inference);
    const created = () => new Date().toISOString();
    // Ollama's metrics are `omitempty`: a zero is left out.
    const stats = () =>
      Object.fromEntries(
        Object.entries({
          total_duration: Math.round((performance.now() - started) * 1e6),
          load_duration: Math.round(answer.loadMs * 1e6),
          prompt_eval_count: answer.promptTokens,
          prompt_eval_duration: Math.round(answer.promptMs * 1e6),
          eval_count: answer.evalTokens,
          eval_duration: Math.round(answer.evalMs * 1e6),
        }).filter(([, value]) => value !== 0),
      );
    await wait(answer.delayMs + answer.loadMs + answer.promptMs, signal);
    this.keepLoaded(inference);
    if (behaviour.kind === "crash") return this.crash(inference, answer, response, signal, created);
    if (!inference.stream) {
      await wait(answer.evalMs, signal);
      return send(response, 200, {
        ...this.words(inference, answer.content, answer.thinking, created()),
        done_reason: answer.doneReason,
        done: true,
        ...(inference.chat ? {} : { context: [1, 2, 3] }),
        ...stats(),
      });
    }
    // Ollama's default: NDJSON, one chunk per token, statistics in the last (`done: true`) chunk.
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    const pieces = [
      ...splitTokens(answer.thinking).map((t) => ["", t]),
      ...splitTokens(answer.content).map((t) => [t, ""]),
    ];
    const perToken = pieces.length > 0 ? answer.evalMs / pieces.length : answer.evalMs;
    for (const [content, thinking] of pieces) {
      await wait(perToken, signal);
      response.write(
        `${JSON.stringify({ ...this.words(inference, content!, thinking!, created()), done: false })}\n`,
      );
    }
    if (pieces.length === 0) await wait(perToken, signal);
    response.end(
      `${JSON.stringify({
        ...this.words(inference, "", "", created()),
        done_reason: answer.doneReason,
        done: true,
        ...stats(),
      })}\n`,
    );
  }

  /**
   * Fails halfway through: a streamed answer already sent 200 and some chunks, so the error
   * comes as one more line (`{"error": ...}`), as Ollama's streamResponse does; a
   * non-streamed one is answered 500 with the error.
   */
  private async crash(
    inference: Inference,
    answer: Answer,
    response: ServerResponse,
    signal: AbortSignal,
    created: () => string,
  ): Promise<void> {
    const error =
      inference.behaviour.message ?? "an error was encountered while running the model: unexpected EOF";
    const pieces = splitTokens(answer.content || DEFAULT_REPLY).slice(0, 2);
    await wait(answer.evalMs / 2, signal);
    if (!inference.stream) return send(response, 500, { error });
    response.writeHead(200, { "content-type": "application/x-ndjson" });
    for (const piece of pieces)
      response.write(`${JSON.stringify({ ...this.words(inference, piece, "", created()), done: false })}\n`);
    response.end(`${JSON.stringify({ error })}\n`);
  }

  /** What the model says and how long each phase takes. */
  private plan(inference: Inference): Answer {
    const { behaviour } = inference;
    const tokensPerSecond = behaviour.tokensPerSecond ?? DEFAULT_TOKENS_PER_SECOND;
    this.expire();
    const cold = !this.loaded.has(inference.key);
    let content: string;
    let thinking = "";
    switch (behaviour.kind) {
      case "empty":
        content = "";
        break;
      case "garbage":
        content = behaviour.reply ?? GARBAGE_REPLY;
        break;
      case "thinking-only":
        content = "";
        // It never stops thinking by itself: the whole budget goes to it.
        thinking = thinkingText(inference.numPredict ?? THINKING_BUDGET);
        break;
      case "ignores-think":
        content = askedWord(inference.prompt) ?? behaviour.reply ?? DEFAULT_REPLY;
        thinking = thinkingText(
          behaviour.thinkingTokens ??
            THINKING_TOKENS[typeof inference.think === "string" ? inference.think : "medium"] ??
            THINKING_TOKENS.medium!,
        );
        break;
      default:
        content = askedWord(inference.prompt) ?? behaviour.reply ?? DEFAULT_REPLY;
    }
    // The token budget is spent on thinking first, as a thinking model does.
    const budget = inference.numPredict ?? (thinking ? THINKING_BUDGET : Number.POSITIVE_INFINITY);
    let doneReason = "stop";
    if (tokenCount(thinking) >= budget) {
      thinking = thinking.slice(0, budget * 4);
      content = "";
      doneReason = "length";
    } else if (tokenCount(thinking) + tokenCount(content) > budget) {
      content = content.slice(0, (budget - tokenCount(thinking)) * 4);
      doneReason = "length";
    }
    const evalTokens = tokenCount(thinking) + tokenCount(content);
    // A chat template wraps the prompt in a few tokens of its own.
    const promptTokens = tokenCount(inference.prompt) + 10;
    return {
      content,
      thinking,
      doneReason,
      loadMs: cold ? (behaviour.loadMs ?? DEFAULT_LOAD_MS) : 0.5,
      promptTokens,
      promptMs: (promptTokens / (tokensPerSecond * 10)) * 1000,
      evalTokens,
      evalMs: (Math.max(1, evalTokens) / tokensPerSecond) * 1000,
      delayMs: behaviour.kind === "slow" ? (behaviour.delayMs ?? 1_000) : 0,
    };
  }

  /** The model stays in memory for `keep_alive` (0: unloaded at once; negative: forever). */
  private keepLoaded(inference: Inference): void {
    const keepFor = inference.keepAlive ?? this.options.defaultKeepAliveMs ?? 300_000;
    if (keepFor <= 0) this.loaded.delete(inference.key);
    else
      this.loaded.set(inference.key, keepFor === Number.POSITIVE_INFINITY ? FOREVER : Date.now() + keepFor);
  }

  private words(
    inference: Inference,
    content: string,
    thinking: string,
    createdAt: string,
  ): Record<string, unknown> {
    if (inference.chat) {
      return {
        model: inference.name,
        created_at: createdAt,
        message: { role: "assistant", content, ...(thinking ? { thinking } : {}) },
      };
    }
    return {
      model: inference.name,
      created_at: createdAt,
      response: content,
      ...(thinking ? { thinking } : {}),
    };
  }
}

/** Reasoning text `tokens` tokens long. */
function thinkingText(tokens: number): string {
  return THINKING_TEXT.repeat(Math.ceil((tokens * 4) / THINKING_TEXT.length)).slice(0, tokens * 4);
}

function lastUserMessage(messages: unknown): string {
  if (!Array.isArray(messages)) return "";
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown } | null;
    if (message?.role === "user" && typeof message.content === "string") return message.content;
  }
  return "";
}

/** Text in token-sized pieces (about four characters each). */
function splitTokens(text: string): string[] {
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += 4) pieces.push(text.slice(i, i + 4));
  return pieces;
}

function digestOf(name: string): string {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0").repeat(8);
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((done, fail) => {
    const timer = Number.isFinite(ms) ? setTimeout(finish, Math.max(0, ms)) : undefined;
    function finish(): void {
      signal.removeEventListener("abort", abort);
      done();
    }
    function abort(): void {
      clearTimeout(timer);
      fail(signal.reason);
    }
    signal.addEventListener("abort", abort, { once: true });
  });
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((done, fail) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => {
      text += chunk;
    });
    request.on("end", () => done(text));
    request.on("error", fail);
  });
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(text);
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  response.end(text);
}
