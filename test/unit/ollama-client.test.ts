// The Ollama client against the loopback sandbox, a silent TCP server and a closed port.
import { createServer as createHttpServer } from "node:http";
import { createServer, type Server, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OllamaClient } from "../../src/ollama/client.js";
import { isModelNotFound, isThinkUnsupported, OllamaError } from "../../src/ollama/errors.js";
import type { ChatRequest } from "../../src/ollama/types.js";
import { OllamaSandbox } from "../../src/sandbox/ollama/index.js";
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
    expect(missing.message).toBe(
      `POST ${sandbox.url}/api/chat answered 404: model "hermes4:14b" not found, try pulling it first`,
    );
    const failing = await rejection(client.chat(request("qwen2.5:7b"), { timeoutMs: 5_000 }));
    expect(failing).toMatchObject({
      kind: "http",
      status: 500,
      serverMessage: "llama runner process has terminated",
    });
    const think = await rejection(client.chat(request("llama3:8b", { think: false }), { timeoutMs: 5_000 }));
    expect(isThinkUnsupported(think)).toBe(true);
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
