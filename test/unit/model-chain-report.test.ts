import { describe, expect, it } from "vitest";
import { type ChainReport, renderLogTable, renderSummary, reportJson } from "../../src/model-chain/report.js";

const report: ChainReport = {
  url: "http://127.0.0.1:11434",
  serverVersion: "0.12.6",
  serverError: undefined,
  models: [
    {
      model: "hermes4:14b",
      role: "primary",
      available: false,
      ok: false,
      error: "not installed (ollama pull hermes4:14b)",
      load_ms: null,
      total_ms: null,
      tokens_per_s: null,
      status: "missing",
    },
    {
      model: "phi3:3.8b",
      role: "fallback",
      available: true,
      ok: true,
      error: null,
      load_ms: 1830,
      total_ms: 2410,
      tokens_per_s: 38.25,
      status: "ok",
    },
    {
      model: "odd|model",
      role: "last-resort",
      available: true,
      ok: false,
      error: 'reply "<b>x</b> | y\nz" does not contain "pong"',
      load_ms: 4,
      total_ms: 90,
      tokens_per_s: 12,
      status: "unexpected",
    },
  ],
  activeModel: "phi3:3.8b",
  healthy: ["phi3:3.8b"],
};

describe("reportJson", () => {
  it("has exactly SPEC's fields per model, in chain order", () => {
    const json = reportJson(report);
    expect(json.map((entry) => Object.keys(entry))).toEqual(
      Array(3).fill(["model", "role", "available", "ok", "error", "load_ms", "total_ms", "tokens_per_s"]),
    );
    expect(json.map((entry) => entry.model)).toEqual(["hermes4:14b", "phi3:3.8b", "odd|model"]);
    expect(json[1]).toMatchObject({ ok: true, error: null, load_ms: 1830, tokens_per_s: 38.25 });
  });
});

describe("renderLogTable", () => {
  it("aligns columns and puts the reason last", () => {
    const lines = renderLogTable(report);
    expect(lines[0]).toBe(
      "Ollama 0.12.6 at http://127.0.0.1:11434: 1 of 3 models healthy, active model phi3:3.8b",
    );
    expect(lines[1]).toBe("model        role         installed  ok   load ms  tokens/s  reason");
    expect(lines[2]).toBe(
      "hermes4:14b  primary      no         no         -         -  not installed (ollama pull hermes4:14b)",
    );
    expect(lines[3]).toBe("phi3:3.8b    fallback     yes        yes     1830      38.3  ok");
  });
});

describe("renderSummary", () => {
  it("names the active model and shows SPEC's columns", () => {
    const markdown = renderSummary(report, "down");
    expect(markdown).toContain("### Model chain: `phi3:3.8b` is active");
    expect(markdown).toContain("| model | role | installed | ok | reason | load ms | tokens/s |");
    expect(markdown).toContain("| `phi3:3.8b` | fallback | yes | ✅ | ok | 1830 | 38.3 |");
    expect(markdown).toContain("fail-on: down");
  });

  it("keeps server and reply text from breaking the table or adding HTML", () => {
    const row = renderSummary(report, "down")
      .split("\n")
      .find((line) => line.startsWith("| `odd|model`"));
    expect(row).toBe(
      '| `odd|model` | last-resort | yes | ❌ | reply "&lt;b>x&lt;/b> \\| y z" does not contain "pong" | 4 | 12.0 |',
    );
  });

  it("says so when no model answered", () => {
    const down = {
      ...report,
      activeModel: undefined,
      healthy: [],
      serverError: "Ollama at http://x is unreachable",
    };
    const markdown = renderSummary(down, "never");
    expect(markdown).toContain("### Model chain: no model answered");
    expect(markdown).toContain("**Ollama at http://x is unreachable**");
  });
});
