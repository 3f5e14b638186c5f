import { afterEach, describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import type { Release } from "../../src/delegate/release.js";
import { RELEASE_MARKER_PREFIX } from "../../src/names.js";
import { runAction } from "../harness/action.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const BOT = "fleet-bot";
const AGENTS = ["ezra", "claw-code", "gemini", "timmy"];
const REPO = "org/app";

const CONFIG = `repos: [${REPO}]
agents:
  ezra:
    keywords: { deploy: 3, server: 2 }
  claw-code:
    keywords: [deploy, bug]
  gemini:
    keywords: [deploy, docs]
  timmy: {}
delegation:
  fallback: timmy
  skip-labels: [no-agent]
`;

/** A lifecycle state file in which the given agents are idle and the others active. */
function stateFile(idle: readonly string[]): string {
  const since = new Date(Date.now() - 2 * DAY).toISOString();
  const agents = Object.fromEntries(
    AGENTS.map((agent) => [
      agent,
      {
        state: idle.includes(agent) ? "idle" : "active",
        since,
        lastSeen: null,
        tasks: { started: 0, completed: 0, failed: 0 },
        taskIds: {},
        history: [],
      },
    ]),
  );
  return `${JSON.stringify({ version: 1, agents, issuesScannedSince: {} }, null, 2)}\n`;
}

let sandbox: GiteaSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

interface Fleet {
  sandbox: GiteaSandbox;
  token: string;
  /** An issue opened `openedAgo` ago and assigned to `agent` by the bot `assignedAgo` ago, with its delegation comment. */
  delegated(title: string, agent: string, assignedAgo: number, openedAgo?: number): number;
}

function fleet(options: { config?: string; idle?: string[] } = {}): Fleet {
  const box = new GiteaSandbox();
  sandbox = box;
  const bot = box.addUser(BOT);
  for (const login of [...AGENTS, "alice"]) box.addUser(login);
  const collaborators = Object.fromEntries(
    [BOT, ...AGENTS, "alice"].map((login) => [login, "write"]),
  ) as Record<string, "write">;
  box.addRepo("org/fleet", { collaborators });
  box.addRepo(REPO, { collaborators });
  box.putFile("org/fleet", ".gitea/fleet.yml", options.config ?? CONFIG);
  if (options.idle) box.putFile("org/fleet", ".fleet/state.json", stateFile(options.idle));
  const ago = (ms: number) => new Date(Date.now() - ms);
  return {
    sandbox: box,
    token: bot.token,
    delegated(title, agent, assignedAgo, openedAgo = assignedAgo + HOUR) {
      const number = box.addIssue(REPO, { title, poster: "alice", createdAt: ago(openedAgo) });
      box.editIssue(REPO, number, { by: BOT, assignees: [agent], at: ago(assignedAgo) });
      box.addComment(REPO, number, {
        user: BOT,
        body: `Delegated to @${agent}.\n\n<!-- fleet-actions:delegate agent=${agent} -->`,
        createdAt: ago(assignedAgo - 1000),
      });
      return number;
    },
  };
}

async function sweep(current: Fleet, inputs: Record<string, string> = {}) {
  await current.sandbox.start().catch(() => undefined);
  return runAction("delegate", {
    inputs: { mode: "sweep", ...inputs },
    github: { token: current.token, api_url: current.sandbox.apiUrl },
    env: { GITHUB_REPOSITORY: "org/fleet", GITHUB_EVENT_NAME: "schedule", FLEET_RETRY_DELAY_MS: "1" },
  });
}

const assignees = (current: Fleet, number: number) =>
  (current.sandbox.issue(REPO, number)?.assignees ?? []).map((user) => user.login);
const releaseComments = (current: Fleet, number: number) =>
  current.sandbox.comments(REPO, number).filter((comment) => comment.body.includes(RELEASE_MARKER_PREFIX));
const writes = (current: Fleet) =>
  current.sandbox.requests.filter((request) => request.method !== "GET" && request.status < 400);

describe("delegate sweep: work that stalls", () => {
  it("releases an agent idle on an issue for stall-after, delegates it again with one comment, and a rerun writes nothing", async () => {
    const current = fleet();
    const at = (ms: number) => new Date(Date.now() - ms);
    const stalled = current.sandbox.addIssue(REPO, {
      title: "deploy the new server",
      poster: "alice",
      createdAt: at(7 * DAY),
    });
    // A person took claw-code off this issue before: it must never get it back.
    current.sandbox.editIssue(REPO, stalled, { by: "alice", assignees: ["claw-code"], at: at(6 * DAY) });
    current.sandbox.editIssue(REPO, stalled, { by: "alice", assignees: [], at: at(5 * DAY) });
    current.sandbox.editIssue(REPO, stalled, { by: BOT, assignees: ["ezra"], at: at(4 * DAY + 3 * HOUR) });
    current.sandbox.addComment(REPO, stalled, {
      user: BOT,
      body: "Delegated to @ezra.\n\n<!-- fleet-actions:delegate agent=ezra -->",
      createdAt: at(4 * DAY + 3 * HOUR - 1000),
    });
    const run = await sweep(current);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const released = JSON.parse(run.outputs.released!) as Release[];
    expect(released).toEqual([
      { repo: REPO, issue: stalled, agent: "ezra", why: "no activity for 4d 3h", to: "gemini" },
    ]);
    expect(assignees(current, stalled)).toEqual(["gemini"]);
    const comments = releaseComments(current, stalled);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain("Released @ezra from this issue: no activity for 4d 3h.");
    expect(comments[0]!.body).toContain("Delegated again to @gemini");
    expect(JSON.parse(run.outputs.assignments!)).toEqual([
      { repo: REPO, issue: stalled, agent: "gemini", score: 3, matched: ["deploy"] },
    ]);
    expect(run.stdout).toContain(`released @ezra: no activity for 4d 3h; delegated again to @gemini`);
    expect(run.outputs.dashboard).toContain("## Released");
    expect(current.sandbox.violations).toEqual([]);

    current.sandbox.resetRequests();
    const again = await sweep(current);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(JSON.parse(again.outputs.released!)).toEqual([]);
    expect(writes(current)).toEqual([]);
    expect(again.stdout).toContain("held by gemini: updated 0m ago, within stall-after 3d");
  });

  it("never releases on what others did, and keeps agents that work only through a pull request", async () => {
    const current = fleet();
    // Our own comment long after the assignment, a person's comment: neither is the agent's activity.
    const ours = current.delegated("deploy docs site", "ezra", 5 * DAY);
    current.sandbox.addComment(REPO, ours, {
      user: BOT,
      body: "Still open? <!-- fleet-actions:delegate agent=ezra -->",
      createdAt: new Date(Date.now() - 4 * DAY),
    });
    const person = current.delegated("deploy the api server", "gemini", 5 * DAY);
    current.sandbox.addComment(REPO, person, {
      user: "alice",
      body: "Any news?",
      createdAt: new Date(Date.now() - 4 * DAY),
    });
    // The agent's only sign of work is a pull request that references the issue.
    const viaPull = current.delegated("deploy the cache server", "claw-code", 5 * DAY);
    const pull = current.sandbox.addIssue(REPO, { title: "Cache server", poster: "claw-code", pull: true });
    current.sandbox.addReference(REPO, viaPull, {
      by: "claw-code",
      pull,
      at: new Date(Date.now() - 2 * DAY),
    });
    // Assigned long ago, released by a person and given back yesterday: the clock restarts.
    const reassigned = current.delegated("deploy the db server", "timmy", 9 * DAY);
    current.sandbox.editIssue(REPO, reassigned, {
      by: "alice",
      assignees: [],
      at: new Date(Date.now() - 8 * DAY),
    });
    current.sandbox.editIssue(REPO, reassigned, {
      by: "alice",
      assignees: ["timmy"],
      at: new Date(Date.now() - DAY),
    });

    const run = await sweep(current);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const released = JSON.parse(run.outputs.released!) as Release[];
    expect(released.map((entry) => [entry.issue, entry.agent, entry.why])).toEqual([
      [ours, "ezra", "no activity for 5d"],
      [person, "gemini", "no activity for 5d"],
    ]);
    expect(assignees(current, viaPull)).toEqual(["claw-code"]);
    expect(assignees(current, reassigned)).toEqual(["timmy"]);
    expect(run.stdout).toMatch(/held by claw-code: updated 2d ago, within stall-after 3d/);
    expect(run.stdout).toMatch(/held by timmy: updated 1d ago, within stall-after 3d/);
    expect(current.sandbox.violations).toEqual([]);
  });

  it("moves an idle agent's issues, but never one the issue shows at work (the monitor could not see it)", async () => {
    const current = fleet({ idle: ["ezra"] });
    const quiet = current.delegated("deploy the mail server", "ezra", 2 * HOUR);
    const busy = current.delegated("deploy the web server", "ezra", 3 * DAY);
    const pull = current.sandbox.addIssue(REPO, { title: "Web server", poster: "ezra", pull: true });
    current.sandbox.addReference(REPO, busy, { by: "ezra", pull, at: new Date(Date.now() - 3 * HOUR) });

    const run = await sweep(current);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const released = JSON.parse(run.outputs.released!) as Release[];
    expect(released).toEqual([
      { repo: REPO, issue: quiet, agent: "ezra", why: "ezra is idle", to: "claw-code" },
    ]);
    expect(assignees(current, busy)).toEqual(["ezra"]);
    expect(run.stdout).toContain("ezra is marked idle but acted on this issue 3h ago");
  });

  it("after max-reclaims releases labels the issue for a person (label created), leaves it unassigned, and delegate stays away", async () => {
    const current = fleet({ config: `${CONFIG}  max-reclaims: 2\n` });
    const number = current.delegated("deploy the log server", "claw-code", 9 * DAY);
    current.sandbox.editIssue(REPO, number, {
      by: BOT,
      assignees: ["ezra"],
      at: new Date(Date.now() - 5 * DAY),
    });
    current.sandbox.addComment(REPO, number, {
      user: BOT,
      body: `Released @claw-code.\n\n${RELEASE_MARKER_PREFIX} agent=claw-code n=1 -->`,
      createdAt: new Date(Date.now() - 5 * DAY),
    });

    const dry = await sweep(current, { "dry-run": "true" });
    expect(dry.code, dry.stdout + dry.stderr).toBe(0);
    expect(JSON.parse(dry.outputs.released!)).toEqual([
      { repo: REPO, issue: number, agent: "ezra", why: "no activity for 5d", to: null },
    ]);
    expect(dry.stdout).toContain("would release @ezra");
    expect(writes(current)).toEqual([]);

    const run = await sweep(current);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(assignees(current, number)).toEqual([]);
    expect(current.sandbox.issue(REPO, number)?.labels.map((label) => label.name)).toEqual(["needs-human"]);
    const comments = releaseComments(current, number);
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).toContain("released 2 times (`max-reclaims: 2`)");

    current.sandbox.resetRequests();
    const again = await sweep(current);
    expect(again.code).toBe(0);
    expect(writes(current)).toEqual([]);
    expect(again.stdout).toContain("has the needs-human label 'needs-human'");
    expect(current.sandbox.violations).toEqual([]);
  });

  it("never gives an unassigned issue back to an agent a person removed from it", async () => {
    const current = fleet();
    const number = current.sandbox.addIssue(REPO, {
      title: "deploy the new server",
      poster: "alice",
      createdAt: new Date(Date.now() - 2 * DAY),
    });
    current.sandbox.editIssue(REPO, number, { by: BOT, assignees: ["ezra"], at: new Date(Date.now() - DAY) });
    current.sandbox.editIssue(REPO, number, { by: "alice", assignees: [], at: new Date(Date.now() - HOUR) });
    const run = await sweep(current);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(assignees(current, number)).toEqual(["claw-code"]);
    expect(run.stdout).toContain("ezra is removed from this issue before");
  });
});
