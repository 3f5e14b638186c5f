import { describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import { SAMPLE, SAMPLE_CHAIN, sampleConfigYaml, seedSampleFleet } from "../../sandbox/sample.js";
import { parseConfig } from "../../src/config/config.js";

const NOW = new Date("2026-03-10T12:00:00Z");

function seeded() {
  const sandbox = new GiteaSandbox({ now: () => NOW });
  const fleet = seedSampleFleet(sandbox, { now: NOW });
  return { sandbox, fleet };
}

describe("the sample fleet", () => {
  it("commits SPEC's example config, which the loader accepts", () => {
    const { sandbox } = seeded();
    const config = parseConfig(SAMPLE.configPath, sandbox.file(SAMPLE.fleetRepo, SAMPLE.configPath)!.text);
    expect(config.repos).toEqual(SAMPLE.monitored);
    expect(config.agents.map((agent) => agent.name)).toEqual([...SAMPLE.agents]);
    expect(config.delegation).toMatchObject({ fallback: "timmy", skipLabels: ["no-agent"] });
    expect(config.models?.chain.map((model) => model.model)).toEqual([...SAMPLE_CHAIN]);
    expect(config.models?.url).toBeUndefined();
    expect(parseConfig("fleet.yml", sampleConfigYaml("http://127.0.0.1:9")).models?.url).toBe(
      "http://127.0.0.1:9",
    );
  });

  it("has the issues the demo needs: keyword matches, pull requests, assigned and skipped ones", () => {
    const { sandbox, fleet } = seeded();
    const app = sandbox.issues(SAMPLE.repos.app);
    expect(app.length).toBeGreaterThanOrEqual(10);
    expect(app.some((issue) => issue.pull_request !== null)).toBe(true);
    expect(app.some((issue) => issue.assignees?.[0]?.login === "timmy")).toBe(true);
    expect(app.some((issue) => issue.labels.some((label) => label.name === "no-agent"))).toBe(true);
    const deploy = sandbox.issue(
      SAMPLE.repos.infra,
      fleet.issues[SAMPLE.repos.infra]!["Deploy new server config"]!,
    );
    expect(deploy).toMatchObject({ state: "open", assignees: null });
    expect(fleet.tokens[SAMPLE.bot.login]).toBe(SAMPLE.bot.token);
  });

  it("leaves exactly one agent without activity in the last 24 hours", () => {
    const { sandbox } = seeded();
    const dayAgo = NOW.getTime() - 24 * 3_600_000;
    const silent = SAMPLE.agents.filter(
      (agent) =>
        !sandbox.activities({ user: agent }).some((activity) => Date.parse(activity.created) > dayAgo),
    );
    expect(silent).toEqual([SAMPLE.silentAgent]);
    expect(sandbox.activities({ user: SAMPLE.silentAgent }).length).toBeGreaterThan(0);
  });
});
