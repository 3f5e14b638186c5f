// The chain check's decisions through its OllamaApi seam, for paths the sandbox does not
// stage (listings that fail); the HTTP side is covered against the sandbox in test/e2e.
import { describe, expect, it } from "vitest";
import type { ChainModel } from "../../src/config/config.js";
import { checkChain } from "../../src/model-chain/check.js";
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

/** A server whose listings fail, and whose chat answers per model. */
function server(replies: Record<string, ChatResponse | OllamaError>): OllamaApi & { sent: ChatRequest[] } {
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
      const reply = replies[request.model];
      if (reply instanceof OllamaError) throw reply;
      if (!reply)
        throw new OllamaError(
          "http",
          "POST",
          `${BASE}/api/chat`,
          404,
          `model "${request.model}" not found, try pulling it first`,
        );
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
