// The Ollama client against the loopback sandbox, a silent TCP server and a closed port.
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OllamaSandbox } from "../../sandbox/ollama/index.js";
import { createOllamaFetch, OLLAMA_DISPATCHER_LIMITS, OllamaClient } from "../../src/ollama/client.js";
import { isModelNotFound, isThinkUnsupported, OllamaError } from "../../src/ollama/errors.js";
import type { ChatRequest } from "../../src/ollama/types.js";
import { closedPort } from "../harness/files.js";

let sandbox: OllamaSandbox;
let client: OllamaClient;

beforeAll(async () => {
  sandbox = new OllamaSandbox({
    models: {
      gemma3: "ok",
      "qwen2.5:7b": { kind: "error", message: "llama runner process has terminated" },
      "stuck:1b": "hang",
      "llama3:8b": "rejects-think",
      "crashy:1b": { kind: "crash", message: "model runner has unexpectedly stopped" },
      "slow:1b": { kind: "slow", delayMs: 600 },
      "slower:1b": { kind: "slow", delayMs: 3_000 },
      "stall:1b": "stall",
    },
  });
  const { url } = await sandbox.start();
  client = new OllamaClient({ baseUrl: `${url}/` });
});

afterAll(async () => {
  await sandbox.close();
});

const request = (model: string, extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model,
  messages: [{ role: "user", content: "Reply with the single word: pong" }],
  stream: false,
  ...extra,
});

async function rejection(promise: Promise<unknown>): Promise<OllamaError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(OllamaError);
  return error as OllamaError;
}

