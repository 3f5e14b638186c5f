import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import { SAMPLE, seedSampleFleet } from "../../sandbox/sample.js";
import { parseConfig } from "../../src/config/config.js";
import { ForgeClient } from "../../src/forge/client.js";
import { isNotFound, isStaleSha } from "../../src/forge/errors.js";
import type { Activity } from "../../src/forge/types.js";

const NOW = new Date("2026-03-10T12:00:00Z");
let sandbox: GiteaSandbox;
let client: ForgeClient;

beforeAll(async () => {
  sandbox = new GiteaSandbox({ now: () => NOW });
  seedSampleFleet(sandbox, { now: NOW, ollamaUrl: "http://127.0.0.1:11434" });
  const { apiUrl } = await sandbox.start();
  client = new ForgeClient({ baseUrl: apiUrl, token: () => SAMPLE.bot.token, retryDelayMs: 1 });
});

afterAll(async () => {
  await sandbox.close();
});

describe("ForgeClient against the sandbox", () => {
  it("sends only requests that are valid against Gitea's swagger", async () => {
    expect(await client.version()).toBe("1.27.1");
    expect((await client.getRepo(SAMPLE.repos.app)).default_branch).toBe("main");
    const assignees = (await client.listAssignees(SAMPLE.repos.app)).map((user) => user.login);
    expect(assignees).toEqual(expect.arrayContaining([...SAMPLE.agents, SAMPLE.bot.login]));
    expect(assignees).not.toContain(SAMPLE.viewer.login);

    const open = await client.listOpenIssues(SAMPLE.repos.app);
    expect(open.length).toBeGreaterThan(5);
    expect(open.every((issue) => !issue.pull_request)).toBe(true);
    const target = open.find((issue) => issue.assignees === null)!;
    expect((await client.getIssue(SAMPLE.repos.app, target.number)).title).toBe(target.title);
    const assigned = await client.setAssignees(SAMPLE.repos.app, target.number, ["claw-code"]);
    expect(assigned.assignees?.map((user) => user.login)).toEqual(["claw-code"]);

    await client.createComment(SAMPLE.repos.app, target.number, "Delegated to claw-code <!-- fleet -->");
    const comments = await client.listComments(SAMPLE.repos.app, target.number);
    expect(comments.at(-1)?.body).toContain("<!-- fleet -->");

    const config = await client.readFile(SAMPLE.fleetRepo, SAMPLE.configPath);
    expect(parseConfig(SAMPLE.configPath, config!.text).agents.map((agent) => agent.name)).toEqual([
      ...SAMPLE.agents,
    ]);
    expect(await client.readFile(SAMPLE.fleetRepo, ".fleet/state.json")).toBeUndefined();

    const created = await client.changeFiles(SAMPLE.fleetRepo, {
      message: "Add state [skip ci]",
      files: [
        { operation: "create", path: ".fleet/state.json", content: "{}\n" },
        { operation: "create", path: ".fleet/FLEET.md", content: "# Fleet\n" },
      ],
    });
    expect(created.commitSha).toMatch(/^[0-9a-f]{40}$/);
    const state = (await client.readFile(SAMPLE.fleetRepo, ".fleet/state.json", "main"))!;
    await client.changeFiles(SAMPLE.fleetRepo, {
      message: "Update state [skip ci]",
      files: [{ operation: "update", path: ".fleet/state.json", content: '{"v":1}\n', sha: state.sha }],
    });
    const stale = await client
      .changeFiles(SAMPLE.fleetRepo, {
        message: "stale",
        files: [{ operation: "update", path: ".fleet/state.json", content: "{}\n", sha: state.sha }],
      })
      .catch((error: unknown) => error);
    expect(isStaleSha(stale)).toBe(true);

    const repoFeed = await client.repoFeedPage(SAMPLE.repos.app, 1);
    expect(repoFeed.total).toBeGreaterThan(0);
    expect(repoFeed.items[0]?.created).toMatch(/Z$/);
    const own = await client.all<Activity>(`/users/${SAMPLE.silentAgent}/activities/feeds`, {
      "only-performed-by": true,
    });
    expect(own.every((activity) => activity.act_user?.login === SAMPLE.silentAgent)).toBe(true);
    expect((await client.userFeedPage("ezra", 1)).items[0]?.act_user?.login).toBe("ezra");

    const missing = await client.getIssue(SAMPLE.repos.app, 9_999).catch((error: unknown) => error);
    expect(isNotFound(missing)).toBe(true);

    expect(sandbox.violations).toEqual([]);
  });

  it("reads a timeline with Gitea's event types and actors, page after page, and labels issues", async () => {
    const repo = SAMPLE.repos.app;
    const number = sandbox.addIssue(repo, { title: "timeline", poster: SAMPLE.viewer.login });
    const pull = sandbox.addIssue(repo, { title: "fix", poster: "ezra", pull: true });
    sandbox.editIssue(repo, number, { by: SAMPLE.bot.login, assignees: ["ezra"] });
    sandbox.addReference(repo, number, { by: "ezra", pull });
    sandbox.addReference(repo, number, { by: "ezra", commitSha: "a".repeat(40) });
    sandbox.addLabel(repo, number, { by: "ezra", label: "bug" });
    sandbox.editIssue(repo, number, { by: SAMPLE.bot.login, assignees: [] });
    // More events than one page holds (the client asks for 50): the rest comes from page 2.
    for (let index = 0; index < 50; index++)
      sandbox.addComment(repo, number, { user: "ezra", body: `step ${index}` });
    sandbox.resetRequests();
    const events = await client.listTimeline(repo, number);
    expect(events).toHaveLength(55);
    expect(sandbox.requests.filter((request) => request.path.endsWith("/timeline"))).toHaveLength(2);
    expect(events.slice(0, 5).map((event) => [event.type, event.user?.login])).toEqual([
      ["assignees", SAMPLE.bot.login],
      ["pull_ref", "ezra"],
      ["commit_ref", "ezra"],
      ["label", "ezra"],
      ["assignees", SAMPLE.bot.login],
    ]);
    expect(events[4]).toMatchObject({ assignee: { login: "ezra" }, removed_assignee: true });

    const labels = await client.listLabels(repo);
    expect(labels.map((label) => label.name)).toContain("bug");
    const made = await client.createLabel(repo, { name: "needs-human", color: "#d93f0b", description: "x" });
    const onIssue = await client.addLabels(repo, number, [made.id]);
    expect(onIssue.map((label) => label.name)).toEqual(["bug", "needs-human"]);
    const again = await client
      .createLabel(repo, { name: "needs-human", color: "#d93f0b", description: "x" })
      .catch((error: unknown) => error);
    expect(again).toMatchObject({ status: 422 });
    expect(sandbox.violations).toEqual([]);
  });

  it("pages every list to the end through injected 502s", async () => {
    const expected = (await client.listOpenIssues(SAMPLE.repos.infra)).length;
    sandbox.failureRate = 0.3;
    try {
      for (let round = 0; round < 10; round++) {
        expect((await client.listOpenIssues(SAMPLE.repos.infra)).length).toBe(expected);
      }
    } finally {
      sandbox.failureRate = 0;
    }
    expect(sandbox.requests.some((request) => request.status === 502)).toBe(true);
    expect(sandbox.violations).toEqual([]);
  });
});
