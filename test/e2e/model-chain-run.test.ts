// The model-chain job's run() in process (as the CLI calls it) against the Ollama sandbox:
// cases the action test does not need a bundle for.
import { afterEach, describe, expect, it } from "vitest";
import { type BehaviourSpec, OllamaSandbox } from "../../sandbox/ollama/index.js";
import { MemoryReporter } from "../../src/action/reporter.js";
import { commandHelp } from "../../src/cli/commands.js";
import type { ModelReportCommit } from "../../src/model-chain/commit.js";
import { run } from "../../src/model-chain/main.js";

const help = commandHelp("model-chain");

import type { ModelReport } from "../../src/model-chain/report.js";
import { OllamaClient } from "../../src/ollama/client.js";
import { closedPort, workspace } from "../harness/files.js";

let sandbox: OllamaSandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function serve(models: Record<string, BehaviourSpec>): Promise<string> {
  sandbox = new OllamaSandbox({ models });
  return (await sandbox.start()).url;
}

async function check(
  inputs: Record<string, string>,
  files: Record<string, string>,
  options: {
    env?: Record<string, string>;
    commit?: (commit: ModelReportCommit) => Promise<{ changed: boolean }>;
  } = {},
) {
  const reporter = new MemoryReporter();
  const env = { GITHUB_WORKSPACE: workspace(files), ...options.env };
  const code = await run(
    { inputs: (name) => inputs[name], reporter, env },
    options.commit ? { commitModelReport: options.commit } : {},
  );
  const models = reporter.outputs.report ? (JSON.parse(reporter.outputs.report) as ModelReport[]) : [];
  return { code, reporter, models, log: reporter.lines.join("\n") };
}

const chainOf = (...models: string[]) => ({ "model-chain.json": JSON.stringify(models) });

describe("thinking models", () => {
  it("reports a reply that has only thinking text as such, after one retry with a bigger budget", async () => {
    const url = await serve({ "qwen3:4b": { kind: "thinking-only", tokensPerSecond: 2_000 } });
    const { code, models } = await check({ config: "model-chain.json", url }, chainOf("qwen3:4b"));
    expect(code).toBe(1);
    expect(models[0]).toMatchObject({ available: true, ok: false });
    expect(models[0]?.error).toBe(
      "replied only in thinking (256 tokens, done_reason length): the token budget went to thinking, no answer (asked again with num_predict 256)",
    );
    const budgets = sandbox!.requests
      .filter((request) => request.path === "/api/chat")
      .map((request) => (request.body as { options: { num_predict: number } }).options.num_predict);
    expect(budgets).toEqual([32, 256]);
  });

  it("passes a model that ignores think: false once it has the budget to think and answer", async () => {
    const url = await serve({
      "qwen3:4b": { kind: "ignores-think", tokensPerSecond: 2_000 },
      "gpt-oss:20b": { kind: "ignores-think", tokensPerSecond: 2_000 },
    });
    const { code, models } = await check(
      { config: "model-chain.json", url, "fail-on": "degraded" },
      chainOf("gpt-oss:20b", "qwen3:4b"),
    );
    expect(code).toBe(0);
    expect(models.map((model) => [model.model, model.ok, model.error])).toEqual([
      ["gpt-oss:20b", true, null],
      ["qwen3:4b", true, null],
    ]);
    const probes = sandbox!.requests
      .filter((request) => request.path === "/api/chat")
      .map((request) => {
        const body = request.body as { model: string; think: unknown; options: { num_predict: number } };
        return [body.model, body.think, body.options.num_predict, request.status];
      });
    expect(probes).toEqual([
      ["gpt-oss:20b", "low", 32, 200],
      ["gpt-oss:20b", "low", 256, 200],
      ["qwen3:4b", false, 32, 200],
      ["qwen3:4b", false, 256, 200],
    ]);
  });

  it("sends think: false to a model without thinking, which current Ollama accepts: one request", async () => {
    const url = await serve({ "llama3:8b": "rejects-think" });
    const { code, models } = await check({ config: "model-chain.json", url }, chainOf("llama3:8b"));
    expect(code).toBe(0);
    expect(models[0]).toMatchObject({ ok: true, error: null });
    const probes = sandbox!.requests.filter((request) => request.path === "/api/chat");
    expect(probes.map((request) => [request.status, (request.body as { think?: unknown }).think])).toEqual([
      [200, false],
    ]);
  });

  it("asks again without think when the server refuses think: false (Ollama 0.12.4), within the same timeout", async () => {
    sandbox = new OllamaSandbox({ models: { "llama3:8b": "rejects-think" }, refuseThinkFalse: true });
    const { url } = await sandbox.start();
    const { code, models } = await check({ config: "model-chain.json", url }, chainOf("llama3:8b"));
    expect(code).toBe(0);
    expect(models[0]).toMatchObject({ ok: true, error: null });
    const probes = sandbox.requests.filter((request) => request.path === "/api/chat");
    expect(probes.map((request) => [request.status, "think" in (request.body as object)])).toEqual([
      [400, true],
      [200, false],
    ]);
  });
});

