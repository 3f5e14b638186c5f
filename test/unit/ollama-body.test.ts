import { describe, expect, it } from "vitest";
import { AnswerError, BodyError, errorMessage, parseChatBody } from "../../src/ollama/body.js";

const final = {
  model: "phi3:3.8b",
  created_at: "2026-11-25T10:00:00Z",
  message: { role: "assistant", content: "" },
  done: true,
  done_reason: "stop",
  total_duration: 254_000_000,
  load_duration: 180_000_000,
  prompt_eval_count: 18,
  prompt_eval_duration: 4_000_000,
  eval_count: 2,
  eval_duration: 50_000_000,
};

describe("parseChatBody", () => {
  it("reads a non-streamed answer with its durations", () => {
    const body = JSON.stringify({ ...final, message: { role: "assistant", content: "pong" } });
    const answer = parseChatBody(body);
    expect(answer.message.content).toBe("pong");
    expect(answer.message.thinking).toBeUndefined();
    expect(answer.load_duration).toBe(180_000_000);
    expect(answer.eval_count).toBe(2);
    expect(answer.done_reason).toBe("stop");
  });

  it("joins a streamed NDJSON answer and takes the durations from the done chunk", () => {
    const chunk = (content: string, thinking?: string) =>
      JSON.stringify({
        model: "x",
        message: { role: "assistant", content, ...(thinking ? { thinking } : {}) },
        done: false,
      });
    const body = [chunk("", "hmm "), chunk("", "ok"), chunk("po"), chunk("ng"), JSON.stringify(final)].join(
      "\n",
    );
    const answer = parseChatBody(`${body}\n`);
    expect(answer.message.content).toBe("pong");
    expect(answer.message.thinking).toBe("hmm ok");
    expect(answer.total_duration).toBe(254_000_000);
  });

  it.each([
    ["", /empty body/],
    ["   \n ", /empty body/],
    ["<html>bad gateway</html>", /not JSON/],
    ["[1,2]", /not a JSON object/],
    [JSON.stringify({ ...final, done: false }), /before `done: true`/],
  ])("rejects %j", (body, message) => {
    expect(() => parseChatBody(body)).toThrow(BodyError);
    expect(() => parseChatBody(body)).toThrow(message);
  });

  it("gives the server's own error, in a whole answer or mid-stream, as such", () => {
    expect(() => parseChatBody('{"error":"model crashed"}')).toThrow(new AnswerError("model crashed"));
    const streamed = [
      JSON.stringify({ model: "x", message: { role: "assistant", content: "po" }, done: false }),
      JSON.stringify({ error: "llama runner process has terminated: exit status 2" }),
    ].join("\n");
    expect(() => parseChatBody(streamed)).toThrow(AnswerError);
    expect(() => parseChatBody(streamed)).toThrow("llama runner process has terminated: exit status 2");
  });

  it("reads a metric Ollama left out (omitempty) as 0, in an answer that has metrics", () => {
    const { load_duration: _load, prompt_eval_count: _prompt, ...warm } = final;
    const answer = parseChatBody(JSON.stringify(warm));
    expect(answer.load_duration).toBe(0);
    expect(answer.prompt_eval_count).toBe(0);
    expect(answer.total_duration).toBe(254_000_000);
    // A server too old to send any metric: all unknown.
    const old = parseChatBody(
      JSON.stringify({ model: "x", message: { role: "assistant", content: "hi" }, done: true }),
    );
    expect(old.total_duration).toBeUndefined();
    expect(old.load_duration).toBeUndefined();
  });

  it("ignores durations that are not numbers", () => {
    const answer = parseChatBody(JSON.stringify({ ...final, eval_duration: "fast", load_duration: -1 }));
    expect(answer.eval_duration).toBeUndefined();
    expect(answer.load_duration).toBeUndefined();
    expect(answer.eval_count).toBe(2);
  });
});

describe("errorMessage", () => {
  it("takes Ollama's `error` field from a body or its text", () => {
    expect(errorMessage({ error: 'model "x" not found, try pulling it first' })).toBe(
      'model "x" not found, try pulling it first',
    );
    expect(errorMessage('{"error":"boom"}')).toBe("boom");
  });

  it("falls back to the start of a body that is not Ollama's", () => {
    expect(errorMessage("404 page not found")).toBe("404 page not found");
    expect(errorMessage("x".repeat(500))).toHaveLength(200);
    expect(errorMessage(undefined)).toBe("");
  });
});
