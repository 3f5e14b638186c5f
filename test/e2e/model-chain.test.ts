// The model-chain action end to end: action.yml's step run for real with bash and the bundle,
// against the Ollama sandbox on loopback.
import { afterEach, describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import { type BehaviourSpec, OllamaSandbox } from "../../sandbox/ollama/index.js";
import type { ModelReport } from "../../src/model-chain/report.js";
import { parseState } from "../../src/state/document.js";
import { runAction } from "../harness/action.js";
import { closedPort, workspace } from "../harness/files.js";

const SPEC_CHAIN = [
  { model: "hermes4:14b", role: "primary" },
  { model: "qwen2.5:7b", role: "fallback" },
  { model: "phi3:3.8b", role: "fallback" },
  { model: "gemma3:1b", role: "last-resort" },
];

let sandbox: OllamaSandbox | undefined;

afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function serve(models: Record<string, BehaviourSpec>): Promise<string> {
  sandbox = new OllamaSandbox({ models });
  return (await sandbox.start()).url;
}

function chainFile(chain: unknown): string {
  return workspace({ "model-chain.json": `${JSON.stringify(chain, null, 2)}\n` });
}

function report(outputs: Record<string, string>): ModelReport[] {
  return JSON.parse(outputs.report ?? "") as ModelReport[];
}

describe("model-chain action", () => {
  it("picks the first model that answers and gives each failing model its reason", async () => {
    const url = await serve({
      "hermes4:14b": "missing",
      "qwen2.5:7b": "error",
      "phi3:3.8b": "ok",
      "gemma3:1b": "ok",
    });
    const run = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url },
      workspace: chainFile({ chain: SPEC_CHAIN }),
    });
    expect(run.code).toBe(0);
    expect(run.outputs["active-model"]).toBe("phi3:3.8b");
    expect(JSON.parse(run.outputs.healthy ?? "")).toEqual(["phi3:3.8b", "gemma3:1b"]);
    const [hermes, qwen, phi3, gemma] = report(run.outputs);
    expect(hermes).toEqual({
      model: "hermes4:14b",
      role: "primary",
      available: false,
      ok: false,
      error: "not installed (ollama pull hermes4:14b)",
      load_ms: null,
      total_ms: null,
      tokens_per_s: null,
    });
    expect(qwen).toMatchObject({ model: "qwen2.5:7b", available: true, ok: false });
    expect(qwen?.error).toBe("Ollama answered 500: llama runner process has terminated: signal: killed");
    expect(phi3).toMatchObject({
      model: "phi3:3.8b",
      role: "fallback",
      available: true,
      ok: true,
      error: null,
    });
    expect(phi3?.load_ms).toBeGreaterThanOrEqual(20);
    expect(phi3?.tokens_per_s).toBeGreaterThan(0);
    expect(gemma).toMatchObject({ model: "gemma3:1b", role: "last-resort", ok: true });
    // The table is in the log (Gitea shows no summary before 1.27) and in the step summary.
    expect(run.stdout).toMatch(/hermes4:14b\s+primary\s+no\s+no\s+-\s+-\s+not installed/);
    expect(run.stdout).toContain(
      "model chain is degraded: 2 of 4 models failed (hermes4:14b, qwen2.5:7b); active model phi3:3.8b",
    );
    expect(run.summary).toContain("### Model chain: `phi3:3.8b` is active");
    expect(run.summary).toContain("| `qwen2.5:7b` | fallback | yes | ❌ | Ollama answered 500");
    // The missing model is not probed; the others are, once each, in chain order.
    const probes = sandbox!.requests.filter((request) => request.path === "/api/chat");
    expect(probes.map((request) => (request.body as { model: string }).model)).toEqual([
      "qwen2.5:7b",
      "phi3:3.8b",
      "gemma3:1b",
    ]);
    expect(probes[0]!.body).toMatchObject({
      stream: false,
      think: false,
      options: { num_predict: 32, seed: 42, temperature: 0 },
    });
  });

  it("fails when every model is down under fail-on down, and not under never", async () => {
    const url = await serve({ "qwen2.5:7b": "error", "phi3:3.8b": "empty" });
    const ws = chainFile(SPEC_CHAIN.map((entry) => entry.model));
    const down = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url },
      workspace: ws,
    });
    expect(down.code).toBe(1);
    expect(down.stdout).toContain(
      "Error: model-chain: model chain is down: none of the 4 models answered (fail-on: down)",
    );
    expect(down.outputs["active-model"]).toBe("");
    expect(down.outputs.healthy).toBe("[]");
    expect(report(down.outputs).map((entry) => entry.error)).toEqual([
      "not installed (ollama pull hermes4:14b)",
      "Ollama answered 500: llama runner process has terminated: signal: killed",
      "empty reply",
      "not installed (ollama pull gemma3:1b)",
    ]);
    const never = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url, "fail-on": "never" },
      workspace: ws,
    });
    expect(never.code).toBe(0);
    expect(never.outputs["active-model"]).toBe("");
    expect(never.stdout).toContain("model chain is down: none of the 4 models answered");
  });

  it("fails on one failing model under fail-on degraded", async () => {
    const url = await serve({
      "hermes4:14b": "ok",
      "qwen2.5:7b": "error",
      "phi3:3.8b": "ok",
      "gemma3:1b": "ok",
    });
    const ws = chainFile({ chain: SPEC_CHAIN });
    const degraded = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url, "fail-on": "degraded" },
      workspace: ws,
    });
    expect(degraded.code).toBe(1);
    expect(degraded.outputs["active-model"]).toBe("hermes4:14b");
    expect(degraded.stdout).toContain("model chain is degraded: 1 of 4 models failed (qwen2.5:7b)");
    const down = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url, "fail-on": "down" },
      workspace: ws,
    });
    expect(down.code).toBe(0);
  });

  it("cuts a hanging model off at the configured timeout and still reports the rest of the chain", async () => {
    const url = await serve({ "stuck:14b": "hang", "phi3:3.8b": "ok", "gemma3:1b": "ok" });
    const ws = chainFile(["stuck:14b", "phi3:3.8b", "gemma3:1b"]);
    const started = performance.now();
    const run = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url, timeout: "1s" },
      workspace: ws,
    });
    const elapsed = performance.now() - started;
    expect(run.code).toBe(0);
    expect(report(run.outputs).map((entry) => [entry.model, entry.ok, entry.error])).toEqual([
      ["stuck:14b", false, "no answer within 1s (timeout)"],
      ["phi3:3.8b", true, null],
      ["gemma3:1b", true, null],
    ]);
    expect(run.outputs["active-model"]).toBe("phi3:3.8b");
    expect(elapsed).toBeGreaterThanOrEqual(1_000);
    // Generous bound: the hang costs the timeout, not the 120s default.
    expect(elapsed).toBeLessThan(15_000);
  });

  it("fails within seconds on an unreachable server, naming the URL", async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const started = performance.now();
    const run = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url },
      workspace: chainFile(["phi3:3.8b"]),
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Error: model-chain: Ollama at ${url} is unreachable: connect ECONNREFUSED`);
    expect(report(run.outputs)).toEqual([
      expect.objectContaining({
        model: "phi3:3.8b",
        available: false,
        ok: false,
        error: "server unreachable",
      }),
    ]);
  });

  it("fails within seconds, naming the URL, when /api/version sends headers and then stalls", async () => {
    sandbox = new OllamaSandbox({ models: { "phi3:3.8b": "ok" }, endpoints: { version: "stall" } });
    const { url } = await sandbox.start();
    const started = performance.now();
    const run = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url },
      workspace: chainFile(["phi3:3.8b"]),
    });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      `Error: model-chain: Ollama at ${url} is not answering: GET /api/version got no answer in time`,
    );
  });

  it("passes a model that spends the first budget thinking, with the bundle's HTTP client", async () => {
    const url = await serve({ "gpt-oss:20b": { kind: "ignores-think", tokensPerSecond: 2_000 } });
    const run = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url },
      workspace: chainFile(["gpt-oss:20b"]),
    });
    expect(run.code).toBe(0);
    expect(run.outputs["active-model"]).toBe("gpt-oss:20b");
  });

  it("fails a garbage reply on the expected-answer check", async () => {
    const url = await serve({ "phi3:3.8b": "garbage", "gemma3:1b": "ok" });
    const ws = workspace({
      ".gitea/fleet.yml": [
        "models:",
        "  prompt: 'Reply with the single word: pong'",
        "  expect: pong",
        "  chain:",
        "    - { model: phi3:3.8b, role: primary }",
        "    - { model: gemma3:1b, role: last-resort }",
      ].join("\n"),
    });
    const run = await runAction("model-chain", { inputs: { url, "fail-on": "degraded" }, workspace: ws });
    expect(run.code).toBe(1);
    const [phi3, gemma] = report(run.outputs);
    expect(phi3?.ok).toBe(false);
    expect(phi3?.available).toBe(true);
    expect(phi3?.error).toMatch(/^reply ".*" does not contain "pong"$/);
    expect(phi3?.tokens_per_s).toBeGreaterThan(0);
    expect(gemma?.ok).toBe(true);
  });

  it("rejects a bad chain file as a config error naming file:line:col, before any request", async () => {
    const url = await serve({ "phi3:3.8b": "ok" });
    const ws = workspace({
      "model-chain.json": '{\n  "chain": [\n    {"model": "phi3:3.8b", "rol": "primary"}\n  ]\n}\n',
    });
    const run = await runAction("model-chain", {
      inputs: { config: "model-chain.json", url },
      workspace: ws,
    });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      'Error: model-chain: model-chain.json:3:28: chain[0].rol: unknown key "rol"',
    );
    expect(run.outputs.report).toBe("");
    expect(sandbox!.requests).toEqual([]);
  });

  it("reads OLLAMA_HOST as the ollama CLI does: 0.0.0.0 (what ollama serve binds) means loopback", async () => {
    const url = await serve({ "phi3:3.8b": "ok" });
    const ws = workspace({ ".gitea/fleet.yml": "models:\n  chain: [phi3:3.8b]\n" });
    const run = await runAction("model-chain", {
      workspace: ws,
      env: { OLLAMA_HOST: `0.0.0.0:${new URL(url).port}` },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Checking 1 models at ${url} (`);
  });

  it("honours OLLAMA_HOST (a bare host:port, as the ollama CLI takes it) and the config's timeout", async () => {
    const url = await serve({ "phi3:3.8b": "ok" });
    const ws = workspace({ ".gitea/fleet.yml": "models:\n  chain: [phi3:3.8b]\n  timeout: 30s\n" });
    const run = await runAction("model-chain", {
      workspace: ws,
      env: { OLLAMA_HOST: url.replace("http://", "") },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Checking 1 models at ${url} (timeout 30s each; config .gitea/fleet.yml)`);
    expect(run.outputs["active-model"]).toBe("phi3:3.8b");
  });

  it("prefers the url input over the config's models.url", async () => {
    const url = await serve({ "gemma3:1b": "ok" });
    const ws = workspace({
      ".gitea/fleet.yml": `models:\n  url: http://127.0.0.1:${await closedPort()}\n  chain: [gemma3:1b]\n`,
    });
    const run = await runAction("model-chain", { inputs: { url }, workspace: ws });
    expect(run.code).toBe(0);
    expect(run.outputs["active-model"]).toBe("gemma3:1b");
  });

  it("commits the outcome into the fleet state once, reading the config without a checkout", async () => {
    const url = await serve({
      "hermes4:14b": "missing",
      "qwen2.5:7b": "error",
      "phi3:3.8b": "ok",
      "gemma3:1b": "ok",
    });
    const gitea = new GiteaSandbox();
    try {
      const { token } = gitea.addUser("fleet-bot");
      gitea.addRepo("org/fleet", { collaborators: { "fleet-bot": "write" } });
      const chain = SPEC_CHAIN.map((entry) => `    - { model: ${entry.model}, role: ${entry.role} }`).join(
        "\n",
      );
      gitea.putFile("org/fleet", ".gitea/fleet.yml", `models:\n  url: ${url}\n  chain:\n${chain}\n`);
      const { apiUrl } = await gitea.start();
      const check = () =>
        runAction("model-chain", {
          inputs: { commit: "true" },
          github: { token, api_url: apiUrl },
          env: { GITHUB_REPOSITORY: "org/fleet" },
          workspace: workspace({}),
        });
      const first = await check();
      expect(first.code).toBe(0);
      expect(first.stdout).toContain("config org/fleet:.gitea/fleet.yml");
      const stateCommits = () =>
        gitea.commits("org/fleet").filter((commit) => commit.files.includes(".fleet/state.json"));
      expect(stateCommits()).toHaveLength(1);
      expect(stateCommits()[0]!.message).toMatch(/\[skip ci\]$/);
      const state = parseState(".fleet/state.json", gitea.file("org/fleet", ".fleet/state.json")!.text);
      expect(state.models?.active).toBe("phi3:3.8b");
      expect(state.models?.chain.map((model) => [model.model, model.ok])).toEqual([
        ["hermes4:14b", false],
        ["qwen2.5:7b", false],
        ["phi3:3.8b", true],
        ["gemma3:1b", true],
      ]);
      // Same outcome, other timings: nothing to commit.
      const second = await check();
      expect(second.code).toBe(0);
      expect(stateCommits()).toHaveLength(1);
    } finally {
      await gitea.close();
    }
  });
});
