// On ofetch rather than the official `ollama` package: same base URL and typed error habits
// as the forge client, and ollama-js enforces timeouts only through a custom fetch anyway.
// Under ofetch, undici's own fetch with a dispatcher that has no time limits of its own:
// each request carries its own deadline (an AbortSignal that covers the body too).
import { FetchError, ofetch } from "ofetch";
import { Agent, fetch as undiciFetch } from "undici";
import { AnswerError, BodyError, errorMessage, parseChatBody } from "./body.js";
import { OllamaError } from "./errors.js";
import type {
  ChatRequest,
  ChatResponse,
  InstalledModel,
  PsResponse,
  RunningModel,
  TagsResponse,
  VersionResponse,
} from "./types.js";

export interface OllamaClientOptions {
  /** Server root, e.g. `http://127.0.0.1:11434` (no `/api`). */
  baseUrl: string;
  /**
   * Timeout of `GET /api/version`, the first request. Short on purpose: it is what tells an
   * unreachable or silent server apart within seconds, long before any model timeout.
   */
  connectTimeoutMs?: number;
  /** Delay before the one retry of a refused connection (Ollama restarting). */
  connectRetryDelayMs?: number;
  /** Timeout of the listing requests (`/api/tags`, `/api/ps`). */
  listTimeoutMs?: number;
  /** The fetch to use; default createOllamaFetch()'s, shared by every client. */
  fetch?: typeof globalThis.fetch;
  /** Called before every HTTP attempt (retries included), e.g. to log or count. */
  onRequest?: (method: string, url: string) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_CONNECT_RETRY_DELAY_MS = 300;
const DEFAULT_LIST_TIMEOUT_MS = 10_000;
/** Proxies in front of Ollama answer these while it restarts. */
const RETRY_STATUSES = [500, 502, 503, 504];
const LIST_RETRY_DELAY_MS = 300;

/** undici's limits on waiting for an answer's headers and between body chunks; 0 = none. */
export interface DispatcherLimits {
  headersTimeout: number;
  bodyTimeout: number;
}

/**
 * No limits: Node's own fetch gives up after 300 s without headers (`headersTimeout`) or
 * 300 s of body silence (`bodyTimeout`), and Ollama sends a non-streamed answer's headers only
 * when the answer is complete, so a per-model timeout above 5 minutes (a cold load of a big
 * model) would be cut at 300 s. Every request here has its own deadline instead.
 */
export const OLLAMA_DISPATCHER_LIMITS: Readonly<DispatcherLimits> = Object.freeze({
  headersTimeout: 0,
  bodyTimeout: 0,
});

/** A fetch for Ollama requests: undici's, through an agent with the given limits (default none). */
export function createOllamaFetch(
  limits: Readonly<DispatcherLimits> = OLLAMA_DISPATCHER_LIMITS,
): typeof globalThis.fetch {
  let dispatcher: Agent | undefined;
  type UndiciInput = Parameters<typeof undiciFetch>[0];
  type UndiciInit = NonNullable<Parameters<typeof undiciFetch>[1]>;
  const ollamaFetch = (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    dispatcher ??= new Agent({ ...limits });
    // undici's fetch takes what the global fetch takes; only its TypeScript types are its own.
    const request = undiciFetch(input as unknown as UndiciInput, {
      ...(init as unknown as UndiciInit),
      dispatcher,
    });
    return request as unknown as Promise<Response>;
  };
  return ollamaFetch;
}

/** Shared by every client: one connection pool (its agent is made on the first request). */
const sharedFetch = createOllamaFetch();

/** The requests the chain check makes, so the core can be driven by this client or the CLI alike. */
export interface OllamaApi {
  readonly baseUrl: string;
  version(): Promise<string>;
  tags(): Promise<InstalledModel[]>;
  ps(): Promise<RunningModel[]>;
  chat(request: ChatRequest, limits: { timeoutMs: number; signal?: AbortSignal }): Promise<ChatResponse>;
}

/** A client for the Ollama server's own REST API (not the OpenAI-compatible `/v1`). */
export class OllamaClient implements OllamaApi {
  readonly baseUrl: string;
  /** HTTP attempts made, retries included. */
  requests = 0;
  private readonly fetcher: typeof ofetch;
  private readonly connectTimeoutMs: number;
  private readonly connectRetryDelayMs: number;
  private readonly listTimeoutMs: number;