describe("OllamaClient against the sandbox", () => {
  it("reads the version, installed models (with :latest names) and loaded models", async () => {
    expect(await client.version()).toBe("0.12.6");
    expect((await client.tags()).map((model) => model.name)).toContain("gemma3:latest");
    expect(Array.isArray(await client.ps())).toBe(true);
  });

  it("chats without streaming and returns Ollama's durations", async () => {
    const answer = await client.chat(request("gemma3"), { timeoutMs: 5_000 });
    expect(answer.message.content).toBe("pong");
    expect(answer.eval_count).toBeGreaterThan(0);
    expect(answer.total_duration).toBeGreaterThan(0);
  });

  it("still reads a streamed answer", async () => {
    const answer = await client.chat(request("gemma3", { stream: true }), { timeoutMs: 5_000 });
    expect(answer.message.content).toBe("pong");
    expect(answer.done).toBe(true);
  });

  it("types HTTP errors with status, URL and the server's message", async () => {
    const missing = await rejection(client.chat(request("hermes4:14b"), { timeoutMs: 5_000 }));
    expect(isModelNotFound(missing)).toBe(true);
    expect(missing.message).toBe(`POST ${sandbox.url}/api/chat answered 404: model 'hermes4:14b' not found`);
    const failing = await rejection(client.chat(request("qwen2.5:7b"), { timeoutMs: 5_000 }));
    expect(failing).toMatchObject({
      kind: "http",
      status: 500,
      serverMessage: "llama runner process has terminated",
    });
    const think = await rejection(client.chat(request("llama3:8b", { think: "low" }), { timeoutMs: 5_000 }));
    expect(isThinkUnsupported(think)).toBe(true);
    // Gin's answer for a path it does not route is not a missing model.
    const noRoute = new OllamaError("http", "POST", `${sandbox.url}/api/chat`, 404, "404 page not found");
    expect(isModelNotFound(noRoute)).toBe(false);
  });

  it("reports an error sent after a 200 (mid-stream) as the server's error, not as an unreadable answer", async () => {
    const error = await rejection(client.chat(request("crashy:1b", { stream: true }), { timeoutMs: 5_000 }));
    expect(error).toMatchObject({
      kind: "http",
      status: 200,
      serverMessage: "model runner has unexpectedly stopped",
    });
    expect(error.message).toBe(
      `POST ${sandbox.url}/api/chat answered 200 with an error: model runner has unexpectedly stopped`,
    );
    expect(isModelNotFound(error)).toBe(false);
  });

  it("cuts a model that sends headers and then stalls at the timeout, body included", async () => {
    const started = performance.now();
    const error = await rejection(client.chat(request("stall:1b"), { timeoutMs: 300 }));
    expect(error.message).toBe(`POST ${sandbox.url}/api/chat got no answer within 300 ms (timeout)`);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it("never retries a chat", async () => {
    const before = client.requests;
    await rejection(client.chat(request("qwen2.5:7b"), { timeoutMs: 5_000 }));
    expect(client.requests - before).toBe(1);
  });

  it("cuts a hanging model off at the timeout", async () => {
    const started = performance.now();
    const error = await rejection(client.chat(request("stuck:1b"), { timeoutMs: 300 }));
    expect(error.kind).toBe("timeout");
    expect(error.message).toBe(`POST ${sandbox.url}/api/chat got no answer within 300 ms (timeout)`);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe("OllamaClient listings that stall or hang", () => {
  it("gives up on a listing whose body stalls after the headers, within its timeout, naming the URL", async () => {
    const stalling = new OllamaSandbox({ endpoints: { tags: "stall", ps: "hang", version: "stall" } });
    const { url } = await stalling.start();
    try {
      const quick = new OllamaClient({ baseUrl: url, listTimeoutMs: 300, connectTimeoutMs: 300 });
      for (const [call, path] of [
        [() => quick.tags(), "/api/tags"],
        [() => quick.ps(), "/api/ps"],
        [() => quick.version(), "/api/version"],
      ] as const) {
        const started = performance.now();
        const error = await rejection(call());
        expect(error.kind).toBe("timeout");
        expect(error.message).toBe(`GET ${url}${path} got no answer within 300 ms (timeout)`);
        expect(performance.now() - started).toBeLessThan(3_000);
      }
      // A timed-out listing is not tried again: the deadline covers every attempt.
      expect(quick.requests).toBe(3);
    } finally {
      await stalling.close();
    }
  });
});

describe("OllamaClient against other Ollama-like servers", () => {
  async function serve(answer: (path: string) => { status: number; body: string }): Promise<string> {
    const server = createHttpServer((incoming, response) => {
      const { status, body } = answer(incoming.url ?? "/");
      response.writeHead(status, { "content-type": "application/json" });
      response.end(body);
    });
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  }
  const servers: ReturnType<typeof createHttpServer>[] = [];
  afterAll(async () => {
    for (const server of servers) await new Promise((done) => server.close(done));
  });

  it("names listing entries by `name`, else by `model`", async () => {
    const url = await serve(() => ({
      status: 200,
      body: JSON.stringify({
        models: [
          { name: "gemma3:latest", model: "gemma3:latest" },
          { model: "phi3:3.8b" },
          { name: "", model: "qwen2.5:7b" },
          { size: 1 },
        ],
      }),
    }));
    const other = new OllamaClient({ baseUrl: url });
    expect((await other.tags()).map((model) => model.name)).toEqual([
      "gemma3:latest",
      "phi3:3.8b",
      "qwen2.5:7b",
    ]);
    expect((await other.ps()).map((model) => model.name)).toEqual([
      "gemma3:latest",
      "phi3:3.8b",
      "qwen2.5:7b",
    ]);
  });

  it("takes a 200 answer that carries `model 'x' not found` as a missing model", async () => {
    const url = await serve(() => ({
      status: 200,
      body: JSON.stringify({ error: "model 'phi3:3.8b' not found" }),
    }));
    const other = new OllamaClient({ baseUrl: url });
    const error = await rejection(other.chat(request("phi3:3.8b"), { timeoutMs: 5_000 }));
    expect(error).toMatchObject({ kind: "http", status: 200 });
    expect(isModelNotFound(error)).toBe(true);
    const listing = await rejection(other.tags());
    expect(listing.message).toBe(
      `GET ${url}/api/tags answered 200 with an error: model 'phi3:3.8b' not found`,
    );
  });
});

describe("OllamaClient's HTTP client limits", () => {
  it("sets no headers or body timeout of its own (Node's fetch stops at 300 s)", () => {
    expect(OLLAMA_DISPATCHER_LIMITS).toEqual({ headersTimeout: 0, bodyTimeout: 0 });
  });

  it("waits for headers as long as the request's own deadline allows", async () => {
    const answer = await client.chat(request("slow:1b"), { timeoutMs: 5_000 });
    expect(answer.message.content).toBe("pong");
  });

  it("reports an HTTP client's own limit as a timeout that names it, not as a lost connection", async () => {
    // A fetch with Node's kind of limits, scaled down: 200 ms where Node's fetch has 300 s
    // (undici's timers are coarse: they fire after about a second).
    const limited = new OllamaClient({
      baseUrl: sandbox.url,
      fetch: createOllamaFetch({ headersTimeout: 200, bodyTimeout: 200 }),
    });
    const headers = await rejection(limited.chat(request("slower:1b"), { timeoutMs: 5_000 }));
    expect(headers.kind).toBe("timeout");
    expect(headers.message).toBe(
      `POST ${sandbox.url}/api/chat got no answer: the HTTP client stopped waiting for the headers (its headersTimeout; 300 s in Node's fetch) (timeout)`,
    );
    const body = await rejection(limited.chat(request("stall:1b"), { timeoutMs: 5_000 }));
    expect(body.kind).toBe("timeout");
    expect(body.serverMessage).toMatch(
      /stopped waiting for the body \(its bodyTimeout; 300 s in Node's fetch\)/,
    );
  });
});

describe("OllamaClient against a server that is not there", () => {
  it("fails fast on a closed port, naming the URL and the reason, after one retry", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const attempts: string[] = [];
    const gone = new OllamaClient({
      baseUrl: url,
      connectRetryDelayMs: 50,
      onRequest: (_, target) => attempts.push(target),
    });
    const started = performance.now();
    const error = await rejection(gone.version());
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(error.kind).toBe("unreachable");
    expect(error.message).toContain(
      `GET ${url}/api/version failed: Ollama is unreachable (connect ECONNREFUSED`,
    );
    expect(attempts).toEqual([`${url}/api/version`, `${url}/api/version`]);
  });

  it("gives up on a silent server after the connect timeout, without a retry", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    try {
      const quiet = new OllamaClient({ baseUrl: url, connectTimeoutMs: 300 });
      const error = await rejection(quiet.version());
      expect(error.kind).toBe("timeout");
      expect(error.message).toBe(`GET ${url}/api/version got no answer within 300 ms (timeout)`);
      expect(quiet.requests).toBe(1);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((done) => silent.close(done));
    }
  });

  it("reports a server that is not Ollama as an unreadable answer", async () => {
    const other = createHttpServer((_, response) => response.end("<html>hello</html>"));
    await new Promise<void>((done) => other.listen(0, "127.0.0.1", done));
    const url = `http://127.0.0.1:${(other.address() as { port: number }).port}`;
    try {
      const error = await rejection(new OllamaClient({ baseUrl: url }).version());
      expect(error.kind).toBe("invalid");
      expect(error.message).toContain(
        `GET ${url}/api/version answered 200 with a body that is not an Ollama answer`,
      );
    } finally {
      await new Promise((done) => other.close(done));
    }
  });
});