describe("listings that stall or hang", () => {
  it("fails within seconds, naming the URL, when /api/version sends headers and then stalls", async () => {
    sandbox = new OllamaSandbox({ models: { "phi3:3.8b": "ok" }, endpoints: { version: "stall" } });
    const { url } = await sandbox.start();
    const started = performance.now();
    const { code, log, models } = await check({ config: "model-chain.json", url }, chainOf("phi3:3.8b"));
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(code).toBe(1);
    expect(log).toContain(`Ollama at ${url} is not answering: GET /api/version got no answer in time`);
    expect(models[0]?.error).toBe("server unreachable");
  });

  it("warns, naming the URL, and probes every model when /api/tags stalls and /api/ps hangs", async () => {
    sandbox = new OllamaSandbox({
      models: { "phi3:3.8b": "ok", "hermes4:14b": "missing" },
      endpoints: { tags: "stall", ps: "hang" },
    });
    const { url } = await sandbox.start();
    const started = performance.now();
    const reporter = new MemoryReporter();
    const code = await run(
      {
        inputs: (name) => ({ config: "model-chain.json", url })[name],
        reporter,
        env: { GITHUB_WORKSPACE: workspace(chainOf("hermes4:14b", "phi3:3.8b")) },
      },
      { ollama: (base) => new OllamaClient({ baseUrl: base, listTimeoutMs: 500 }) },
    );
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(code).toBe(0);
    const log = reporter.lines.join("\n");
    expect(log).toContain(
      `cannot list installed models, probing every chain model: GET ${url}/api/tags got no answer within 500 ms (timeout)`,
    );
    expect(log).toContain(`cannot list loaded models, leaving keep_alive to the server: GET ${url}/api/ps`);
    const models = JSON.parse(reporter.outputs.report ?? "[]") as ModelReport[];
    // The missing model is found missing by its probe's 404, in current Ollama's words.
    expect(models.map((model) => [model.model, model.available, model.ok, model.error])).toEqual([
      ["hermes4:14b", false, false, "not installed (ollama pull hermes4:14b)"],
      ["phi3:3.8b", true, true, null],
    ]);
  });

  it("takes the older 404 wording for a missing model as missing too", async () => {
    sandbox = new OllamaSandbox({
      models: { "phi3:3.8b": "ok" },
      legacyNotFound: true,
      endpoints: { tags: "stall" },
    });
    const { url } = await sandbox.start();
    const reporter = new MemoryReporter();
    await run(
      {
        inputs: (name) => ({ config: "model-chain.json", url })[name],
        reporter,
        env: { GITHUB_WORKSPACE: workspace(chainOf("hermes4:14b")) },
      },
      { ollama: (base) => new OllamaClient({ baseUrl: base, listTimeoutMs: 300 }) },
    );
    const models = JSON.parse(reporter.outputs.report ?? "[]") as ModelReport[];
    expect(models[0]?.error).toBe("not installed (ollama pull hermes4:14b)");
  });
});

