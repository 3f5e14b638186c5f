import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { keywordPattern, scoreAgents } from "../../src/delegate/score.js";

const config = parseConfig(
  "fleet.yml",
  `agents:
  claw-code:
    keywords: [refactor, typescript, bug, test]
  ezra:
    keywords: { deploy: 3, server: 2, infra: 2, ci: 1 }
  gemini:
    keywords: [docs, "c++", node.js]
`,
);

function scoreOf(title: string, body = "") {
  return Object.fromEntries(
    scoreAgents({ title, body }, config.agents, 3).map((entry) => [entry.agent, entry]),
  );
}

describe("keyword scoring", () => {
  it("scores every agent on all keywords: 'deploy new server config' goes to ezra", () => {
    const scores = scoreOf("deploy new server config");
    expect(scores.ezra).toEqual({ agent: "ezra", score: 3 * 3 + 2 * 3, matched: ["deploy", "server"] });
    expect(scores["claw-code"]!.score).toBe(0);
  });

  it("matches whole words only, case-insensitively", () => {
    expect(scoreOf("Debug the TESTING harness").ezra!.score).toBe(0);
    expect(scoreOf("debugger crashes")["claw-code"]!.matched).toEqual([]);
    expect(scoreOf("A BUG in TypeScript")["claw-code"]!.matched).toEqual(["typescript", "bug"]);
    expect(scoreOf("testament").ezra!.matched).toEqual([]);
    expect(scoreOf("testament")["claw-code"]!.matched).toEqual([]);
  });

  it("accepts plurals and inflections of longer keywords but not of short ones", () => {
    expect(scoreOf("two bugs")["claw-code"]!.matched).toEqual(["bug"]);
    expect(scoreOf("deploying servers").ezra!.matched).toEqual(["deploy", "server"]);
    expect(keywordPattern("ci").test("cing")).toBe(false);
    expect(keywordPattern("go").test("going")).toBe(false);
  });

  it("handles keywords with punctuation", () => {
    expect(scoreOf("port to C++ and Node.js").gemini!.matched).toEqual(["c++", "node.js"]);
    expect(scoreOf("nodeXjs").gemini!.matched).toEqual([]);
  });

  it("weights the title above the body and counts a keyword once per field", () => {
    expect(scoreOf("", "deploy deploy deploy").ezra!.score).toBe(3);
    expect(scoreOf("deploy", "").ezra!.score).toBe(9);
    expect(scoreOf("deploy", "deploy").ezra!.score).toBe(12);
  });

  it("treats hostile text as data", () => {
    const scores = scoreOf('$(touch /tmp/x) "; rm -rf ~; " `deploy`', "(a+)+$".repeat(1000));
    expect(scores.ezra!.matched).toEqual(["deploy"]);
  });
});

describe("multi-word keywords", () => {
  it("match across any white space, whole words only", () => {
    const pattern = keywordPattern("pull request");
    expect(pattern.test("a Pull\n  Request template")).toBe(true);
    expect(pattern.test("two pull requests")).toBe(true);
    expect(pattern.test("pull requestor")).toBe(false);
    expect(pattern.test("pullrequest")).toBe(false);
  });
});
