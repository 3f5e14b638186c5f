// On ofetch rather than the official `ollama` package: same base URL, retry, timeout and typed
// error habits as the forge client, no extra dependency in the bundle, and ollama-js has no
// retries and enforces timeouts only through a custom fetch anyway.
import { FetchError, type FetchOptions, ofetch } from "ofetch";
import { BodyError, errorMessage, parseChatBody } from "./body.js";
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
  fetch?: typeof globalThis.fetch;
  /** Called before every HTTP attempt (retries included), e.g. to log or count. */
  onRequest?: (method: string, url: string) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 2_000;
const DEFAULT_CONNECT_RETRY_DELAY_MS = 300;
const DEFAULT_LIST_TIMEOUT_MS = 10_000;
/** Proxies in front of Ollama answer these while it restarts; ofetch reports a network failure as 500. */
const RETRY_STATUSES = [500, 502, 503, 504];

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
    this.fetcher = ofetch.create({
      baseURL: this.baseUrl,
      retryStatusCodes: RETRY_STATUSES,
      retryDelay: 300,
      // Bodies are parsed here, not by ofetch, so a garbled answer is reported as such.
      responseType: "text",
      ...(options.fetch ? { fetch: options.fetch } : {}),
      onRequest: (context) => {
        this.requests++;
        context.options.headers.set("accept", "application/json");
        options.onRequest?.(context.options.method ?? "GET", `${this.baseUrl}${String(context.request)}`);
      },
    });
  }

  /**
   * The server's version; the reachability check. A refused connection is tried once more
   * (Ollama may be restarting), a silent server is not: waiting twice would only double the
   * time to a clear failure.
   */
  async version(): Promise<string> {
    const attempt = () =>
      this.getJson<VersionResponse>("/api/version", { timeout: this.connectTimeoutMs, retry: 0 });
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

  /** Installed models. */
  async tags(): Promise<InstalledModel[]> {
    const answer = await this.getJson<TagsResponse>("/api/tags", { timeout: this.listTimeoutMs, retry: 1 });
    if (!answer || !("models" in answer)) throw this.invalid("GET", "/api/tags", "no `models`");
    return (answer.models ?? []).filter((model) => typeof model?.name === "string");
  }

  /** Models loaded in memory, with when each will be unloaded. */
  async ps(): Promise<RunningModel[]> {
    const answer = await this.getJson<PsResponse>("/api/ps", { timeout: this.listTimeoutMs, retry: 1 });
    if (!answer || !("models" in answer)) throw this.invalid("GET", "/api/ps", "no `models`");
    return (answer.models ?? []).filter((model) => typeof model?.name === "string");
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
        retry: 0,
        signal,
      });
    } catch (error) {
      throw this.toError("POST", "/api/chat", error, timeout.aborted ? limits.timeoutMs : undefined);
    }
    try {
      return parseChatBody(body ?? "");
    } catch (error) {
      if (error instanceof BodyError) throw this.invalid("POST", "/api/chat", error.message, 200);
      throw error;
    }
  }

  private async getJson<T>(path: string, options: Pick<FetchOptions, "timeout" | "retry">): Promise<T> {
    let body: string;
    try {
      body = await this.fetcher<string>(path, { method: "GET", ...options });
    } catch (error) {
      throw this.toError("GET", path, error, options.timeout);
    }
    try {
      return JSON.parse(body) as T;
    } catch {
      throw this.invalid("GET", path, `not JSON: ${JSON.stringify(String(body).slice(0, 60))}`, 200);
    }
  }

  private invalid(method: string, path: string, detail: string, status?: number): OllamaError {
    return new OllamaError("invalid", method, this.baseUrl + path, status, detail);
  }

  private toError(method: string, path: string, error: unknown, timeoutMs: number | undefined): OllamaError {
    const url = this.baseUrl + path;
    if (error instanceof OllamaError) return error;
    const response = error instanceof FetchError ? error.response : undefined;
    if (response) {
      const data = (error as FetchError).data;
      return new OllamaError("http", method, url, response.status, errorMessage(data), { cause: error });
    }
    if (isTimeout(error))
      return new OllamaError("timeout", method, url, undefined, "", { cause: error, timeoutMs });
    return new OllamaError("unreachable", method, url, undefined, networkReason(error), { cause: error });
  }
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
