import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, parseConfig, resolveOllamaUrl } from "../../src/config/config.js";
import { ConfigError } from "../../src/config/errors.js";
import { parseDuration } from "../../src/util/duration.js";

const SPEC_EXAMPLE = `repos: [org/app, org/infra]        # monitored repos; default: the current repository
agents:
  claw-code:
    keywords: [refactor, typescript, bug, test]   # or a map keyword -> weight
    max-open: 5                                    # optional capacity across monitored repos
  ezra:
    keywords: { deploy: 3, server: 2, infra: 2, ci: 1 }
  timmy: {}                  # SPEC's example omits it, but the fallback must be a listed agent
delegation:
  fallback: timmy            # agent for issues nothing matches; omit to leave them unassigned
  skip-labels: [no-agent]    # issues with any of these labels are never delegated
  comment: true              # comment on each delegated issue
  ignore-authors: [renovate-bot]   # issues opened by these users are left alone
models:
  url: http://127.0.0.1:11434
  chain:
    - { model: hermes4:14b, role: primary }
    - { model: qwen2.5:7b, role: fallback }
    - { model: phi3:3.8b, role: fallback }
    - { model: gemma3:1b, role: last-resort }
  timeout: 120s              # per model, cold load included
lifecycle:
  idle-after: 24h
  state-path: .fleet/state.json
  dashboard-path: .fleet/FLEET.md
`;

