import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { delegationComment, hasMarker, marker } from "../../src/delegate/comment.js";
import { needsWorkload, pickAgent, rankAgents, skipReason } from "../../src/delegate/decide.js";
import type { Issue } from "../../src/forge/types.js";

const config = parseConfig(
  "fleet.yml",
  `agents:
  claw-code:
    keywords: [refactor, typescript, bug, test]
    max-open: 2
  ezra:
    keywords: { deploy: 3, server: 2, infra: 2, ci: 1 }
  gemini:
    keywords: [bug, test]
  timmy: {}
delegation:
  fallback: timmy
  skip-labels: [no-agent]
  ignore-authors: [renovate-bot]
`,
);

function issue(partial: Partial<Issue>): Issue {
  return {
    id: 1,
    number: 1,
    title: "",
    body: null,
    state: "open",
    user: { id: 1, login: "alice" },
    labels: null,
    assignees: null,
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...partial,
  };
}

const none = new Map<string, string>();

describe("eligibility", () => {
  it("leaves pull requests, assigned, skip-labelled, closed and ignored-author issues alone", () => {
    expect(skipReason(issue({ pull_request: { merged: false } }), config)).toBe("pull request");
    expect(skipReason(issue({ assignees: [{ id: 2, login: "bob" }] }), config)).toBe(
      "already assigned to bob",
    );
    expect(skipReason(issue({ labels: [{ id: 1, name: "No-Agent" }] }), config)).toBe(
      "has skip label 'No-Agent'",
    );
    expect(skipReason(issue({ state: "closed" }), config)).toBe("issue is closed");
    expect(skipReason(issue({ user: { id: 3, login: "renovate-bot" } }), config)).toContain("ignored author");
    expect(skipReason(issue({ assignees: null }), config)).toBeUndefined();
  });
});

describe("choosing an agent", () => {
  it("picks the highest score, not the first agent listed", () => {
    const ranking = rankAgents(issue({ title: "deploy new server config" }), config, none);
    expect(pickAgent(ranking, config, none, undefined).agent).toBe("ezra");
  });

  it("breaks a tie by open work, then config order", () => {
    const ranking = rankAgents(issue({ title: "fix a bug" }), config, none);
    expect(needsWorkload(ranking, config)).toBe(true);
    expect(
      pickAgent(
        ranking,
        config,
        none,
        new Map([
          ["claw-code", 1],
          ["gemini", 0],
        ]),
      ).agent,
    ).toBe("gemini");
    expect(
      pickAgent(
        ranking,
        config,
        none,
        new Map([
          ["claw-code", 0],
          ["gemini", 0],
        ]),
      ).agent,
    ).toBe("claw-code");
  });

  it("respects max-open and says so", () => {
    const ranking = rankAgents(issue({ title: "refactor typescript", body: "a test" }), config, none);
    const choice = pickAgent(ranking, config, none, new Map([["claw-code", 2]]));
    expect(choice.agent).toBe("gemini");
    expect(choice.reason).toContain("claw-code at max-open");
  });

  it("never picks idle or retired agents, and uses the fallback when nothing matches", () => {
    const states = new Map([["ezra", "idle"]]);
    const ranking = rankAgents(issue({ title: "deploy it" }), config, states);
    expect(ranking.unavailable).toEqual([{ agent: "ezra", state: "idle" }]);
    const choice = pickAgent(ranking, config, states, undefined);
    expect(choice).toMatchObject({ agent: "timmy", score: 0, matched: [] });
    expect(
      pickAgent(
        ranking,
        config,
        new Map([
          ["ezra", "idle"],
          ["timmy", "retired"],
        ]),
        undefined,
      ).agent,
    ).toBeUndefined();
  });

  it("needs no workload for a clear winner without capacity limits", () => {
    const ranking = rankAgents(issue({ title: "deploy the server" }), config, none);
    expect(needsWorkload(ranking, config)).toBe(false);
  });
});

describe("the delegation comment", () => {
  it("names the agent, the matched words, the score and the opt-out, with a hidden marker", () => {
    const body = delegationComment({ agent: "ezra", score: 15, matched: ["deploy", "server"], reason: "" }, [
      "no-agent",
    ]);
    expect(body).toContain("@ezra");
    expect(body).toContain("`deploy`, `server`");
    expect(body).toContain("**15**");
    expect(body).toContain("`no-agent`");
    expect(body).toContain(marker("ezra"));
    expect(hasMarker([{ id: 1, body, user: null, created_at: "" }])).toBe(true);
    expect(hasMarker([{ id: 1, body: "thanks!", user: null, created_at: "" }])).toBe(false);
  });
});
