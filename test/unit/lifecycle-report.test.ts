import { describe, expect, it } from "vitest";
import { fleetLogLines, renderFleet } from "../../src/report/fleet.js";
import { CELL_TEXT_MAX, code, escapeCell, markdownTable, md, percent } from "../../src/report/markdown.js";
import { absoluteTime, relativeTime } from "../../src/report/time.js";
import { emptyState } from "../../src/state/document.js";
import { addAgent, moveAgent } from "../../src/state/machine.js";
import { recordTask } from "../../src/state/tasks.js";

describe("markdown helpers", () => {
  it("renders a table with alignment", () => {
    expect(
      markdownTable(
        ["a", "n"],
        [
          ["x", 1],
          ["y", 22],
        ],
        ["left", "right"],
      ),
    ).toBe("| a | n |\n| --- | ---: |\n| x | 1 |\n| y | 22 |");
  });

  it("keeps untrusted text inside its cell", () => {
    expect(escapeCell("a|b\nc\\")).toBe("a\\|b c\\\\");
    expect(markdownTable(["t"], [["`x` | <b>\r\n"]])).toBe("| t |\n| --- |\n| \\`x\\` \\| &lt;b&gt; |");
    expect(escapeCell(undefined)).toBe("");
  });

  it("makes outside text inert: no HTML, code, links or mentions, and a capped length (issue 9 item 5)", () => {
    const hostile =
      "<img src=x onerror=alert(1)> <script>x</script> @everyone &#64;all [a](http://e) *b* _c_";
    const cell = escapeCell(hostile);
    for (const raw of ["<img", "<script", "@everyone", "&#64;", "[a](", "*b*", "_c_"])
      expect(cell).not.toContain(raw);
    expect(cell).toBe(
      "&lt;img src=x onerror=alert(1)&gt; &lt;script&gt;x&lt;/script&gt; @\u200beveryone &amp;#64;all \\[a\\](http://e) \\*b\\* \\_c\\_",
    );
    expect(escapeCell("x".repeat(1_000_000))).toHaveLength(CELL_TEXT_MAX);
    expect(escapeCell("a\u0000b\u001bc")).toBe("a b c");
  });

  it("keeps the code's own markdown in a cell, made table-safe", () => {
    expect(markdownTable(["agent"], [[md("@ezra")], [md(code("a|b"))], ["@ezra"]])).toBe(
      "| agent |\n| --- |\n| @ezra |\n| `a\\|b` |\n| @\u200bezra |",
    );
  });

  it("wraps code that contains backticks", () => {
    expect(code("plain")).toBe("`plain`");
    expect(code("a`b")).toBe("`` a`b ``");
    expect(percent(undefined)).toBe("–");
    expect(percent(2 / 3)).toBe("67%");
  });

  it("renders absolute and relative times", () => {
    expect(absoluteTime("2025-03-01T10:00:59Z")).toBe("2025-03-01 10:00 UTC");
    expect(absoluteTime(null)).toBe("never");
    expect(relativeTime("2025-03-01T10:00:00Z", Date.parse("2025-03-01T13:30:00Z"))).toBe(
      "3h ago (2025-03-01 10:00 UTC)",
    );
  });
});

describe("fleet dashboard", () => {
  const state = emptyState();
  const at = "2025-03-01T10:00:00Z";
  const claw = addAgent(state.agents, "claw-code", "deployed", { at, cause: "deploy command", actor: "ops" });
  moveAgent("claw-code", claw, "active", {
    at: "2025-03-01T11:00:00Z",
    cause: "heartbeat command",
    actor: "ops",
  });
  claw.lastSeen = { at: "2025-03-01T11:00:00Z", source: "heartbeat" };
  recordTask(claw, "org/app#1", "completed", "forge");
  recordTask(claw, "org/app#2", "failed", "forge");
  recordTask(claw, "org/app#3", "completed", "forge");
  recordTask(claw, "org/app#4", "assigned", "forge");
  addAgent(state.agents, "ezra", "provisioned", { at, cause: "provision command", actor: "ops" });
  state.models = {
    active: "phi3:3.8b",
    since: at,
    chain: [{ model: "phi3:3.8b", role: "fallback", available: true, ok: true, error: null }],
  };

  it("shows agents, counts, success rate, the active model and recent transitions, with no clock", () => {
    const text = renderFleet(state, { statePath: ".fleet/state.json" });
    expect(text).toContain(
      "| `claw-code` | active | 2025-03-01 11:00 UTC | 2025-03-01 11:00 UTC | heartbeat | 1 | 2 | 1 | 67% |",
    );
    expect(text).toContain("| `ezra` | provisioned | 2025-03-01 10:00 UTC | never |  | 0 | 0 | 0 | – |");
    expect(text).toContain("Active model: **`phi3:3.8b`**");
    expect(text).toContain(
      "| 2025-03-01 11:00 UTC | `claw-code` | deployed → active | heartbeat command | ops |",
    );
    expect(text).not.toMatch(/ago/);
    expect(renderFleet(state, { statePath: ".fleet/state.json" })).toBe(text);
  });

  it("uses relative ages only when asked (log and summary)", () => {
    const nowMs = Date.parse("2025-03-01T14:00:00Z");
    expect(renderFleet(state, { nowMs })).toContain("3h ago (2025-03-01 11:00 UTC)");
    expect(fleetLogLines(state, nowMs)).toEqual([
      "claw-code: active since 3h ago (2025-03-01 11:00 UTC); last seen 3h ago (2025-03-01 11:00 UTC) via heartbeat; open 1, completed 2, failed 1 (67%)",
      "ezra: provisioned since 4h ago (2025-03-01 10:00 UTC); last seen never; open 0, completed 0, failed 0 (–)",
      "active model: phi3:3.8b",
    ]);
  });

  it("renders an empty fleet", () => {
    expect(renderFleet(emptyState())).toContain("No agents yet.");
  });
});