function errorOf(file: string, text: string): ConfigError {
  try {
    parseConfig(file, text);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected a ConfigError");
}

describe("config", () => {
  it("reads SPEC's example", () => {
    const config = parseConfig(".gitea/fleet.yml", SPEC_EXAMPLE);
    expect(config.repos).toEqual(["org/app", "org/infra"]);
    expect(config.agents.map((agent) => agent.name)).toEqual(["claw-code", "ezra", "timmy"]);
    expect([...config.agents[1]!.keywords]).toEqual([
      ["deploy", 3],
      ["server", 2],
      ["infra", 2],
      ["ci", 1],
    ]);
    expect(config.agents[0]!.maxOpen).toBe(5);
    expect(config.delegation).toMatchObject({
      fallback: "timmy",
      skipLabels: ["no-agent"],
      ignoreAuthors: ["renovate-bot"],
    });
    expect(config.models?.chain.map((entry) => entry.model)).toEqual([
      "hermes4:14b",
      "qwen2.5:7b",
      "phi3:3.8b",
      "gemma3:1b",
    ]);
    expect(config.models?.timeoutMs).toBe(120_000);
    expect(config.lifecycle.idleAfterMs).toBe(86_400_000);
  });

  it("fills defaults for an almost empty file", () => {
    const config = parseConfig("fleet.yml", "agents: {}\n");
    expect(config.repos).toBeUndefined();
    expect(config.delegation).toMatchObject({ comment: true, skipLabels: ["no-agent"], fallback: undefined });
    expect(config.lifecycle).toMatchObject({
      statePath: ".fleet/state.json",
      dashboardPath: ".fleet/FLEET.md",
    });
  });

  it("names file, line, column and key of an unknown key", () => {
    const error = errorOf(".gitea/fleet.yml", "agents:\n  ezra:\n    keywords: [deploy]\n    max_open: 3\n");
    expect(error.message).toBe('.gitea/fleet.yml:4:5: agents.ezra.max_open: unknown key "max_open"');
  });

  it("names the position of a bad value", () => {
    const error = errorOf("fleet.yml", "lifecycle:\n  idle-after: soon\n");
    expect(error).toMatchObject({ line: 2, column: 15, key: "lifecycle.idle-after" });
    expect(error.message).toContain("a duration like 90s, 15m, 24h or 2d");
    expect(errorOf("fleet.yml", "agents:\n  ezra:\n    keywords: { deploy: -1 }\n")).toMatchObject({
      line: 3,
      column: 25,
      key: "agents.ezra.keywords.deploy",
    });
  });

  it("rejects a fallback that is not a listed agent, at its position, with the likely name", () => {
    const error = errorOf(
      ".gitea/fleet.yml",
      "agents:\n  timmy: {}\n  ezra: {}\ndelegation:\n  fallback: timy\n",
    );
    expect(error.message).toBe(
      '.gitea/fleet.yml:5:13: delegation.fallback: "timy" is not an agent listed under `agents`; did you mean "timmy"?',
    );
    expect(errorOf("fleet.yml", "agents:\n  ezra: {}\ndelegation:\n  fallback: bob\n").message).toContain(
      '"bob" is not an agent listed under `agents` (agents: ezra)',
    );
    // Logins ignore case: a fallback spelled `Timmy` is the listed `timmy`.
    expect(
      parseConfig("fleet.yml", "agents:\n  timmy: {}\ndelegation:\n  fallback: Timmy\n").delegation.fallback,
    ).toBe("Timmy");
  });

  it("rejects two agents that differ only in letter case, naming the second", () => {
    const error = errorOf(
      "fleet.yml",
      "agents:\n  ezra:\n    keywords: [deploy]\n  Ezra:\n    keywords: [ci]\n",
    );
    expect(error).toMatchObject({ line: 4, column: 3, key: "agents.Ezra" });
    expect(error.message).toContain('"Ezra" and "ezra" are one forge login');
  });

  it("rejects state-path and dashboard-path naming one file, however it is spelled", () => {
    const error = errorOf(
      "fleet.yml",
      "lifecycle:\n  state-path: .fleet/state.json\n  dashboard-path: ./.fleet//state.json\n",
    );
    expect(error).toMatchObject({ line: 3, column: 19, key: "lifecycle.dashboard-path" });
    expect(error.message).toContain('state-path and dashboard-path are both ".fleet/state.json"');
    // Only state-path written, equal to the default dashboard path: blamed where it was written.
    expect(errorOf("fleet.yml", "lifecycle:\n  state-path: .fleet/FLEET.md\n")).toMatchObject({
      line: 2,
      key: "lifecycle.state-path",
    });
  });

  it("reports YAML syntax errors with their position", () => {
    const error = errorOf("fleet.yml", "agents:\n  ezra: [unclosed\n");
    expect(error.line).toBeGreaterThanOrEqual(2);
    expect(error.message).toMatch(/^fleet\.yml:\d+:\d+: invalid YAML/);
    expect(errorOf("fleet.yml", "a: 1\na: 2\n").message).toMatch(/^fleet\.yml:2:1: invalid YAML/);
  });

  it("reads a .json path as JSON, with positions", () => {
    expect(parseConfig("fleet.json", '{"agents": {"ezra": {"keywords": ["deploy"]}}}').agents[0]!.name).toBe(
      "ezra",
    );
    const error = errorOf("fleet.json", '{\n  "agents": {\n    "ezra": {"keyword": ["deploy"]}\n  }\n}');
    expect(error.message).toBe('fleet.json:3:14: agents.ezra.keyword: unknown key "keyword"');
    expect(errorOf("fleet.json", '{\n  "agents": ,\n}').message).toMatch(/^fleet\.json:2:\d+: invalid JSON/);
  });

  it("accepts both model-chain.json forms", () => {
    const bare = parseConfig("model-chain.json", '["hermes4:14b", "gemma3:1b"]');
    expect(bare.models?.chain).toMatchObject([
      { model: "hermes4:14b", role: "primary" },
      { model: "gemma3:1b", role: "fallback" },
    ]);
    const object = parseConfig(
      "model-chain.json",
      '{"chain": [{"model": "phi3:3.8b", "role": "primary", "expect": "pong"}]}',
    );
    expect(object.models?.chain).toMatchObject([{ model: "phi3:3.8b", role: "primary", expect: "pong" }]);
    expect(errorOf("model-chain.json", '{"chain": [{"model": "x", "weight": 2}]}').key).toBe(
      "chain[0].weight",
    );
    expect(errorOf("model-chain.json", "[]").message).toContain("at least one model");
  });

  it("loads from the workspace first, else through the remote reader, else says where it looked", async () => {
    const workspace = mkdtempSync(join(tmpdir(), "fleet-config-"));
    const remote = async () => "agents: { timmy: {} }\n";
    expect(
      (await loadConfig({ path: ".gitea/fleet.yml", workspace, readRemote: remote, remoteName: "org/fleet" }))
        .source,
    ).toBe("org/fleet:.gitea/fleet.yml");
    mkdirSync(join(workspace, ".gitea"));
    writeFileSync(join(workspace, ".gitea/fleet.yml"), "agents: { ezra: {} }\n");
    const local = await loadConfig({ path: ".gitea/fleet.yml", workspace, readRemote: remote });
    expect(local.agents[0]!.name).toBe("ezra");
    await expect(
      loadConfig({
        path: "missing.yml",
        workspace,
        readRemote: async () => undefined,
        remoteName: "org/fleet",
      }),
    ).rejects.toThrow(
      "missing.yml: config file not found in the workspace nor in org/fleet's default branch",
    );
  });

  it("parses durations and the Ollama URL precedence", () => {
    expect([parseDuration("90s"), parseDuration("15m"), parseDuration("24h"), parseDuration("2d")]).toEqual([
      90_000, 900_000, 86_400_000, 172_800_000,
    ]);
    expect(parseDuration("0s")).toBeUndefined();
    expect(parseDuration("1w")).toBeUndefined();
    expect(resolveOllamaUrl(undefined, undefined, { OLLAMA_HOST: "gpu-box:11434" })).toBe(
      "http://gpu-box:11434",
    );
    expect(resolveOllamaUrl(undefined, undefined, {})).toBe("http://127.0.0.1:11434");
    expect(resolveOllamaUrl("http://x:1/", undefined, { OLLAMA_HOST: "y" })).toBe("http://x:1");
  });
});

describe("resolveOllamaUrl reads OLLAMA_HOST as ollama's envconfig.ConnectableHost does", () => {
  // The cases of ollama's own TestHost and TestConnectableHost (envconfig/config_test.go).
  it.each([
    ["1.2.3.4", "http://1.2.3.4:11434"],
    [":1234", "http://127.0.0.1:1234"],
    ["1.2.3.4:1234", "http://1.2.3.4:1234"],
    ["example.com", "http://example.com:11434"],
    ["example.com:1234", "http://example.com:1234"],
    [":0", "http://127.0.0.1:0"],
    [":66000", "http://127.0.0.1:11434"],
    [":-1", "http://127.0.0.1:11434"],
    ["[::1]", "http://[::1]:11434"],
    ["::1", "http://[::1]:11434"],
    ["[::1]:1337", "http://[::1]:1337"],
    [" 1.2.3.4 ", "http://1.2.3.4:11434"],
    ['"1.2.3.4"', "http://1.2.3.4:11434"],
    [' " 1.2.3.4 " ', "http://1.2.3.4:11434"],
    ["'1.2.3.4'", "http://1.2.3.4:11434"],
    ["http://1.2.3.4", "http://1.2.3.4:80"],
    ["http://1.2.3.4:4321", "http://1.2.3.4:4321"],
    ["https://1.2.3.4", "https://1.2.3.4:443"],
    ["https://1.2.3.4:4321", "https://1.2.3.4:4321"],
    ["https://example.com/ollama", "https://example.com:443/ollama"],
    ["https://example.com/ollama/", "https://example.com:443/ollama"],
    ["ollama.com", "https://ollama.com:443"],
    ["gpu-box:11434", "http://gpu-box:11434"],
    ["gpu-box:port", "http://gpu-box:11434"],
    // ConnectableHost: the bind-all addresses `ollama serve` listens on mean loopback.
    ["0.0.0.0", "http://127.0.0.1:11434"],
    ["0.0.0.0:1234", "http://127.0.0.1:1234"],
    ["[::]", "http://[::1]:11434"],
    ["::", "http://[::1]:11434"],
    ["[::]:1234", "http://[::1]:1234"],
    ["https://0.0.0.0:4321", "https://127.0.0.1:4321"],
    ["192.168.1.5:8080", "http://192.168.1.5:8080"],
  ])("OLLAMA_HOST=%j -> %s", (value, url) => {
    expect(resolveOllamaUrl(undefined, undefined, { OLLAMA_HOST: value })).toBe(url);
  });

  it("treats an empty or blank OLLAMA_HOST as unset", () => {
    for (const value of ["", "  ", '""', "''"])
      expect(resolveOllamaUrl(undefined, undefined, { OLLAMA_HOST: value })).toBe("http://127.0.0.1:11434");
  });

  it("keeps the url input and models.url as URLs, over OLLAMA_HOST", () => {
    const config = parseConfig("fleet.yml", "models:\n  url: http://gpu:8080/\n  chain: [a]\n");
    expect(resolveOllamaUrl(undefined, config, { OLLAMA_HOST: "other" })).toBe("http://gpu:8080");
    expect(resolveOllamaUrl("https://proxy.example/ollama//", config, {})).toBe(
      "https://proxy.example/ollama",
    );
    // No default port added to a URL the user wrote out, and no envconfig rules applied to it.
    expect(resolveOllamaUrl("gpu-box", undefined, {})).toBe("http://gpu-box");
    expect(resolveOllamaUrl(undefined, undefined, { OLLAMA_HOST: "gpu-box" })).toBe("http://gpu-box:11434");
  });
});
