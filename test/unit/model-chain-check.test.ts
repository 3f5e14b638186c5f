// The chain check's decisions through its OllamaApi seam, for paths the sandbox does not
// stage (listings that fail); the HTTP side is covered against the sandbox in test/e2e.
import { describe, expect, it } from "vitest";
import type { ChainModel } from "../../src/config/config.js";
import { checkChain, probeRequest, THINKING_NUM_PREDICT, thinkFor } from "../../src/model-chain/check.js";
import type { OllamaApi } from "../../src/ollama/client.js";
import { OllamaError } from "../../src/ollama/errors.js";
import type { ChatRequest, ChatResponse } from "../../src/ollama/types.js";

const BASE = "http://gpu:11434";

function entry(model: string, expect?: string): ChainModel {
  return { model, role: "fallback", prompt: "Reply with the single word: pong", expect };
}

function answer(content: string): ChatResponse {
  return {
    model: "m",
    message: { role: "assistant", content },
    done: true,
    eval_count: 2,
    eval_duration: 100_000_000,
  };
}

/** A reply that spent `tokens` thinking and stopped for `reason`. */
function thoughts(tokens: number, reason: string): ChatResponse {
  return {
    model: "m",
    message: { role: "assistant", content: "", thinking: "Okay, the user wants a single word..." },
    done: true,
    done_reason: reason,
    eval_count: tokens,
    eval_duration: 500_000_000,
  };
}

type Reply = ChatResponse | OllamaError;

/** A server whose listings fail, and whose chat answers per model (a list: one reply per request, in turn). */
function server(replies: Record<string, Reply | Reply[]>): OllamaApi & { sent: ChatRequest[] } {
  const sent: ChatRequest[] = [];
  return {
    baseUrl: BASE,
    sent,
    version: async () => "0.12.6",
    tags: async () => {
      throw new OllamaError("http", "GET", `${BASE}/api/tags`, 502, "bad gateway");
    },
    ps: async () => {
      throw new OllamaError("timeout", "GET", `${BASE}/api/ps`, undefined, "");
    },
    chat: async (request) => {
      sent.push(request);
      const given = replies[request.model];
      const reply = Array.isArray(given) ? given.shift() : given;
      if (reply instanceof OllamaError) throw reply;
      if (!reply)
        throw new OllamaError("http", "POST", `${BASE}/api/chat`, 404, `model '${request.model}' not found`);
      return reply;
    },
  };
}

describe("checkChain when the listings fail", () => {
  it("warns, probes every model, and learns from the probe which are installed", async () => {
    const api = server({ "phi3:3.8b": answer("pong") });
    const warnings: string[] = [];
    const report = await checkChain(api, [entry("hermes4:14b"), entry("phi3:3.8b", "pong")], {
      timeoutMs: 1_000,
      onWarning: (message) => warnings.push(message),
    });
    expect(warnings).toEqual([
      `cannot list installed models, probing every chain model: GET ${BASE}/api/tags answered 502: bad gateway`,
      `cannot list loaded models, leaving keep_alive to the server: GET ${BASE}/api/ps got no answer (timeout)`,
    ]);
    expect(api.sent.map((request) => request.model)).toEqual(["hermes4:14b", "phi3:3.8b"]);
    expect(report.models.map((model) => [model.model, model.available, model.ok, model.error])).toEqual([
      ["hermes4:14b", false, false, "not installed (ollama pull hermes4:14b)"],
      ["phi3:3.8b", true, true, null],
    ]);
    expect(report.activeModel).toBe("phi3:3.8b");
  });

  it("leaves keep_alive out when it cannot know what was loaded", async () => {
    const api = server({ "phi3:3.8b": answer("pong") });
    await checkChain(api, [entry("phi3:3.8b")], { timeoutMs: 1_000 });
    expect(api.sent[0]).not.toHaveProperty("keep_alive");
  });
});

