import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Assignment } from "../../src/delegate/delegate.js";
import { DELEGATE_MARKER_PREFIX } from "../../src/names.js";
import { type ActionRunOptions, runAction } from "../harness/action.js";
import { type SeededFleet, startFleet } from "../harness/fleet.js";

let fleet: SeededFleet | undefined;
afterEach(async () => {
  await fleet?.sandbox.close();
  fleet = undefined;
});

function delegate(current: SeededFleet, options: ActionRunOptions & { token?: string } = {}) {
  return runAction("delegate", {
    ...options,
    github: { token: options.token ?? current.token, api_url: current.apiUrl },
    env: {
      GITHUB_REPOSITORY: "org/fleet",
      GITHUB_EVENT_NAME: "schedule",
      FLEET_RETRY_DELAY_MS: "1",
      ...options.env,
    },
  });
}

function writes(current: SeededFleet) {
  return current.sandbox.requests.filter((request) => request.method !== "GET" && request.status < 400);
}

function assigneesOf(current: SeededFleet, repo: string, number: number): string[] {
  return (current.sandbox.issue(repo, number)?.assignees ?? []).map((user) => user.login);
}

function markerComments(current: SeededFleet, repo: string, number: number) {
  return current.sandbox
    .comments(repo, number)
    .filter((comment) => comment.body.includes(DELEGATE_MARKER_PREFIX));
}