describe("answers as other Ollama-like servers give them", () => {
  it("reports an error sent after a 200 as the server's error", async () => {
    sandbox = new OllamaSandbox({
      models: { "phi3:3.8b": { kind: "crash", message: "model runner has unexpectedly stopped" } },
      alwaysStream: true,
    });
    const { url } = await sandbox.start();
    const { code, models } = await check({ config: "model-chain.json", url }, chainOf("phi3:3.8b"));
    expect(code).toBe(1);
    expect(models[0]).toMatchObject({
      available: true,
      ok: false,
      error: "Ollama answered 200 with an error: model runner has unexpectedly stopped",
    });
  });

  it("reads a load_duration the server left out (omitempty) as 0 ms, not unknown", async () => {
    const url = await serve({ "phi3:3.8b": { kind: "ok", loadMs: 0 } });
    const { models } = await check({ config: "model-chain.json", url }, chainOf("phi3:3.8b"));
    expect(models[0]).toMatchObject({ ok: true, load_ms: 0 });
    expect(models[0]?.total_ms).toEqual(expect.any(Number));
  });

  it("finds chain models written with the library/ namespace among the installed ones", async () => {
    const url = await serve({ "gemma3:1b": "ok" });
    const { code, models } = await check(
      { config: "model-chain.json", url },
      chainOf("library/gemma3:1b", "registry.ollama.ai/library/gemma3:1b"),
    );
    expect(code).toBe(0);
    expect(models.map((model) => model.ok)).toEqual([true, true]);
  });
});

describe("OLLAMA_HOST", () => {
  it("is read as the ollama CLI reads it: quotes and spaces dropped, 0.0.0.0 meaning loopback", async () => {
    const url = await serve({ "phi3:3.8b": "ok" });
    const port = new URL(url).port;
    for (const value of [` "0.0.0.0:${port}" `, `http://0.0.0.0:${port}/`, `:${port}`]) {
      const { code, log } = await check({ config: "model-chain.json" }, chainOf("phi3:3.8b"), {
        env: { OLLAMA_HOST: value },
      });
      expect(code).toBe(0);
      expect(log).toContain(`Checking 1 models at http://127.0.0.1:${port} (`);
    }
  });

  it("treats an empty OLLAMA_HOST as unset", async () => {
    const { log } = await check({ config: "model-chain.json", timeout: "1s" }, chainOf("phi3:3.8b"), {
      env: { OLLAMA_HOST: "" },
    });
    expect(log).toContain("Checking 1 models at http://127.0.0.1:11434 (");
  });
});

describe("the check's footprint", () => {
  it("leaves the server's memory as it found it: cold models unloaded, a loaded one kept", async () => {
    const url = await serve({ "phi3:3.8b": "ok", "gemma3:1b": { kind: "ok", loaded: true } });
    expect(sandbox!.loadedModels()).toEqual(["gemma3:1b"]);
    const { code } = await check({ config: "model-chain.json", url }, chainOf("phi3:3.8b", "gemma3:1b"));
    expect(code).toBe(0);
    expect(sandbox!.loadedModels()).toEqual(["gemma3:1b"]);
    const keepAlive = sandbox!.requests
      .filter((request) => request.path === "/api/chat")
      .map((request) => (request.body as { keep_alive?: unknown }).keep_alive);
    expect(keepAlive).toEqual([0, -1]);
  });

  it("makes three listing requests and one probe per installed chain model", async () => {
    const url = await serve({ "phi3:3.8b": "ok", gemma3: "ok" });
    const { code, models } = await check(
      { config: "model-chain.json", url },
      chainOf("hermes4:14b", "phi3:3.8b", "gemma3:latest"),
    );
    expect(code).toBe(0);
    expect(models.map((model) => model.ok)).toEqual([false, true, true]);
    // The three listings go out together, in any order; then one probe per installed model.
    const requests = sandbox!.requests.map((request) => `${request.method} ${request.path}`);
    expect(requests.slice(0, 3).sort()).toEqual(["GET /api/ps", "GET /api/tags", "GET /api/version"]);
    expect(requests.slice(3)).toEqual(["POST /api/chat", "POST /api/chat"]);
  });

  it("accepts a slow model that answers within the timeout", async () => {
    const url = await serve({ "phi3:3.8b": { kind: "slow", delayMs: 300 } });
    const { code, models } = await check(
      { config: "model-chain.json", url, timeout: "5s" },
      chainOf("phi3:3.8b"),
    );
    expect(code).toBe(0);
    expect(models[0]?.total_ms).toBeGreaterThanOrEqual(300);
  });
});