describe("checkChain per-model errors", () => {
  it("words each kind of failure for a person", async () => {
    const api = server({
      "a:1b": new OllamaError("timeout", "POST", `${BASE}/api/chat`, undefined, ""),
      "b:1b": new OllamaError("invalid", "POST", `${BASE}/api/chat`, 200, 'not JSON: "<html>"'),
      "c:1b": new OllamaError("unreachable", "POST", `${BASE}/api/chat`, undefined, "socket hang up"),
      "d:1b": new OllamaError("http", "POST", `${BASE}/api/chat`, 503, ""),
    });
    const report = await checkChain(api, [entry("a:1b"), entry("b:1b"), entry("c:1b"), entry("d:1b")], {
      timeoutMs: 90_000,
    });
    expect(report.models.map((model) => [model.status, model.available, model.error])).toEqual([
      ["timeout", true, "no answer within 90s (timeout)"],
      ["invalid", true, 'unreadable answer: not JSON: "<html>"'],
      ["unreachable", true, "connection lost: socket hang up"],
      ["error", true, "Ollama answered 503: (empty body)"],
    ]);
    expect(report.healthy).toEqual([]);
  });

  it("takes an error in a 200 answer as the server's error, and `model 'x' not found` in it as missing", async () => {
    const api = server({
      "a:1b": new OllamaError("http", "POST", `${BASE}/api/chat`, 200, "model 'a:1b' not found"),
      "b:1b": new OllamaError(
        "http",
        "POST",
        `${BASE}/api/chat`,
        200,
        "model runner has unexpectedly stopped",
      ),
      "c:1b": new OllamaError(
        "http",
        "POST",
        `${BASE}/api/chat`,
        404,
        'model "c:1b" not found, try pulling it first',
      ),
    });
    const report = await checkChain(api, [entry("a:1b"), entry("b:1b"), entry("c:1b")], { timeoutMs: 1_000 });
    expect(report.models.map((model) => [model.status, model.available, model.error])).toEqual([
      ["missing", false, "not installed (ollama pull a:1b)"],
      ["error", true, "Ollama answered 200 with an error: model runner has unexpectedly stopped"],
      ["missing", false, "not installed (ollama pull c:1b)"],
    ]);
  });

  it("says which limit cut a request that an HTTP client's own timeout stopped", async () => {
    const limit =
      "the HTTP client stopped waiting for the headers (its headersTimeout; 300 s in Node's fetch)";
    const api = server({ "a:1b": new OllamaError("timeout", "POST", `${BASE}/api/chat`, undefined, limit) });
    const report = await checkChain(api, [entry("a:1b")], { timeoutMs: 600_000 });
    expect(report.models[0]).toMatchObject({ status: "timeout", error: `no answer: ${limit} (timeout)` });
  });

  it("reports every model as unreachable, and why, when the server does not answer", async () => {
    const api: OllamaApi = {
      ...server({}),
      version: async () => {
        throw new OllamaError(
          "unreachable",
          "GET",
          `${BASE}/api/version`,
          undefined,
          "getaddrinfo ENOTFOUND gpu",
        );
      },
    };
    const seen: string[] = [];
    const report = await checkChain(api, [entry("a:1b"), entry("b:1b")], {
      timeoutMs: 1_000,
      onModel: (m) => seen.push(m.model),
    });
    expect(report.serverError).toBe(
      `Ollama at ${BASE} is unreachable: getaddrinfo ENOTFOUND gpu (GET /api/version)`,
    );
    expect(report.models.map((model) => model.error)).toEqual(["server unreachable", "server unreachable"]);
    expect(seen).toEqual(["a:1b", "b:1b"]);
  });
});

describe("thinking models", () => {
  it("asks GPT-OSS for the lowest thinking level (it ignores false), every other model for none", () => {
    expect(thinkFor("gpt-oss:20b")).toBe("low");
    expect(thinkFor("GPT-OSS")).toBe("low");
    expect(thinkFor("library/gpt-oss:120b")).toBe("low");
    expect(thinkFor("qwen3:4b")).toBe(false);
    expect(thinkFor("deepseek-r1:1.5b")).toBe(false);
    expect(probeRequest(entry("gpt-oss:20b"), 0)).toMatchObject({
      think: "low",
      options: { num_predict: 32 },
    });
  });

  it("asks once more with a bigger budget when the whole budget went to thinking, and takes that answer", async () => {
    const api = server({ "gpt-oss:20b": [thoughts(32, "length"), answer("pong")] });
    const report = await checkChain(api, [entry("gpt-oss:20b", "pong")], { timeoutMs: 1_000 });
    expect(report.models[0]).toMatchObject({ ok: true, error: null, status: "ok", tokens_per_s: 20 });
    expect(api.sent.map((request) => [request.think, request.options?.num_predict])).toEqual([
      ["low", 32],
      ["low", THINKING_NUM_PREDICT],
    ]);
  });

  it("reports a model that thinks through the bigger budget too as thinking-only", async () => {
    const api = server({ "qwen3:4b": [thoughts(32, "length"), thoughts(256, "length")] });
    const report = await checkChain(api, [entry("qwen3:4b")], { timeoutMs: 1_000 });
    expect(report.models[0]).toMatchObject({
      ok: false,
      status: "thinking-only",
      error:
        "replied only in thinking (256 tokens, done_reason length): the token budget went to thinking, no answer (asked again with num_predict 256)",
    });
  });

  it("does not ask again when the model stopped by itself after thinking", async () => {
    const api = server({ "qwen3:4b": [thoughts(20, "stop"), answer("pong")] });
    const report = await checkChain(api, [entry("qwen3:4b")], { timeoutMs: 1_000 });
    expect(report.models[0]?.status).toBe("thinking-only");
    expect(api.sent).toHaveLength(1);
  });

  it("asks again within the same per-model deadline, and says so when none is left", async () => {
    let clock = 0;
    const api = server({ "qwen3:4b": [thoughts(32, "length"), answer("pong")] });
    const chat = api.chat;
    api.chat = async (request, limits) => {
      const reply = await chat(request, limits);
      clock += 1_000; // the first answer used up the whole timeout
      return reply;
    };
    const report = await checkChain(api, [entry("qwen3:4b")], { timeoutMs: 1_000, now: () => clock });
    expect(api.sent).toHaveLength(1);
    expect(report.models[0]).toMatchObject({
      ok: false,
      status: "thinking-only",
      error:
        "replied only in thinking (32 tokens, done_reason length): the token budget went to thinking, no answer; asked again with num_predict 256: no answer within 1s (timeout)",
    });
  });

  it("asks again without think only when a server refuses think: false (Ollama 0.12.4)", async () => {
    const refused = new OllamaError(
      "http",
      "POST",
      `${BASE}/api/chat`,
      400,
      "registry.ollama.ai/library/llama3:8b does not support thinking",
    );
    const api = server({ "llama3:8b": [refused, answer("pong")] });
    const report = await checkChain(api, [entry("llama3:8b")], { timeoutMs: 1_000 });
    expect(report.models[0]?.ok).toBe(true);
    expect(api.sent.map((request) => "think" in request)).toEqual([true, false]);
  });
});