  constructor(options: OllamaClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.connectRetryDelayMs = options.connectRetryDelayMs ?? DEFAULT_CONNECT_RETRY_DELAY_MS;
    this.listTimeoutMs = options.listTimeoutMs ?? DEFAULT_LIST_TIMEOUT_MS;
    this.fetcher = ofetch.create(
      {
        baseURL: this.baseUrl,
        // Retries are made here, within each request's deadline.
        retry: 0,
        // Bodies are parsed here, not by ofetch, so a garbled answer is reported as such.
        responseType: "text",
        onRequest: (context) => {
          this.requests++;
          context.options.headers.set("accept", "application/json");
          options.onRequest?.(context.options.method ?? "GET", `${this.baseUrl}${String(context.request)}`);
        },
      },
      { fetch: options.fetch ?? sharedFetch },
    );
  }

  /**
   * The server's version; the reachability check. A refused connection is tried once more
   * (Ollama may be restarting), a silent server is not: waiting twice would only double the
   * time to a clear failure.
   */
  async version(): Promise<string> {
    const attempt = () => this.getJson<VersionResponse>("/api/version", this.connectTimeoutMs, 0);
    let answer: VersionResponse;
    try {
      answer = await attempt();
    } catch (error) {
      if (!(error instanceof OllamaError && error.kind === "unreachable")) throw error;
      await new Promise((resolve) => setTimeout(resolve, this.connectRetryDelayMs));
      answer = await attempt();
    }
    if (typeof answer?.version !== "string") throw this.invalid("GET", "/api/version", "no `version`");
    return answer.version;
  }

  /** Installed models, each named by `name` (or `model`, when a server leaves `name` out). */
  async tags(): Promise<InstalledModel[]> {
    const answer = await this.getJson<TagsResponse>("/api/tags", this.listTimeoutMs, 1);
    if (!answer || !("models" in answer)) throw this.invalid("GET", "/api/tags", "no `models`");
    return named(answer.models);
  }

  /** Models loaded in memory, with when each will be unloaded. */
  async ps(): Promise<RunningModel[]> {
    const answer = await this.getJson<PsResponse>("/api/ps", this.listTimeoutMs, 1);
    if (!answer || !("models" in answer)) throw this.invalid("GET", "/api/ps", "no `models`");
    return named(answer.models);
  }

  /**
   * One chat completion. Never retried: a retry would double a cold load and break the
   * per-model timeout. The timeout covers the whole answer, body included (ofetch's own
   * `timeout` stops at the headers, and a proxy may send those early).
   */
  async chat(
    request: ChatRequest,
    limits: { timeoutMs: number; signal?: AbortSignal },
  ): Promise<ChatResponse> {
    const timeout = AbortSignal.timeout(Math.max(1, Math.ceil(limits.timeoutMs)));
    const signal = limits.signal ? AbortSignal.any([timeout, limits.signal]) : timeout;
    let body: string;
    try {
      body = await this.fetcher<string>("/api/chat", {
        method: "POST",
        body: request as unknown as Record<string, unknown>,
        signal,
      });
    } catch (error) {
      throw this.toError("POST", "/api/chat", error, timeout.aborted ? limits.timeoutMs : undefined);
    }
    try {
      return parseChatBody(body ?? "");
    } catch (error) {
      if (error instanceof AnswerError)
        throw new OllamaError("http", "POST", `${this.baseUrl}/api/chat`, 200, error.message);
      if (error instanceof BodyError) throw this.invalid("POST", "/api/chat", error.message, 200);
      throw error;
    }
  }

