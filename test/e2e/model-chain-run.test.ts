// The model-chain job's run() in process (as the CLI calls it) against the Ollama sandbox:
// cases the action test does not need a bundle for.
import { afterEach, describe, expect, it } from "vitest";
import { MemoryReporter } from "../../src/action/reporter.js";
import type { ModelReportCommit } from "../../src/model-chain/commit.js";
import { help, run } from "../../src/model-chain/main.js";
import type { ModelReport } from "../../src/model-chain/report.js";
import { type BehaviourSpec, OllamaSandbox } from "../../src/sandbox/ollama/index.js";
import { workspace } from "../harness/files.js";

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
  it("reports a reply that has only thinking text as such", async () => {
    const url = await serve({ "qwen3:4b": "thinking-only" });
    const { code, models } = await check({ config: "model-chain.json", url }, chainOf("qwen3:4b"));
    expect(code).toBe(1);
    expect(models[0]).toMatchObject({ available: true, ok: false });
    expect(models[0]?.error).toBe(
      "replied only in thinking (32 tokens, done_reason length): the token budget went to thinking, no answer",
    );
  });

  it("asks again without think when the server refuses it, within the same timeout", async () => {
    const url = await serve({ "llama3:8b": "rejects-think" });
    const { code, models } = await check({ config: "model-chain.json", url }, chainOf("llama3:8b"));
    expect(code).toBe(0);
    expect(models[0]).toMatchObject({ ok: true, error: null });
    const probes = sandbox!.requests.filter((request) => request.path === "/api/chat");
    expect(probes.map((request) => [request.status, "think" in (request.body as object)])).toEqual([
      [400, true],
      [200, false],
    ]);
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
    expect(sandbox!.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/version",
      "GET /api/tags",
      "GET /api/ps",
      "POST /api/chat",
      "POST /api/chat",
    ]);
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
});
