// The Ollama sandbox must answer like Ollama's REST API (docs.ollama.com/api) where the chain check relies on it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OllamaSandbox, sampleModels } from "../../sandbox/ollama/index.js";

let sandbox: OllamaSandbox;
let url: string;

beforeEach(async () => {
  sandbox = new OllamaSandbox({
    models: {
      "gemma3:1b": { kind: "ok", loadMs: 10, tokensPerSecond: 200 },
      phi3: "ok",
      "hermes4:14b": "missing",
      "qwen2.5:7b": "error",
      "stuck:1b": "hang",
      "deepseek-r1:1.5b": "thinking-only",
      "llama3:8b": "rejects-think",
      "warm:1b": { kind: "ok", loaded: true },
    },
  });
  ({ url } = await sandbox.start());
});

afterEach(async () => {
  await sandbox.close();
});

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  fetch(`${url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model,
      messages: [{ role: "user", content: "Reply with the single word: pong" }],
      ...extra,
    }),
  });

describe("listing", () => {
  it("says it is running and which version it is", async () => {
    expect(await (await fetch(url)).text()).toBe("Ollama is running");
    expect(await (await fetch(`${url}/api/version`)).json()).toEqual({ version: "0.12.6" });
  });

  it("lists installed models with full name:tag names, not the missing ones", async () => {
    const tags = (await (await fetch(`${url}/api/tags`)).json()) as {
      models: { name: string; details: { family: string } }[];
    };
    expect(tags.models.map((model) => model.name).sort()).toEqual([
      "deepseek-r1:1.5b",
      "gemma3:1b",
      "llama3:8b",
      "phi3:latest",
      "qwen2.5:7b",
      "stuck:1b",
      "warm:1b",
    ]);
    expect(tags.models.find((model) => model.name === "qwen2.5:7b")?.details.family).toBe("qwen");
  });

  it("lists loaded models with expires_at in /api/ps", async () => {
    const ps = (await (await fetch(`${url}/api/ps`)).json()) as {
      models: { name: string; expires_at: string }[];
    };
    expect(ps.models.map((model) => model.name)).toEqual(["warm:1b"]);
    expect(Date.parse(ps.models[0]!.expires_at)).toBeGreaterThan(Date.now());
  });

  it("answers unknown paths as Gin does", async () => {
    const response = await fetch(`${url}/api/nothing`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("404 page not found");
  });
});

describe("inference", () => {
  it("streams NDJSON by default, statistics in the done chunk", async () => {
    const response = await chat("gemma3:1b");
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const chunks = (await response.text())
      .trim()
      .split("\n")
      .map(
        (line) => JSON.parse(line) as { done: boolean; message: { content: string }; eval_count?: number },
      );
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.slice(0, -1).every((chunk) => !chunk.done && chunk.eval_count === undefined)).toBe(true);
    expect(chunks.at(-1)).toMatchObject({ done: true, done_reason: "stop", eval_count: 1 });
    expect(chunks.map((chunk) => chunk.message.content).join("")).toBe("pong");
  });

  it("answers with one JSON object when stream is false, with realistic ns durations", async () => {
    const response = await chat("gemma3:1b", { stream: false });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    const answer = (await response.json()) as Record<string, number> & { message: { content: string } };
    expect(answer.message).toEqual({ role: "assistant", content: "pong" });
    expect(answer.load_duration).toBe(10_000_000);
    expect(answer.eval_count).toBe(1);
    expect(answer.eval_duration).toBe(5_000_000);
    expect(answer.total_duration).toBeGreaterThanOrEqual(answer.load_duration + answer.eval_duration);
  });

  it("answers /api/generate with `response` instead of `message`", async () => {
    const response = await fetch(`${url}/api/generate`, {
      method: "POST",
      body: JSON.stringify({ model: "phi3", prompt: "Reply with the single word: ping", stream: false }),
    });
    expect(await response.json()).toMatchObject({ model: "phi3", response: "ping", done: true });
  });

  it("404s a model that is not installed, with current Ollama's words (ChatHandler)", async () => {
    const response = await chat("hermes4:14b", { stream: false });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "model 'hermes4:14b' not found" });
  });

  it("can 404 a missing model in the older words", async () => {
    const legacy = new OllamaSandbox({ legacyNotFound: true });
    const { url: legacyUrl } = await legacy.start();
    try {
      const response = await fetch(`${legacyUrl}/api/chat`, {
        method: "POST",
        body: JSON.stringify({ model: "hermes4:14b", messages: [], stream: false }),
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'model "hermes4:14b" not found, try pulling it first' });
    } finally {
      await legacy.close();
    }
  });

  it("answers a failing model with 500 and an error", async () => {
    const response = await chat("qwen2.5:7b", { stream: false });
    expect(response.status).toBe(500);
    expect(((await response.json()) as { error: string }).error).toMatch(/llama runner/);
  });

  it("refuses thinking asked of a model without it, and only that, as current Ollama does", async () => {
    for (const think of [true, "low", "high"]) {
      const refused = await chat("llama3:8b", { stream: false, think });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({ error: '"llama3:8b" does not support thinking' });
    }
    for (const think of [false, undefined, null]) {
      const answered = await chat("llama3:8b", { stream: false, think });
      expect(answered.status).toBe(200);
      expect(((await answered.json()) as { message: { content: string } }).message.content).toBe("pong");
    }
  });

  it("can refuse think: false too, in Ollama 0.12.4's words", async () => {
    const old = new OllamaSandbox({ models: { "llama3:8b": "rejects-think" }, refuseThinkFalse: true });
    const { url: oldUrl } = await old.start();
    try {
      const ask = (extra: Record<string, unknown>) =>
        fetch(`${oldUrl}/api/chat`, {
          method: "POST",
          body: JSON.stringify({ model: "llama3:8b", messages: [{ role: "user", content: "hi" }], ...extra }),
        });
      const refused = await ask({ stream: false, think: false });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        error: "registry.ollama.ai/library/llama3:8b does not support thinking",
      });
      expect((await ask({ stream: false })).status).toBe(200);
    } finally {
      await old.close();
    }
  });

  it("refuses a think value Ollama does not take", async () => {
    const response = await chat("gemma3:1b", { stream: false, think: "extreme" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toBe(
      'invalid think value: "extreme" (must be "high", "medium", "low", "max", true, or false)',
    );
  });

  it("lets a model that ignores think: false think first, then answer when the budget allows", async () => {
    sandbox.setBehaviour("gpt-oss:20b", { kind: "ignores-think", tokensPerSecond: 2_000 });
    type Answer = {
      message: { content: string; thinking?: string };
      eval_count: number;
      done_reason: string;
    };
    const small = (await (
      await chat("gpt-oss:20b", { stream: false, think: false, options: { num_predict: 32 } })
    ).json()) as Answer;
    expect(small).toMatchObject({ message: { content: "" }, eval_count: 32, done_reason: "length" });
    expect(small.message.thinking?.length).toBe(128);
    const roomy = (await (
      await chat("gpt-oss:20b", { stream: false, think: false, options: { num_predict: 256 } })
    ).json()) as Answer;
    expect(roomy).toMatchObject({ message: { content: "pong" }, eval_count: 81, done_reason: "stop" });
    // A lower level thinks less; true/false/none count as medium.
    const low = (await (
      await chat("gpt-oss:20b", { stream: false, think: "low", options: { num_predict: 256 } })
    ).json()) as Answer;
    expect(low).toMatchObject({ message: { content: "pong" }, eval_count: 41 });
  });

  it("fails a crashing model mid-stream with an error line after a 200, or with a 500 unstreamed", async () => {
    sandbox.setBehaviour("phi3", { kind: "crash", message: "model runner has unexpectedly stopped" });
    const streamed = await chat("phi3");
    expect(streamed.status).toBe(200);
    const lines = (await streamed.text()).trim().split("\n");
    expect(lines.length).toBeGreaterThan(1);
    expect(JSON.parse(lines.at(-1)!)).toEqual({ error: "model runner has unexpectedly stopped" });
    expect(JSON.parse(lines[0]!)).toMatchObject({ done: false });
    const whole = await chat("phi3", { stream: false });
    expect(whole.status).toBe(500);
    expect(await whole.json()).toEqual({ error: "model runner has unexpectedly stopped" });
  });

  it("can stream even when asked not to, as a proxy might", async () => {
    const streaming = new OllamaSandbox({ models: { phi3: "ok" }, alwaysStream: true });
    const { url: streamingUrl } = await streaming.start();
    try {
      const response = await fetch(`${streamingUrl}/api/chat`, {
        method: "POST",
        body: JSON.stringify({ model: "phi3", messages: [{ role: "user", content: "hi" }], stream: false }),
      });
      expect(response.headers.get("content-type")).toBe("application/x-ndjson");
      expect((await response.text()).trim().split("\n").length).toBeGreaterThan(1);
    } finally {
      await streaming.close();
    }
  });

  it("leaves zero metrics out, as Ollama's omitempty does", async () => {
    sandbox.setBehaviour("phi3", { kind: "ok", loadMs: 0 });
    const answer = (await (await chat("phi3", { stream: false })).json()) as Record<string, unknown>;
    expect(answer).not.toHaveProperty("load_duration");
    expect(answer.total_duration).toEqual(expect.any(Number));
    expect(answer.eval_count).toBe(1);
  });

  it("lets a thinking-only model spend the whole budget thinking", async () => {
    const response = await chat("deepseek-r1:1.5b", {
      stream: false,
      think: false,
      options: { num_predict: 16 },
    });
    const answer = (await response.json()) as {
      message: { content: string; thinking: string };
      eval_count: number;
      done_reason: string;
    };
    expect(answer.message.content).toBe("");
    expect(answer.message.thinking.length).toBeGreaterThan(0);
    expect(answer.eval_count).toBe(16);
    expect(answer.done_reason).toBe("length");
  });

  it("requires a model, and a JSON body", async () => {
    const noModel = await fetch(`${url}/api/chat`, { method: "POST", body: "{}" });
    expect(noModel.status).toBe(400);
    expect(await noModel.json()).toEqual({ error: "model is required" });
    const notJson = await fetch(`${url}/api/chat`, { method: "POST", body: "{nope" });
    expect(notJson.status).toBe(400);
  });

  it("keeps a model loaded per keep_alive: 0 unloads, the default keeps it", async () => {
    await (await chat("gemma3:1b", { stream: false, keep_alive: 0 })).text();
    expect(sandbox.loadedModels()).toEqual(["warm:1b"]);
    await (await chat("gemma3:1b", { stream: false })).text();
    expect(sandbox.loadedModels().sort()).toEqual(["gemma3:1b", "warm:1b"]);
    // Loaded now, so the next answer has no cold load.
    const warm = (await (await chat("gemma3:1b", { stream: false })).json()) as { load_duration: number };
    expect(warm.load_duration).toBeLessThan(10_000_000);
  });

  it("logs requests and the inference time spent per model", async () => {
    await (await chat("gemma3:1b", { stream: false })).text();
    await (await chat("qwen2.5:7b", { stream: false })).text();
    expect(sandbox.requests.map((request) => `${request.method} ${request.path} ${request.status}`)).toEqual([
      "POST /api/chat 200",
      "POST /api/chat 500",
    ]);
    expect(sandbox.requests[0]!.body).toMatchObject({ model: "gemma3:1b", stream: false });
    expect(sandbox.inferenceMs("gemma3:1b")).toBeGreaterThanOrEqual(15);
    expect(sandbox.inferenceMs()).toBeCloseTo(
      sandbox.inferenceMs("gemma3:1b") + sandbox.inferenceMs("qwen2.5:7b"),
    );
  });

  it("makes a slow model answer after its delay", async () => {
    sandbox.setBehaviour("phi3", { kind: "slow", delayMs: 150 });
    const started = performance.now();
    const response = await chat("phi3", { stream: false });
    expect(response.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });
});

describe("stalls and hangs", () => {
  /** Fetches `path` and reports how far the answer got within `ms`. */
  async function within(ms: number, path: string, init?: RequestInit): Promise<string> {
    const signal = AbortSignal.timeout(ms);
    let response: Response;
    try {
      response = await fetch(`${url}${path}`, { ...init, signal });
    } catch {
      return "no headers";
    }
    try {
      await response.text();
      return `body ${response.status}`;
    } catch {
      return `headers ${response.status}, body unfinished`;
    }
  }

  it("makes a listing stall after its headers, or hang before them", async () => {
    sandbox.setEndpoint("tags", "stall");
    sandbox.setEndpoint("ps", "hang");
    expect(await within(300, "/api/tags")).toBe("headers 200, body unfinished");
    expect(await within(300, "/api/ps")).toBe("no headers");
    expect(await within(1_000, "/api/version")).toBe("body 200");
    sandbox.setEndpoint("version", "stall");
    expect(await within(300, "/api/version")).toBe("headers 200, body unfinished");
    sandbox.setEndpoint("tags", "ok");
    expect(await within(1_000, "/api/tags")).toBe("body 200");
  });

  it("takes listing behaviours as an option too", async () => {
    const stuck = new OllamaSandbox({ endpoints: { version: "hang" } });
    const { url: stuckUrl } = await stuck.start();
    try {
      const error = await fetch(`${stuckUrl}/api/version`, { signal: AbortSignal.timeout(200) }).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect((error as Error).name).toBe("TimeoutError");
    } finally {
      await stuck.close();
    }
  });

  it("makes a stalling model send its headers and never finish the body", async () => {
    sandbox.setBehaviour("phi3", "stall");
    const body = JSON.stringify({
      model: "phi3",
      messages: [{ role: "user", content: "hi" }],
      stream: false,
    });
    expect(await within(300, "/api/chat", { method: "POST", body })).toBe("headers 200, body unfinished");
  });
});

describe("close", () => {
  it("ends a hanging request so nothing waits forever", async () => {
    const pending = chat("stuck:1b", { stream: false }).then(
      () => "answered",
      () => "cut off",
    );
    // Wait for the sandbox to hold the request (under load it may take a while to arrive), then 50 ms.
    while (!sandbox.requests.some((request) => request.path === "/api/chat")) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sandbox.requests.at(-1)?.status).toBeUndefined();
    await sandbox.close();
    expect(await pending).toBe("cut off");
    expect(sandbox.inferenceMs("stuck:1b")).toBeGreaterThanOrEqual(40);
  });
});

describe("sampleModels", () => {
  it("is the demo chain: hermes missing, qwen failing, phi3 and gemma3 answering", () => {
    const models = sampleModels();
    expect(models["hermes4:14b"]?.kind).toBe("missing");
    expect(models["qwen2.5:7b"]?.kind).toBe("error");
    expect(models["phi3:3.8b"]?.kind).toBe("ok");
    expect(models["gemma3:1b"]?.kind).toBe("ok");
  });
});