  /**
   * A GET whose deadline covers the whole answer, body included: ofetch's own `timeout` stops
   * at the headers, and a server (or a proxy) that sends headers and then stalls would
   * otherwise hold the run for as long as the socket lives. `retries` more attempts are made
   * for a refused connection or a gateway 5xx, within the same deadline.
   */
  private async getJson<T>(path: string, timeoutMs: number, retries: number): Promise<T> {
    const deadline = AbortSignal.timeout(Math.max(1, Math.ceil(timeoutMs)));
    for (let attempt = 0; ; attempt++) {
      let body: string;
      try {
        body = await this.fetcher<string>(path, { method: "GET", signal: deadline });
      } catch (error) {
        const failure = this.toError("GET", path, error, deadline.aborted ? timeoutMs : undefined);
        const retryable =
          failure.kind === "unreachable" ||
          (failure.kind === "http" && RETRY_STATUSES.includes(failure.status ?? 0));
        if (attempt >= retries || !retryable || deadline.aborted) throw failure;
        await new Promise((resolve) => setTimeout(resolve, LIST_RETRY_DELAY_MS));
        if (deadline.aborted) throw failure;
        continue;
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        throw this.invalid("GET", path, `not JSON: ${JSON.stringify(String(body).slice(0, 60))}`, 200);
      }
      const serverError = errorOf(parsed);
      if (serverError !== undefined)
        throw new OllamaError("http", "GET", this.baseUrl + path, 200, serverError);
      return parsed as T;
    }
  }

  private invalid(method: string, path: string, detail: string, status?: number): OllamaError {
    return new OllamaError("invalid", method, this.baseUrl + path, status, detail);
  }

  private toError(method: string, path: string, error: unknown, timeoutMs: number | undefined): OllamaError {
    const url = this.baseUrl + path;
    if (error instanceof OllamaError) return error;
    // Our own deadline ran out, whatever shape the abort took (headers, or halfway through the body).
    if (timeoutMs !== undefined)
      return new OllamaError("timeout", method, url, undefined, "", { cause: error, timeoutMs });
    const response = error instanceof FetchError ? error.response : undefined;
    if (response) {
      const data = (error as FetchError).data;
      return new OllamaError("http", method, url, response.status, errorMessage(data), { cause: error });
    }
    const limit = clientLimit(error);
    if (limit) return new OllamaError("timeout", method, url, undefined, limit, { cause: error });
    if (isTimeout(error))
      return new OllamaError("timeout", method, url, undefined, "", { cause: error, timeoutMs });
    return new OllamaError("unreachable", method, url, undefined, networkReason(error), { cause: error });
  }
}

/** Listing entries with a name: `name`, or `model` when a server sends only that. */
function named<T extends { name: string; model?: string }>(models: T[] | null | undefined): T[] {
  const entries: T[] = [];
  for (const entry of models ?? []) {
    const name =
      typeof entry?.name === "string" && entry.name !== ""
        ? entry.name
        : typeof entry?.model === "string" && entry.model !== ""
          ? entry.model
          : undefined;
    if (name !== undefined) entries.push({ ...entry, name });
  }
  return entries;
}

/** The `error` of a 200 answer that carries one. */
function errorOf(value: unknown): string | undefined {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return undefined;
  const error = (value as { error?: unknown }).error;
  return typeof error === "string" ? error : undefined;
}

/**
 * An HTTP client's own time limit cut the request (undici's headers or body timeout, 300 s
 * each in Node's fetch): only with a fetch other than createOllamaFetch()'s. Said as such,
 * not as a lost connection, so the per-model timeout is not blamed.
 */
function clientLimit(error: unknown): string | undefined {
  for (
    let current = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth++
  ) {
    const code = (current as Error & { code?: unknown }).code;
    if (code === "UND_ERR_HEADERS_TIMEOUT")
      return "the HTTP client stopped waiting for the headers (its headersTimeout; 300 s in Node's fetch)";
    if (code === "UND_ERR_BODY_TIMEOUT")
      return "the HTTP client stopped waiting for the body (its bodyTimeout; 300 s in Node's fetch)";
  }
  return undefined;
}

/** True for AbortSignal.timeout's reason and ofetch's own timeout error, wherever they sit in the cause chain. */
function isTimeout(error: unknown): boolean {
  for (
    let current = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth++
  ) {
    if (current.name === "TimeoutError") return true;
  }
  return false;
}

/** The innermost useful reason of a network failure: `connect ECONNREFUSED 127.0.0.1:1`, not `fetch failed`. */
function networkReason(error: unknown): string {
  let reason = error instanceof Error ? error.message : String(error);
  for (
    let current = error, depth = 0;
    current instanceof Error && depth < 5;
    current = current.cause, depth++
  ) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && /^E[A-Z]+/.test(code)) return current.message || code;
    if (current.message && !/fetch failed|<no response>/.test(current.message)) reason = current.message;
  }
  return reason;
}
