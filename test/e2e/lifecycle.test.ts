import { afterEach, describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import { loadConfig } from "../../src/config/config.js";
import { ForgeClient } from "../../src/forge/client.js";
import { readAgentStates } from "../../src/state/agents.js";
import { parseState } from "../../src/state/document.js";
import { commitModelReport } from "../../src/state/models.js";
import type { FleetState } from "../../src/state/schema.js";
import { type ActionRun, runAction } from "../harness/action.js";

const HOUR = 3_600_000;
const BOT = "fleet-bot";
const STATE = ".fleet/state.json";
const DASHBOARD = ".fleet/FLEET.md";

interface Fleet {
  sandbox: GiteaSandbox;
  apiUrl: string;
  token: string;
}

let fleet: Fleet | undefined;
afterEach(async () => {
  await fleet?.sandbox.close();
  fleet = undefined;
});

/** org/fleet holds the config and state; org/app is the monitored repository. */
async function start(agents: readonly string[], extraConfig = ""): Promise<Fleet> {
  const sandbox = new GiteaSandbox();
  const { token } = sandbox.addUser(BOT);
  sandbox.addUser("alice");
  const collaborators = Object.fromEntries([
    [BOT, "write"],
    ...agents.map((agent) => [agent, "write"]),
  ]) as Record<string, "write">;
  sandbox.addRepo("org/fleet", { collaborators });
  sandbox.addRepo("org/app", { collaborators: { ...collaborators, alice: "write" } });
  const config = `repos: [org/app]\nagents:\n${agents.map((agent) => `  ${agent}:\n    keywords: [${agent}]\n`).join("")}${extraConfig}`;
  sandbox.putFile("org/fleet", ".gitea/fleet.yml", config);
  const { apiUrl } = await sandbox.start();
  fleet = { sandbox, apiUrl, token };
  return fleet;
}

function lifecycle(
  current: Fleet,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun> {
  return runAction("lifecycle", {
    inputs,
    github: { token: current.token, api_url: current.apiUrl },
    env: {
      GITHUB_REPOSITORY: "org/fleet",
      GITHUB_EVENT_NAME: "workflow_dispatch",
      GITHUB_ACTOR: "ops",
      ...env,
    },
  });
}

function stateOf(current: Fleet): FleetState {
  const file = current.sandbox.file("org/fleet", STATE);
  if (!file) throw new Error("no state file");
  return parseState(STATE, file.text);
}

function stateCommits(current: Fleet) {
  return current.sandbox
    .commits("org/fleet")
    .filter((commit) => commit.files.some((path) => path.startsWith(".fleet/")));
}

const ago = (ms: number) => new Date(Date.now() - ms);
const log = (run: ActionRun) => run.stdout + run.stderr;

describe("lifecycle action, end to end", () => {
  it("flags an agent silent for 25 h idle in one commit, makes no commit when nothing is new, and brings it back on repo activity", async () => {
    const current = await start(["claw-code", "ezra"]);
    const { sandbox } = current;
    sandbox.addActivity({
      repo: "org/app",
      user: "claw-code",
      opType: "comment_issue",
      created: ago(25 * HOUR),
    });
    sandbox.addActivity({ repo: "org/app", user: "ezra", opType: "commit_repo", created: ago(HOUR) });

    const first = await lifecycle(current);
    expect(first.code, log(first)).toBe(0);
    expect(JSON.parse(first.outputs.idle!)).toEqual(["claw-code"]);
    expect(first.outputs.changed).toBe("true");
    const commits = stateCommits(current);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.files.sort()).toEqual([DASHBOARD, STATE]);
    expect(commits[0]!.message).toMatch(/^lifecycle monitor: .*\[skip ci\]$/);
    expect(commits[0]!.author).toBe(BOT);
    const state = stateOf(current);
    expect(state.agents["claw-code"]).toMatchObject({
      state: "idle",
      lastSeen: { source: "comment_issue in org/app" },
    });
    expect(state.agents["claw-code"]!.history.at(-1)).toMatchObject({
      from: "deployed",
      to: "idle",
      actor: "ops",
    });
    expect(state.agents.ezra).toMatchObject({
      state: "active",
      lastSeen: { source: "commit_repo in org/app" },
    });
    const dashboard = sandbox.file("org/fleet", DASHBOARD)!.text;
    expect(dashboard).toMatch(/\| `claw-code` \| idle \|/);
    expect(dashboard).toMatch(/\| `ezra` \| active \|/);
    expect(dashboard).not.toMatch(/ ago/);
    expect(first.stdout).toMatch(/claw-code: idle since .*; last seen 25h ago/);
    expect(first.summary).toContain("## Fleet lifecycle: monitor");
    expect(JSON.parse(first.outputs.state!).agents.ezra.state).toBe("active");

    const stateSha = sandbox.file("org/fleet", STATE)!.sha;
    const second = await lifecycle(current);
    expect(second.code, log(second)).toBe(0);
    expect(second.outputs.changed).toBe("false");
    expect(second.stdout).toContain("nothing changed: no commit");
    expect(stateCommits(current)).toHaveLength(1);
    expect(sandbox.file("org/fleet", STATE)!.sha).toBe(stateSha);

    sandbox.addActivity({ repo: "org/app", user: "claw-code", opType: "create_issue", created: ago(60_000) });
    sandbox.resetRequests();
    const third = await lifecycle(current);
    expect(third.code, log(third)).toBe(0);
    expect(JSON.parse(third.outputs.idle!)).toEqual([]);
    expect(stateOf(current).agents["claw-code"]).toMatchObject({
      state: "active",
      lastSeen: { source: "create_issue in org/app" },
    });
    expect(stateCommits(current)).toHaveLength(2);
    // Both agents were seen in the repo feed: no user feed was needed.
    expect(
      sandbox.requests.filter((request) => request.path === "/repos/org/app/activities/feeds"),
    ).toHaveLength(1);
    expect(sandbox.requests.filter((request) => request.path.startsWith("/users/"))).toEqual([]);
    expect(sandbox.violations).toEqual([]);
  });

  it("does not take other people's work in repos an agent watches for the agent's sign of life", async () => {
    const current = await start(["timmy"]);
    const { sandbox } = current;
    sandbox.addRepo("org/side", { collaborators: { timmy: "write", alice: "write" } });
    sandbox.addActivity({ repo: "org/side", user: "timmy", opType: "commit_repo", created: ago(30 * HOUR) });
    sandbox.addActivity({ repo: "org/side", user: "alice", opType: "comment_issue", created: ago(HOUR) });
    const run = await lifecycle(current);
    expect(run.code, log(run)).toBe(0);
    expect(JSON.parse(run.outputs.idle!)).toEqual(["timmy"]);
    expect(stateOf(current).agents.timmy?.lastSeen).toMatchObject({ source: "commit_repo in org/side" });
    const userFeeds = sandbox.requests.filter((request) => request.path === "/users/timmy/activities/feeds");
    expect(userFeeds.map((request) => request.query["only-performed-by"])).toEqual(["true"]);
  });

  it("refuses to deploy a retired agent, naming agent, state and allowed moves, and writes nothing", async () => {
    const current = await start(["ezra"]);
    for (const command of ["provision", "deploy", "retire"]) {
      const run = await lifecycle(current, { command, agent: "ezra" });
      expect(run.code, log(run)).toBe(0);
    }
    expect(stateOf(current).agents.ezra?.history.map((entry) => entry.to)).toEqual([
      "provisioned",
      "deployed",
      "retired",
    ]);
    const before = {
      commits: current.sandbox.commits("org/fleet").length,
      sha: current.sandbox.file("org/fleet", STATE)!.sha,
    };

    const run = await lifecycle(current, { command: "deploy", agent: "ezra" });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toContain("cannot deploy agent 'ezra': it is retired; allowed moves from there: none");
    expect(current.sandbox.commits("org/fleet")).toHaveLength(before.commits);
    expect(current.sandbox.file("org/fleet", STATE)!.sha).toBe(before.sha);
    expect(current.sandbox.violations).toEqual([]);
  });

  it("lands 8 concurrent heartbeats from 8 processes with no update lost", { timeout: 90_000 }, async () => {
    const agents = ["a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8"];
    const current = await start(agents);
    const runs = await Promise.all(
      agents.map((agent) => lifecycle(current, { command: "heartbeat", agent })),
    );
    for (const run of runs) expect(run.code, log(run)).toBe(0);
    const state = stateOf(current);
    for (const agent of agents) {
      expect(state.agents[agent], agent).toMatchObject({
        state: "active",
        lastSeen: { source: "heartbeat" },
      });
    }
    expect(stateCommits(current)).toHaveLength(8);
    // Every write the forge refused as stale (422) was followed by a re-read and re-apply, none by an overwrite.
    const conflicts = current.sandbox.requests.filter(
      (request) => request.method === "POST" && request.status === 422,
    );
    const retries = runs.reduce(
      (sum, run) => sum + run.stdout.split("re-reading and re-applying").length - 1,
      0,
    );
    expect(retries).toBe(conflicts.length);
    console.log(`8 concurrent heartbeats: ${conflicts.length} stale writes refused and retried`);
    expect(current.sandbox.violations).toEqual([]);
  });

  it.each([
    ["corrupt JSON", '{ "version": 1, "agents": {', /\.fleet\/state\.json:\d+:\d+: not valid JSON/],
    [
      "a newer version",
      '{ "version": 2, "agents": {} }\n',
      /version 2 is not supported: this fleet-actions reads and writes version 1/,
    ],
    [
      "a wrong shape",
      '{ "version": 1, "agents": { "x": { "state": "asleep" } }, "issuesScannedSince": {} }\n',
      /agents\.x\./,
    ],
  ])("stops with a clear error on %s and leaves the file untouched", async (_, text, message) => {
    const current = await start(["ezra"]);
    const sha = current.sandbox.putFile("org/fleet", STATE, text);
    const commits = current.sandbox.commits("org/fleet").length;
    const run = await lifecycle(current, { command: "heartbeat", agent: "ezra" });
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(message);
    expect(run.stdout).toContain("fix or delete the file");
    expect(current.sandbox.file("org/fleet", STATE)).toEqual({ text, sha });
    expect(current.sandbox.commits("org/fleet")).toHaveLength(commits);
  });

  it("counts task outcomes from the forge and from task commands once each", async () => {
    const current = await start(["ezra", "timmy"], "lifecycle:\n  failed-labels: [wontfix]\n");
    const { sandbox } = current;
    const done = sandbox.addIssue("org/app", { title: "deploy", poster: "alice", assignees: ["ezra"] });
    const moved = sandbox.addIssue("org/app", { title: "server", poster: "alice", assignees: ["ezra"] });
    const failed = sandbox.addIssue("org/app", { title: "infra", poster: "alice", assignees: ["timmy"] });
    const first = await lifecycle(current);
    expect(first.code, log(first)).toBe(0);
    expect(stateOf(current).agents.ezra?.taskIds).toEqual({
      [`org/app#${done}`]: "assigned",
      [`org/app#${moved}`]: "assigned",
    });

    sandbox.editIssue("org/app", done, { by: "ezra", state: "closed" });
    sandbox.editIssue("org/app", moved, { by: "alice", assignees: ["timmy"] });
    sandbox.addIssue("org/app", { title: "x", poster: "alice" });
    const label = await lifecycle(current, {
      command: "task",
      agent: "timmy",
      task: `org/app#${failed}`,
      outcome: "failed",
    });
    expect(label.code, log(label)).toBe(0);
    const second = await lifecycle(current);
    expect(second.code, log(second)).toBe(0);
    const state = stateOf(current);
    expect(state.agents.ezra?.tasks).toEqual({ started: 2, completed: 1, failed: 1 });
    expect(state.agents.timmy?.tasks).toEqual({ started: 2, completed: 0, failed: 1 });
    expect(state.agents.timmy?.taskIds[`org/app#${moved}`]).toBe("assigned");

    const again = await lifecycle(current, {
      command: "task",
      agent: "timmy",
      task: `org/app#${failed}`,
      outcome: "failed",
    });
    expect(again.stdout).toContain("already counted as failed for timmy");
    expect(again.outputs.changed).toBe("false");
    expect(sandbox.violations).toEqual([]);
  });

  it("dry-run decides and reports but commits nothing", async () => {
    const current = await start(["ezra"]);
    const run = await lifecycle(current, { command: "deploy", agent: "bezalel", "dry-run": "true" });
    expect(run.code, log(run)).toBe(0);
    expect(run.outputs.changed).toBe("false");
    expect(run.stdout).toContain(
      "dry run: would commit to org/fleet:.fleet/state.json: lifecycle deploy: bezalel deployed [skip ci]",
    );
    expect(current.sandbox.file("org/fleet", STATE)).toBeUndefined();
    expect(current.sandbox.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("status on a fresh fleet lists the config's agents as having no state yet", async () => {
    const current = await start(["ezra", "timmy"]);
    const run = await lifecycle(current, { command: "status" });
    expect(run.code, log(run)).toBe(0);
    expect(run.stdout).toContain("ezra: no state yet");
    expect(run.stdout).toContain("timmy: no state yet");
    await lifecycle(current, { command: "heartbeat", agent: "ezra" });
    const later = await lifecycle(current, { command: "status" });
    expect(later.stdout).toMatch(/ezra: active since/);
    expect(later.stdout).not.toContain("ezra: no state yet");
    expect(later.stdout).toContain("timmy: no state yet");
  });

  it("task checks that the issue exists, and warns when it is not assigned to the agent", async () => {
    const current = await start(["ezra", "timmy"]);
    const mine = current.sandbox.addIssue("org/app", {
      title: "deploy",
      poster: "alice",
      assignees: ["ezra"],
    });
    const theirs = current.sandbox.addIssue("org/app", {
      title: "css",
      poster: "alice",
      assignees: ["timmy"],
    });
    const own = await lifecycle(current, {
      command: "task",
      agent: "ezra",
      task: `org/app#${mine}`,
      outcome: "completed",
    });
    expect(own.code, log(own)).toBe(0);
    expect(log(own)).not.toContain("is not assigned to");
    const other = await lifecycle(current, {
      command: "task",
      agent: "ezra",
      task: `org/app#${theirs}`,
      outcome: "started",
    });
    expect(other.code, log(other)).toBe(0);
    expect(log(other)).toContain(
      `org/app#${theirs} is not assigned to ezra (assignees: timmy): recording the task anyway`,
    );
    const commits = stateCommits(current).length;
    const missing = await lifecycle(current, {
      command: "task",
      agent: "ezra",
      task: "org/app#999",
      outcome: "completed",
    });
    expect(missing.code).toBe(2);
    expect(log(missing)).toContain(
      "task org/app#999: no such issue on the forge (404): nothing was recorded",
    );
    expect(stateCommits(current)).toHaveLength(commits);
  });

  it("status reads and reports without writing", async () => {
    const current = await start(["ezra"]);
    await lifecycle(current, { command: "heartbeat", agent: "ezra" });
    current.sandbox.resetRequests();
    const run = await lifecycle(current, { command: "status" });
    expect(run.code, log(run)).toBe(0);
    expect(run.stdout).toMatch(/ezra: active since/);
    expect(JSON.parse(run.outputs.state!).agents.ezra.state).toBe("active");
    expect(current.sandbox.requests.every((request) => request.method === "GET")).toBe(true);
  });

  it("lets delegate read agent states and model-chain commit its report through the same store", async () => {
    const current = await start(["ezra", "timmy"]);
    const forge = new ForgeClient({ baseUrl: current.apiUrl, token: () => current.token, retryDelayMs: 1 });
    const config = await loadConfig({
      path: ".gitea/fleet.yml",
      workspace: "/nonexistent",
      readRemote: async (path) => (await forge.readFile("org/fleet", path))?.text,
    });
    expect(await readAgentStates(forge, "org/fleet", config)).toBeUndefined();

    await lifecycle(current, { command: "retire", agent: "timmy" });
    expect(await readAgentStates(forge, "org/fleet", config)).toEqual(new Map([["timmy", "retired"]]));

    const report = {
      activeModel: "phi3:3.8b",
      models: [
        {
          model: "hermes4:14b",
          role: "primary",
          available: false,
          ok: false,
          error: "not installed",
          load_ms: null,
        },
        {
          model: "phi3:3.8b",
          role: "fallback",
          available: true,
          ok: true,
          error: null,
          load_ms: 900,
          tokens_per_s: 40,
        },
      ],
    };
    const commits = stateCommits(current).length;
    expect(await commitModelReport(forge, "org/fleet", config, report)).toMatchObject({
      changed: true,
      committed: true,
    });
    expect(stateCommits(current)).toHaveLength(commits + 1);
    expect(stateCommits(current).at(-1)?.message).toBe(
      "model-chain: active model none -> phi3:3.8b (1/2 healthy) [skip ci]",
    );
    expect(current.sandbox.file("org/fleet", DASHBOARD)?.text).toContain("Active model: **`phi3:3.8b`**");
    expect(stateOf(current).agents.timmy?.state).toBe("retired");

    // Same outcome, other timings: nothing to commit.
    const again = { ...report, models: report.models.map((model) => ({ ...model, load_ms: 1234 })) };
    expect(await commitModelReport(forge, "org/fleet", config, again)).toMatchObject({
      changed: false,
      committed: false,
    });
    expect(stateCommits(current)).toHaveLength(commits + 1);
    expect(current.sandbox.violations).toEqual([]);
  });

  it("lands every command exactly once through a proxy that answers 502 to 30% of requests", async () => {
    const current = await start(["claw-code"]);
    current.sandbox.failureRate = 0.3;
    for (const command of ["provision", "deploy", "heartbeat"]) {
      const run = await lifecycle(current, { command, agent: "claw-code" }, { FLEET_RETRY_DELAY_MS: "1" });
      expect(run.code, log(run)).toBe(0);
    }
    current.sandbox.failureRate = 0;
    expect(current.sandbox.requests.some((request) => request.status === 502)).toBe(true);
    const agent = stateOf(current).agents["claw-code"]!;
    expect(agent.state).toBe("active");
    expect(agent.history.map((entry) => entry.to)).toEqual(["provisioned", "deployed", "active"]);
    expect(stateCommits(current)).toHaveLength(3);
  });
});