describe("delegate action, end to end", () => {
  it("delegates one opened issue with one comment", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const number = fleet.sandbox.addIssue("org/app", { title: "deploy new server config", poster: "alice" });
    const issue = fleet.sandbox.issue("org/app", number);
    const run = await delegate(fleet, {
      env: { GITHUB_EVENT_NAME: "issues", GITHUB_REPOSITORY: "org/app" },
      inputs: { config: ".gitea/fleet.yml" },
      event: {
        action: "opened",
        issue: { number, title: issue?.title, assignees: null, pull_request: null },
        repository: { full_name: "org/app", name: "app", owner: { login: "org" }, default_branch: "main" },
      },
    });
    // org/app has no config: it is read from org/app's default branch, so put one there.
    expect(run.code, run.stdout + run.stderr).toBe(2);
    expect(run.stdout).toContain(
      ".gitea/fleet.yml: config file not found in the workspace nor in org/app's default branch",
    );

    fleet.sandbox.putFile(
      "org/app",
      ".gitea/fleet.yml",
      "agents:\n  ezra:\n    keywords: { deploy: 3, server: 2 }\n  claw-code:\n    keywords: [deploy]\n",
    );
    fleet.sandbox.resetRequests();
    const second = await delegate(fleet, {
      env: { GITHUB_EVENT_NAME: "issues", GITHUB_REPOSITORY: "org/app" },
      event: { action: "opened", issue: { number, assignees: null }, repository: { full_name: "org/app" } },
    });
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.outputs.agent).toBe("ezra");
    expect(JSON.parse(second.outputs.assignments!)).toEqual([
      { repo: "org/app", issue: number, agent: "ezra", score: 15, matched: ["deploy", "server"] },
    ]);
    expect(assigneesOf(fleet, "org/app", number)).toEqual(["ezra"]);
    expect(markerComments(fleet, "org/app", number)).toHaveLength(1);
    expect(markerComments(fleet, "org/app", number)[0]!.body).toContain("@ezra");
    // config + state reads, then the issue, PATCH and POST: the delegation itself is 3 requests.
    const delegation = fleet.sandbox.requests.filter((request) => !request.path.includes("/contents/"));
    expect(delegation.map((request) => request.method)).toEqual(["GET", "PATCH", "POST"]);
    expect(fleet.sandbox.violations).toEqual([]);

    // The same event again (a re-run): nothing new, no second comment.
    fleet.sandbox.resetRequests();
    const again = await delegate(fleet, {
      env: { GITHUB_EVENT_NAME: "issues", GITHUB_REPOSITORY: "org/app" },
      event: { action: "opened", issue: { number, assignees: null }, repository: { full_name: "org/app" } },
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("already assigned to ezra");
    expect(writes(fleet)).toEqual([]);
    expect(markerComments(fleet, "org/app", number)).toHaveLength(1);
  });

  it("sweeps 3 repos x 120 issues: every eligible issue assigned, then a second run writes nothing", async () => {
    fleet = await startFleet({ issuesPerRepo: 120 });
    const run = await delegate(fleet);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    const assignments = JSON.parse(run.outputs.assignments!) as Assignment[];
    const expected = [...fleet.eligible].flatMap(([repo, numbers]) =>
      numbers.map((issue) => `${repo}#${issue}`),
    );
    expect(assignments.map((entry) => `${entry.repo}#${entry.issue}`).sort()).toEqual(expected.sort());
    for (const [repo, numbers] of fleet.eligible) {
      for (const number of numbers) {
        expect(assigneesOf(fleet, repo, number)).toHaveLength(1);
        expect(markerComments(fleet, repo, number)).toHaveLength(1);
      }
    }
    // PRs, skip-labelled and bot issues untouched; pre-assigned ones keep their assignee.
    const untouched = fleet.sandbox
      .issues("org/app")
      .filter((issue) => !fleet!.eligible.get("org/app")!.includes(issue.number));
    for (const issue of untouched) expect(markerComments(fleet, "org/app", issue.number)).toHaveLength(0);
    expect(run.outputs.dashboard).toContain("| @ezra |");
    expect(run.stdout).toContain("left alone: has skip label 'no-agent'");
    expect(run.stdout).toContain("left alone: opened by ignored author renovate-bot");
    expect(fleet.sandbox.violations).toEqual([]);

    fleet.sandbox.resetRequests();
    const second = await delegate(fleet);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.outputs.assignments!)).toEqual([]);
    expect(writes(fleet)).toEqual([]);
    // One list request per page of each repo: 120 issues incl. PRs excluded by type=issues -> 100 -> 2 pages.
    expect(fleet.sandbox.requests.filter((request) => request.path.endsWith("/issues"))).toHaveLength(6);
  });

  it("ends fully assigned with no duplicate comment when 20% of requests answer 502", async () => {
    fleet = await startFleet({ issuesPerRepo: 120 });
    fleet.sandbox.failureRate = 0.2;
    const run = await delegate(fleet, { env: { FLEET_RETRY_DELAY_MS: "1" } });
    fleet.sandbox.failureRate = 0;
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(fleet.sandbox.requests.some((request) => request.status === 502)).toBe(true);
    for (const [repo, numbers] of fleet.eligible) {
      for (const number of numbers) {
        expect(assigneesOf(fleet, repo, number)).toHaveLength(1);
        expect(markerComments(fleet, repo, number)).toHaveLength(1);
      }
    }
  });

  it("fails loudly when the forge drops the assignee (token without write access)", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const reader = fleet.sandbox.addUser("reader");
    const number = fleet.sandbox.addIssue("org/app", { title: "deploy the server", poster: "reader" });
    const run = await delegate(fleet, { token: reader.token, inputs: { issue: `org/app#${number}` } });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`the forge did not record ezra as assignee of org/app#${number}`);
    // The log never claims an assignment the forge did not record.
    expect(run.stdout).not.toContain("assigned @ezra");
    expect(assigneesOf(fleet, "org/app", number)).toEqual([]);
    expect(fleet.sandbox.comments("org/app", number)).toEqual([]);
  });

  it("names the token's missing access on a 403, and an unassignable agent instead of a blank 500", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const outsider = fleet.sandbox.addUser("outsider");
    const number = fleet.sandbox.addIssue("org/app", { title: "deploy the server", poster: "alice" });
    const forbidden = await delegate(fleet, {
      token: outsider.token,
      inputs: { issue: `org/app#${number}` },
    });
    expect(forbidden.code).toBe(1);
    expect(forbidden.stdout).toContain(`cannot assign org/app#${number} to ezra: the forge refused (403)`);

    // ezra loses write access: event mode hits Gitea's blank 500 and says who and where.
    fleet.sandbox.addCollaborator("org/app", "ezra", "read");
    const unassignable = await delegate(fleet, { inputs: { issue: `org/app#${number}` } });
    expect(unassignable.code).toBe(1);
    expect(unassignable.stdout).toContain("ezra is not an assignable user of org/app");
    expect(unassignable.stdout).not.toContain("assigned @ezra");
    expect(fleet.sandbox.comments("org/app", number)).toEqual([]);

    // A sweep checks every planned agent first and changes nothing.
    fleet.sandbox.addIssue("org/infra", { title: "refactor the parser", poster: "alice" });
    fleet.sandbox.resetRequests();
    const sweep = await delegate(fleet);
    expect(sweep.code).toBe(1);
    expect(sweep.stdout).toContain(
      "nothing was assigned: these agents cannot be assigned issues (no write access): ezra in org/app",
    );
    expect(writes(fleet)).toEqual([]);
  });

  it("gives no work to agents the lifecycle state marks idle or retired", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const retire = await runAction("lifecycle", {
      inputs: { command: "retire", agent: "ezra" },
      github: { token: fleet.token, api_url: fleet.apiUrl },
      env: { GITHUB_REPOSITORY: "org/fleet" },
    });
    expect(retire.code, retire.stdout + retire.stderr).toBe(0);
    const number = fleet.sandbox.addIssue("org/app", { title: "deploy new server config", poster: "alice" });
    const run = await delegate(fleet, { inputs: { issue: `org/app#${number}` } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.outputs.agent).toBe("timmy");
    expect(run.stdout).toContain("no available agent matched: fallback agent; ezra is retired");
  });

  it("treats shell-looking titles as data", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const marker = join(tmpdir(), `fleet-injection-${process.pid}`);
    rmSync(marker, { force: true });
    const titles = [
      `$(touch ${marker}) deploy`,
      `"; rm -rf ~; " deploy`,
      `\`touch ${marker}\` deploy\n::error::injected`,
    ];
    const numbers = titles.map((title) =>
      fleet!.sandbox.addIssue("org/app", { title, body: `$(touch ${marker})`, poster: "alice" }),
    );
    const run = await delegate(fleet, {
      env: { GITHUB_EVENT_NAME: "issues", GITHUB_REPOSITORY: "org/fleet" },
      event: {
        action: "opened",
        issue: { number: numbers[0], title: titles[0] },
        repository: { full_name: "org/app" },
      },
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(run.outputs.agent).toBe("ezra");
    const sweep = await delegate(fleet);
    expect(sweep.code).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(sweep.stdout).not.toMatch(/^::error::injected/m);
    for (const number of numbers) expect(assigneesOf(fleet, "org/app", number)).toEqual(["ezra"]);
  });

  it("names file, line, column and key of a bad config and writes nothing", async () => {
    fleet = await startFleet({ issuesPerRepo: 12 });
    const workspace = mkdtempSync(join(tmpdir(), "fleet-ws-"));
    mkdirSync(join(workspace, ".gitea"));
    writeFileSync(
      join(workspace, ".gitea/fleet.yml"),
      "agents:\n  ezra:\n    keywords: [deploy]\n    max_open: 2\n",
    );
    const unknownKey = await delegate(fleet, { workspace });
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stdout).toContain('.gitea/fleet.yml:4:5: agents.ezra.max_open: unknown key "max_open"');
    writeFileSync(join(workspace, ".gitea/fleet.yml"), "agents:\n  ezra: [deploy\n");
    const badYaml = await delegate(fleet, { workspace });
    expect(badYaml.code).toBe(2);
    expect(badYaml.stdout).toMatch(/\.gitea\/fleet\.yml:\d+:\d+: invalid YAML/);
    expect(writes(fleet)).toEqual([]);
  });

  it("changes nothing in dry-run and still reports every decision", async () => {
    fleet = await startFleet({ issuesPerRepo: 12 });
    const run = await delegate(fleet, { inputs: { "dry-run": "true" } });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(JSON.parse(run.outputs.assignments!).length).toBe([...fleet.eligible.values()].flat().length);
    expect(run.stdout).toContain("would assign @ezra");
    expect(writes(fleet)).toEqual([]);
  });

  it("fails with a clear message when no token is given, and only when a request needs it", async () => {
    fleet = await startFleet({ issuesPerRepo: 1 });
    const run = await delegate(fleet, { token: "" });
    expect(run.code).toBe(2);
    expect(run.stdout).toContain("no forge token");
    expect(fleet.sandbox.requests).toEqual([]);
  });
});