describe("inputs and config", () => {
  it("fails on an invalid fail-on, listing the valid values", async () => {
    const { code, log } = await check(
      { config: "model-chain.json", "fail-on": "often" },
      chainOf("phi3:3.8b"),
    );
    expect(code).toBe(2);
    expect(log).toContain("input 'fail-on' is 'often': expected one of down, degraded, never");
  });

  it("fails on a config without a chain, naming the key", async () => {
    const { code, log } = await check(
      {},
      { ".gitea/fleet.yml": "agents:\n  ezra:\n    keywords: [deploy]\n" },
    );
    expect(code).toBe(2);
    expect(log).toContain("model-chain: .gitea/fleet.yml: models.chain: no model chain");
  });

  it("fails on a URL that is not http(s)", async () => {
    const { code, log } = await check({ config: "model-chain.json", url: "ftp://gpu" }, chainOf("phi3:3.8b"));
    expect(code).toBe(2);
    expect(log).toContain("Ollama URL 'ftp://gpu' is not an http(s) URL");
  });

  it("fails when the config file is missing", async () => {
    const { code, log } = await check({ config: "nowhere.json" }, {});
    expect(code).toBe(2);
    expect(log).toContain("nowhere.json: config file not found in the workspace");
  });
});

describe("commit", () => {
  it("hands the report, repository and config to the state store, even when the chain is down", async () => {
    const url = await serve({ "phi3:3.8b": "error" });
    const commits: ModelReportCommit[] = [];
    const { code } = await check(
      { config: "model-chain.json", url, commit: "true", token: "t", "api-url": "http://127.0.0.1:9/api/v1" },
      chainOf("phi3:3.8b"),
      {
        env: { GITHUB_REPOSITORY: "org/fleet" },
        commit: async (commit) => {
          commits.push(commit);
          return { changed: true };
        },
      },
    );
    expect(code).toBe(1);
    expect(commits).toHaveLength(1);
    expect(commits[0]?.repo).toBe("org/fleet");
    expect(commits[0]?.report.activeModel).toBeUndefined();
    expect(commits[0]?.report.models[0]?.error).toMatch(/^Ollama answered 500/);
    expect(commits[0]?.config.source).toBe("model-chain.json");
  });

  it("needs a token and the repository to commit", async () => {
    const { code, log } = await check({ config: "model-chain.json", commit: "true" }, chainOf("phi3:3.8b"), {
      commit: async () => ({ changed: false }),
    });
    expect(code).toBe(2);
    expect(log).toContain(
      "input 'commit' is true: it needs 'token', 'api-url' (or GITHUB_API_URL) and GITHUB_REPOSITORY",
    );
  });
});

describe("help", () => {
  it("lists every option of the action", () => {
    for (const flag of ["--config", "--url", "--timeout", "--fail-on", "--commit", "--token", "--api-url"]) {
      expect(help).toContain(flag);
    }
  });

  it("says what fail-on never does with an unreachable server, as the code does", async () => {
    expect(help.replace(/\s+/g, " ")).toContain(
      "Under --fail-on never the check exits 0 whatever it finds, an unreachable server included",
    );
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { code, log } = await check(
      { config: "model-chain.json", url, "fail-on": "never" },
      chainOf("phi3:3.8b"),
    );
    expect(code).toBe(0);
    expect(log).toContain(`Ollama at ${url} is unreachable`);
  });
});
