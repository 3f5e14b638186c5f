import { describe, expect, it } from "vitest";
import {
  excerpt,
  judgeReply,
  keepAliveFor,
  splitInlineThinking,
  timingsOf,
  verdict,
} from "../../src/model-chain/judge.js";
import type { ChainReport, ModelResult } from "../../src/model-chain/report.js";
import type { ChatResponse, RunningModel } from "../../src/ollama/types.js";

function reply(content: string, extra: Partial<ChatResponse> & { thinking?: string } = {}): ChatResponse {
  const { thinking, ...rest } = extra;
  return {
    model: "m",
    message: { role: "assistant", content, ...(thinking === undefined ? {} : { thinking }) },
    done: true,
    ...rest,
  };
}

describe("judgeReply", () => {
  it("accepts a non-empty reply when no answer is expected", () => {
    expect(judgeReply(reply("Hello there"), undefined)).toEqual({ status: "ok", error: null });
  });

  it("accepts a reply containing the expected text, ignoring case", () => {
    expect(judgeReply(reply("Pong!"), "pong").status).toBe("ok");
    expect(judgeReply(reply("pong"), "PONG").status).toBe("ok");
  });

  it("fails a reply without the expected text and quotes it", () => {
    const judgement = judgeReply(reply("<|im_start|> the the the"), "pong");
    expect(judgement.status).toBe("unexpected");
    expect(judgement.error).toBe('reply "<|im_start|> the the the" does not contain "pong"');
  });

  it("fails an empty or blank reply", () => {
    expect(judgeReply(reply(""), undefined)).toEqual({ status: "empty", error: "empty reply" });
    expect(judgeReply(reply("  \n"), "pong").status).toBe("empty");
  });

  it("reports a reply that has only thinking as such, not as empty", () => {
    const judgement = judgeReply(
      reply("", { thinking: "Okay, the user wants...", eval_count: 32, done_reason: "length" }),
      "pong",
    );
    expect(judgement.status).toBe("thinking-only");
    expect(judgement.error).toBe(
      "replied only in thinking (32 tokens, done_reason length): the token budget went to thinking, no answer",
    );
  });

  it("says so when a model stopped after thinking without answering", () => {
    expect(
      judgeReply(reply("", { thinking: "Hmm.", eval_count: 40, done_reason: "stop" }), undefined).error,
    ).toBe(
      "replied only in thinking (40 tokens, done_reason stop): it stopped after thinking, with no answer",
    );
  });

  it("treats inline <think> blocks of older servers as thinking", () => {
    expect(judgeReply(reply("<think>let me see</think>\npong"), "pong").status).toBe("ok");
    expect(judgeReply(reply("<think>let me see, the user wants"), "pong").status).toBe("thinking-only");
    expect(splitInlineThinking("<think>a</think>b<think>c")).toEqual({ answer: "b", thinking: "ac" });
  });

  it("shortens long replies in messages", () => {
    expect(excerpt("word ".repeat(40))).toMatch(/^"(word ){12}…"$/);
  });
});

describe("timingsOf", () => {
  it("turns Ollama's nanoseconds into ms and eval_count/eval_duration into tokens/s", () => {
    const timings = timingsOf(
      reply("pong", {
        load_duration: 1_234_567_890,
        total_duration: 2_500_400_000,
        eval_count: 20,
        eval_duration: 400_000_000,
      }),
    );
    expect(timings).toEqual({ load_ms: 1235, total_ms: 2500, tokens_per_s: 50 });
  });

  it("leaves out what the server did not send", () => {
    expect(timingsOf(reply("pong"))).toEqual({ load_ms: null, total_ms: null, tokens_per_s: null });
    expect(timingsOf(reply("pong", { eval_count: 3, eval_duration: 0 })).tokens_per_s).toBeNull();
  });
});

describe("keepAliveFor", () => {
  const now = Date.parse("2026-11-25T10:00:00Z");
  const running = (name: string, expiresAt: string): RunningModel => ({
    name,
    model: name,
    expires_at: expiresAt,
  });

  it("unloads a model the check had to load", () => {
    expect(keepAliveFor("phi3:3.8b", [running("gemma3:1b", "2026-11-25T10:05:00Z")], now)).toBe(0);
    expect(keepAliveFor("phi3:3.8b", [], now)).toBe(0);
  });

  it("keeps a loaded model for the time it had left, matching names with :latest", () => {
    expect(keepAliveFor("gemma3", [running("gemma3:latest", "2026-11-25T10:04:30.2Z")], now)).toBe("271s");
  });

  it("keeps a model loaded forever (keep_alive -1) forever", () => {
    expect(keepAliveFor("gemma3:1b", [running("gemma3:1b", "2318-01-01T00:00:00Z")], now)).toBe(-1);
  });

  it("leaves keep_alive to the server when what is loaded is unknown", () => {
    expect(keepAliveFor("gemma3:1b", undefined, now)).toBeUndefined();
    expect(keepAliveFor("gemma3:1b", [running("gemma3:1b", "soon")], now)).toBeUndefined();
  });
});

function model(name: string, ok: boolean): ModelResult {
  return {
    model: name,
    role: "fallback",
    available: true,
    ok,
    error: ok ? null : "boom",
    load_ms: null,
    total_ms: null,
    tokens_per_s: null,
    status: ok ? "ok" : "error",
  };
}

function chain(...states: boolean[]): ChainReport {
  const models = states.map((ok, index) => model(`m${index}`, ok));
  const healthy = models.filter((entry) => entry.ok).map((entry) => entry.model);
  return {
    url: "http://o:11434",
    serverVersion: "0.12.6",
    serverError: undefined,
    models,
    activeModel: healthy[0],
    healthy,
  };
}

describe("verdict", () => {
  it.each([
    ["healthy", [true, true], { down: false, degraded: false, never: false }],
    ["degraded", [false, true], { down: false, degraded: true, never: false }],
    ["down", [false, false], { down: true, degraded: true, never: false }],
  ] as const)("%s chain", (_, states, expected) => {
    const report = chain(...states);
    expect(verdict(report, "down").failed).toBe(expected.down);
    expect(verdict(report, "degraded").failed).toBe(expected.degraded);
    expect(verdict(report, "never").failed).toBe(expected.never);
  });

  it("says which models failed and which one is active", () => {
    expect(verdict(chain(false, true, false), "degraded").message).toBe(
      "model chain is degraded: 2 of 3 models failed (m0, m2); active model m1",
    );
    expect(verdict(chain(false, false), "down").message).toBe(
      "model chain is down: none of the 2 models answered",
    );
  });

  it("fails on an unreachable server unless fail-on is never, with the server's message", () => {
    const report = {
      ...chain(false),
      serverError: "Ollama at http://o:11434 is unreachable: connect ECONNREFUSED",
    };
    expect(verdict(report, "down")).toEqual({ failed: true, message: report.serverError });
    expect(verdict(report, "never").failed).toBe(false);
  });
});
