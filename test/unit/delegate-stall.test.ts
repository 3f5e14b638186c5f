import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.js";
import { skipReason } from "../../src/delegate/decide.js";
import { formatSpan, judgeStall, readHistory, type StallInput } from "../../src/delegate/stall.js";
import type { TimelineEvent } from "../../src/forge/types.js";
import { RELEASE_MARKER_PREFIX } from "../../src/names.js";

const NOW = Date.parse("2026-06-10T12:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(NOW - ms).toISOString();

let nextId = 1;
function event(type: string, user: string, at: number, extra: Partial<TimelineEvent> = {}): TimelineEvent {
  return { id: nextId++, type, user: { id: 1, login: user }, created_at: ago(at), body: "", ...extra };
}
function assigned(agent: string, by: string, at: number, removed = false): TimelineEvent {
  return event("assignees", by, at, { assignee: { id: 2, login: agent }, removed_assignee: removed });
}

function judge(events: TimelineEvent[], overrides: Partial<StallInput> = {}) {
  return judgeStall({
    agent: "ezra",
    state: "active",
    history: readHistory(events, "ezra"),
    nowMs: NOW,
    stallAfterMs: 72 * HOUR,
    idleAfterMs: 24 * HOUR,
    ...overrides,
  });
}

describe("stall rules (pure)", () => {
  it("releases an agent that did nothing since its assignment for stall-after, saying for how long", () => {
    expect(judge([assigned("ezra", "fleet-bot", 4 * DAY + 3 * HOUR)])).toEqual({
      release: true,
      why: "no activity for 4d 3h",
    });
  });

  it("keeps an agent whose only activity is a pull-request reference", () => {
    const verdict = judge([assigned("ezra", "fleet-bot", 5 * DAY), event("pull_ref", "ezra", 2 * DAY)]);
    expect(verdict).toEqual({ release: false, why: "ezra active 2d ago, within stall-after 3d" });
  });

  it("counts a commit reference, a label, a title edit and a close by the agent as activity", () => {
    for (const type of ["commit_ref", "label", "change_title", "close"]) {
      expect(judge([assigned("ezra", "fleet-bot", 5 * DAY), event(type, "ezra", 1 * DAY)]).release).toBe(
        false,
      );
    }
  });

  it("never counts fleet-actions' own comments after the assignment", () => {
    const ours = event("comment", "fleet-bot", 5 * DAY - 1000, {
      body: "Delegated to @ezra <!-- fleet-actions:delegate agent=ezra -->",
    });
    const verdict = judge([assigned("ezra", "fleet-bot", 5 * DAY), ours]);
    expect(verdict).toEqual({ release: true, why: "no activity for 5d" });
  });

  it("never counts a marked comment even when the agent's account posted it", () => {
    const marked = event("comment", "ezra", 1 * DAY, { body: "<!-- fleet-actions:delegate agent=ezra -->" });
    expect(judge([assigned("ezra", "fleet-bot", 5 * DAY), marked]).release).toBe(true);
  });

  it("never counts a person's comment as the agent's activity", () => {
    const verdict = judge([assigned("ezra", "fleet-bot", 5 * DAY), event("comment", "alice", 1 * HOUR)]);
    expect(verdict).toEqual({ release: true, why: "no activity for 5d" });
  });

  it("starts the clock at the last assignment: an old assignment with a recent re-assignment is kept", () => {
    const events = [
      assigned("ezra", "fleet-bot", 10 * DAY),
      assigned("ezra", "alice", 9 * DAY, true),
      assigned("ezra", "alice", 1 * DAY),
    ];
    expect(judge(events)).toEqual({ release: false, why: "ezra assigned 1d ago, within stall-after 3d" });
  });

  it("ignores activity from before the last assignment", () => {
    const events = [
      assigned("ezra", "fleet-bot", 10 * DAY),
      event("comment", "ezra", 9 * DAY),
      assigned("ezra", "alice", 8 * DAY, true),
      assigned("ezra", "alice", 4 * DAY),
    ];
    expect(judge(events)).toEqual({ release: true, why: "no activity for 4d" });
  });

  it("leaves an issue alone when the timeline shows no assignment of the agent", () => {
    expect(judge([event("comment", "alice", 9 * DAY)])).toEqual({
      release: false,
      why: "the timeline shows no assignment of ezra: the stall clock is unknown",
    });
  });

  it("releases an idle or retired agent whatever the clock says", () => {
    const events = [assigned("ezra", "fleet-bot", 2 * HOUR)];
    expect(judge(events, { state: "idle" })).toEqual({ release: true, why: "ezra is idle" });
    expect(judge(events, { state: "retired", stallAfterMs: undefined })).toEqual({
      release: true,
      why: "ezra is retired",
    });
  });

  it("never releases an agent marked idle that the issue shows at work within the idle window", () => {
    const events = [assigned("ezra", "fleet-bot", 5 * DAY), event("pull_ref", "ezra", 3 * HOUR)];
    const verdict = judge(events, { state: "idle" });
    expect(verdict.release).toBe(false);
    expect(verdict.why).toContain("could not see");
  });

  it("keeps everyone when stall-after is off (idle agents still released)", () => {
    expect(judge([assigned("ezra", "fleet-bot", 30 * DAY)], { stallAfterMs: undefined })).toEqual({
      release: false,
      why: "stall-after is off",
    });
  });

  it("remembers every agent ever removed and counts fleet-actions' releases", () => {
    const events = [
      assigned("gemini", "fleet-bot", 9 * DAY),
      assigned("gemini", "fleet-bot", 5 * DAY, true),
      event("comment", "fleet-bot", 5 * DAY, {
        body: `Released @gemini ${RELEASE_MARKER_PREFIX} agent=gemini n=1 -->`,
      }),
      assigned("Claw-Code", "alice", 4 * DAY, true),
      assigned("ezra", "fleet-bot", 5 * DAY),
    ];
    const history = readHistory(events, "ezra");
    expect([...history.removed].sort()).toEqual(["claw-code", "gemini"]);
    expect(history.releases).toBe(1);
  });

  it("matches agent logins case-insensitively", () => {
    expect(judge([assigned("EZRA", "fleet-bot", 5 * DAY), event("comment", "Ezra", 1 * HOUR)]).release).toBe(
      false,
    );
  });

  it("formats spans for people", () => {
    expect(formatSpan(3 * DAY + 4 * HOUR + 59_000)).toBe("3d 4h");
    expect(formatSpan(3 * DAY)).toBe("3d");
    expect(formatSpan(5 * HOUR + 12 * 60_000)).toBe("5h 12m");
    expect(formatSpan(40 * 60_000)).toBe("40m");
  });
});

describe("stall config", () => {
  it("keeps delegate away from an issue with the needs-human label, like a skip label", () => {
    const config = parseConfig("fleet.yml", "delegation:\n  needs-human-label: Ask-A-Person\n");
    const issue = {
      id: 1,
      number: 1,
      title: "deploy",
      body: null,
      state: "open" as const,
      user: { id: 1, login: "alice" },
      labels: [{ id: 3, name: "ask-a-person" }],
      assignees: null,
      created_at: ago(DAY),
      updated_at: ago(DAY),
    };
    expect(skipReason(issue, config)).toBe("has the needs-human label 'Ask-A-Person': it waits for a person");
  });

  it("defaults to stall-after 72h, max-reclaims 2, needs-human", () => {
    const config = parseConfig("fleet.yml", "agents: {}\n");
    expect(config.delegation).toMatchObject({
      stallAfterMs: 72 * HOUR,
      maxReclaims: 2,
      needsHumanLabel: "needs-human",
    });
  });

  it('reads "off" and durations, and names file:line:col and key for a bad value', () => {
    expect(parseConfig("f.yml", "delegation:\n  stall-after: off\n").delegation.stallAfterMs).toBeUndefined();
    expect(parseConfig("f.yml", "delegation:\n  stall-after: 2d\n").delegation.stallAfterMs).toBe(2 * DAY);
    expect(() => parseConfig("f.yml", "delegation:\n  stall-after: soon\n")).toThrow(
      /f\.yml:2:16.*stall-after/,
    );
    expect(() => parseConfig("f.yml", "delegation:\n  max-reclaims: -1\n")).toThrow(/max-reclaims/);
  });
});
