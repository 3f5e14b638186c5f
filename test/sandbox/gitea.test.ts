import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";

const NOW = new Date("2026-03-10T12:00:00Z");
const hoursAgo = (hours: number) => new Date(NOW.getTime() - hours * 3_600_000);

let sandbox: GiteaSandbox;
let api: string;

beforeAll(async () => {
  sandbox = new GiteaSandbox({ now: () => NOW });
  sandbox.addUser("bot", { token: "bot-token" });
  sandbox.addUser("siteadmin", { admin: true });
  sandbox.addOrg("org");
  sandbox.addRepo("org/app", {
    collaborators: { bot: "admin", ezra: "write", timmy: "write", reader: "read", stranger2: "read" },
  });
  sandbox.addRepo("org/empty", { collaborators: { bot: "admin" } });
  sandbox.addUser("outsider");
  // 70 items, newest last: 60 issues and 10 pull requests.
  for (let i = 1; i <= 70; i++) {
    sandbox.addIssue("org/app", {
      title: `item ${i}`,
      poster: "reader",
      pull: i % 7 === 0,
      createdAt: hoursAgo(100 - i),
    });
  }
  ({ apiUrl: api } = await sandbox.start());
});

afterAll(async () => {
  await sandbox.close();
});

beforeEach(() => {
  sandbox.failureRate = 0;
  sandbox.resetRequests();
  sandbox.resetViolations();
});

async function call(
  method: string,
  path: string,
  options: { token?: string | null; body?: unknown; auth?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => unknown }> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? "bot-token" : options.token;
  if (options.auth) headers.authorization = options.auth;
  else if (token !== null) headers.authorization = `token ${token}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${api}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}

interface IssueJson {
  number: number;
  title: string;
  body: string;
  state: string;
  assignee: unknown;
  assignees: { login: string }[] | null;
  pull_request: unknown;
  closed_at: string | null;
  updated_at: string;
  comments: number;
  user: { login: string; id: number };
  repository: { full_name: string };
}

describe("auth and errors", () => {
  it("answers 401 with {message, url} without a token or with an unknown one", async () => {
    const missing = await call("GET", "/repos/org/app", { token: null });
    expect(missing.status).toBe(401);
    expect(missing.json()).toEqual({
      message: "token is required",
      url: expect.stringMatching(/\/api\/swagger$/),
    });
    const unknown = await call("GET", "/repos/org/app", { token: "nope" });
    expect(unknown.status).toBe(401);
  });

  it("accepts `Bearer` as well as `token`, and serves /version anonymously", async () => {
    const bearer = await call("GET", "/user", { auth: "Bearer bot-token" });
    expect((bearer.json() as { login: string }).login).toBe("bot");
    const version = await call("GET", "/version", { token: null });
    expect(version.json()).toEqual({ version: "1.27.1" });
  });

  it("answers 404 {message: 'not found'} for unknown repositories and issues", async () => {
    const repo = await call("GET", "/repos/org/nope");
    expect(repo.status).toBe(404);
    expect((repo.json() as { message: string }).message).toBe("not found");
    expect((await call("GET", "/repos/org/app/issues/999")).status).toBe(404);
  });

  it("describes the repository with the caller's permissions", async () => {
    const repo = (await call("GET", "/repos/org/app", { token: "token-reader" })).json() as {
      full_name: string;
      owner: { login: string };
      default_branch: string;
      permissions: { admin: boolean; push: boolean; pull: boolean };
    };
    expect(repo).toMatchObject({ full_name: "org/app", owner: { login: "org" }, default_branch: "main" });
    expect(repo.permissions).toEqual({ admin: false, push: false, pull: true });
  });
});

describe("issue list", () => {
  it("clamps limit to 50, sends X-Total-Count and Gitea's absolute Link header", async () => {
    const first = await call("GET", "/repos/org/app/issues?state=open&limit=100&page=1");
    expect(first.status).toBe(200);
    expect((first.json() as unknown[]).length).toBe(50);
    expect(first.headers.get("x-total-count")).toBe("70");
    const link = first.headers.get("link")!;
    expect(link).toBe(
      `<${api}/repos/org/app/issues?limit=100&page=2&state=open>; rel="next",` +
        `<${api}/repos/org/app/issues?limit=100&page=2&state=open>; rel="last"`,
    );
    const second = await call("GET", "/repos/org/app/issues?state=open&limit=100&page=2");
    expect((second.json() as unknown[]).length).toBe(20);
    expect(second.headers.get("link")).toBe(
      `<${api}/repos/org/app/issues?limit=100&page=1&state=open>; rel="first",` +
        `<${api}/repos/org/app/issues?limit=100&page=1&state=open>; rel="prev"`,
    );
  });

  it("pages by 30 when limit is absent, newest first", async () => {
    const page = (await call("GET", "/repos/org/app/issues")).json() as IssueJson[];
    expect(page.length).toBe(30);
    expect(page[0]!.number).toBe(70);
    expect(page[29]!.number).toBe(41);
  });

  it("includes pull requests unless type=issues; type=pulls gives only them", async () => {
    const all = await call("GET", "/repos/org/app/issues?limit=50");
    expect(all.headers.get("x-total-count")).toBe("70");
    const issues = await call("GET", "/repos/org/app/issues?type=issues&limit=50");
    expect(issues.headers.get("x-total-count")).toBe("60");
    expect((issues.json() as IssueJson[]).every((issue) => issue.pull_request === null)).toBe(true);
    const pulls = (await call("GET", "/repos/org/app/issues?type=pulls&limit=50")).json() as IssueJson[];
    expect(pulls.length).toBe(10);
    expect(
      pulls.every((issue) => typeof issue.pull_request === "object" && issue.pull_request !== null),
    ).toBe(true);
  });

  it("renders nobody assigned as assignees: null and assignee: null", async () => {
    const issue = (await call("GET", "/repos/org/app/issues/1")).json() as IssueJson;
    expect(issue.assignees).toBeNull();
    expect(issue.assignee).toBeNull();
    expect(issue.closed_at).toBeNull();
    expect(issue.repository.full_name).toBe("org/app");
    expect(issue.user.login).toBe("reader");
  });
});

describe("editing issues", () => {
  it("PATCH answers 201 and replaces the assignee set", async () => {
    const first = await call("PATCH", "/repos/org/app/issues/2", { body: { assignees: ["ezra", "timmy"] } });
    expect(first.status).toBe(201);
    expect((first.json() as IssueJson).assignees!.map((user) => user.login)).toEqual(["ezra", "timmy"]);
    const second = await call("PATCH", "/repos/org/app/issues/2", { body: { assignees: ["timmy"] } });
    expect((second.json() as IssueJson).assignees!.map((user) => user.login)).toEqual(["timmy"]);
    const timeline = (await call("GET", "/repos/org/app/issues/2/timeline")).json() as {
      type: string;
      assignee: { login: string };
      removed_assignee: boolean;
    }[];
    expect(timeline.map((event) => [event.type, event.assignee.login, event.removed_assignee])).toEqual([
      ["assignees", "ezra", false],
      ["assignees", "timmy", false],
      ["assignees", "ezra", true],
    ]);
  });

  it("silently drops a read-only poster's assignee change but applies the title", async () => {
    const answer = await call("PATCH", "/repos/org/app/issues/3", {
      token: "token-reader",
      body: { title: "renamed by poster", assignees: ["ezra"] },
    });
    expect(answer.status).toBe(201);
    const issue = answer.json() as IssueJson;
    expect(issue.title).toBe("renamed by poster");
    expect(issue.assignees).toBeNull();
    expect(sandbox.issue("org/app", 3)!.assignees).toBeNull();
  });

  it("answers 403 with an empty body to someone neither poster nor writer", async () => {
    const answer = await call("PATCH", "/repos/org/app/issues/4", {
      token: "token-outsider",
      body: { assignees: ["ezra"] },
    });
    expect(answer.status).toBe(403);
    expect(answer.text).toBe("");
  });

  it("answers 500 with a blank message for unknown or unassignable users (message only for site admins)", async () => {
    const unknown = await call("PATCH", "/repos/org/app/issues/5", { body: { assignees: ["ghost"] } });
    expect(unknown.status).toBe(500);
    expect((unknown.json() as { message: string }).message).toBe("");
    const readOnly = await call("PATCH", "/repos/org/app/issues/5", { body: { assignees: ["reader"] } });
    expect(readOnly.status).toBe(500);
    expect((readOnly.json() as { message: string }).message).toBe("");
    const org = await call("PATCH", "/repos/org/app/issues/5", { body: { assignees: ["org"] } });
    expect(org.status).toBe(500);
    const admin = await call("PATCH", "/repos/org/app/issues/5", {
      token: "token-siteadmin",
      body: { assignees: ["reader"] },
    });
    expect((admin.json() as { message: string }).message).toMatch(/doesn't have access to repo/);
    expect(sandbox.issue("org/app", 5)!.assignees).toBeNull();
  });

  it("closes with closed_at and records close_issue, but no feed entry for assignments", async () => {
    const before = sandbox.activities({ repo: "org/app" }).length;
    await call("PATCH", "/repos/org/app/issues/6", { body: { assignees: ["ezra"] } });
    expect(sandbox.activities({ repo: "org/app" }).length).toBe(before);
    const closed = (
      await call("PATCH", "/repos/org/app/issues/6", { body: { state: "closed" } })
    ).json() as IssueJson;
    expect(closed.state).toBe("closed");
    expect(closed.closed_at).toBe("2026-03-10T12:00:00Z");
    expect(closed.updated_at).toBe("2026-03-10T12:00:00Z");
    const last = sandbox.activities({ repo: "org/app" }).at(-1)!;
    expect(last).toMatchObject({ opType: "close_issue", user: "bot", content: "6|" });
  });
});

describe("comments", () => {
  it("POST answers 201, records comment_issue, and GET lists every comment unpaginated", async () => {
    for (let i = 0; i < 55; i++) sandbox.addComment("org/app", 9, { user: "reader", body: `seeded ${i}` });
    const created = await call("POST", "/repos/org/app/issues/9/comments", {
      token: "token-ezra",
      body: { body: "On it.\nDetails follow." },
    });
    expect(created.status).toBe(201);
    expect((created.json() as { body: string; user: { login: string } }).user.login).toBe("ezra");
    const list = await call("GET", "/repos/org/app/issues/9/comments");
    const comments = list.json() as { body: string }[];
    expect(comments.length).toBe(56);
    expect(comments[0]!.body).toBe("seeded 0");
    expect(comments.at(-1)!.body).toBe("On it.\nDetails follow.");
    expect(list.headers.get("link")).toBeNull();
    expect(sandbox.activities({ user: "ezra" }).at(-1)).toMatchObject({
      opType: "comment_issue",
      content: "9|On it.\nDetails follow.",
    });
    expect(((await call("GET", "/repos/org/app/issues/9")).json() as IssueJson).comments).toBe(56);
  });
});

describe("contents", () => {
  const encode = (text: string) => Buffer.from(text).toString("base64");

  it("writes several files in ONE commit with ChangeFiles and reads them back", async () => {
    const answer = await call("POST", "/repos/org/empty/contents", {
      body: {
        message: "Add state [skip ci]",
        files: [
          { operation: "create", path: ".fleet/state.json", content: encode("{}\n") },
          { operation: "create", path: ".fleet/FLEET.md", content: encode("# Fleet\n") },
        ],
      },
    });
    expect(answer.status).toBe(201);
    const body = answer.json() as {
      files: { path: string; sha: string }[];
      commit: { sha: string; message: string };
    };
    expect(body.files.map((file) => file.path)).toEqual([".fleet/state.json", ".fleet/FLEET.md"]);
    expect(sandbox.commits("org/empty")).toEqual([
      expect.objectContaining({
        sha: body.commit.sha,
        message: "Add state [skip ci]",
        author: "bot",
        files: [".fleet/state.json", ".fleet/FLEET.md"],
      }),
    ]);
    const file = (await call("GET", "/repos/org/empty/contents/.fleet/state.json?ref=main")).json() as {
      type: string;
      sha: string;
      content: string;
      encoding: string;
    };
    expect(file.type).toBe("file");
    expect(file.encoding).toBe("base64");
    expect(Buffer.from(file.content, "base64").toString()).toBe("{}\n");
    // git hash-object of "{}\n"
    expect(file.sha).toBe("0967ef424bce6791893e9a57bb952f80fd536e93");
    expect(sandbox.activities({ repo: "org/empty" }).at(-1)).toMatchObject({
      opType: "commit_repo",
      user: "bot",
    });
  });

  it("rejects a stale sha with 422 'sha does not match' and writes nothing", async () => {
    const current = sandbox.file("org/empty", ".fleet/state.json")!;
    const commitsBefore = sandbox.commits("org/empty").length;
    const answer = await call("POST", "/repos/org/empty/contents", {
      body: {
        message: "stale",
        files: [
          {
            operation: "update",
            path: ".fleet/FLEET.md",
            content: encode("# new\n"),
            sha: sandbox.file("org/empty", ".fleet/FLEET.md")!.sha,
          },
          {
            operation: "update",
            path: ".fleet/state.json",
            content: encode('{"a":1}\n'),
            sha: "0".repeat(40),
          },
        ],
      },
    });
    expect(answer.status).toBe(422);
    expect((answer.json() as { message: string }).message).toBe(
      `sha does not match [given: ${"0".repeat(40)}, expected: ${current.sha}]`,
    );
    expect(sandbox.commits("org/empty").length).toBe(commitsBefore);
    expect(sandbox.file("org/empty", ".fleet/FLEET.md")!.text).toBe("# Fleet\n");
  });

  it("overwrites blindly when an update carries no sha (like Gitea: a lost update)", async () => {
    const answer = await call("POST", "/repos/org/empty/contents", {
      body: { files: [{ operation: "update", path: ".fleet/state.json", content: encode("blind\n") }] },
    });
    expect(answer.status).toBe(201);
    expect(sandbox.file("org/empty", ".fleet/state.json")!.text).toBe("blind\n");
    expect(sandbox.commits("org/empty").at(-1)!.message).toBe("Update .fleet/state.json");
  });

  it("answers 422 when creating a file that exists, 404 for a missing file, 403 for readers", async () => {
    const exists = await call("POST", "/repos/org/empty/contents", {
      body: { files: [{ operation: "create", path: ".fleet/FLEET.md", content: encode("x") }] },
    });
    expect(exists.status).toBe(422);
    expect((exists.json() as { message: string }).message).toMatch(/already exists/);
    expect((await call("GET", "/repos/org/empty/contents/nope.txt")).status).toBe(404);
    const reader = await call("POST", "/repos/org/app/contents", {
      token: "token-reader",
      body: { files: [{ operation: "create", path: "x.txt", content: encode("x") }] },
    });
    expect(reader.status).toBe(403);
  });

  it("PUT needs the current sha to update and answers 200", async () => {
    const current = sandbox.file("org/empty", ".fleet/FLEET.md")!;
    const stale = await call("PUT", "/repos/org/empty/contents/.fleet/FLEET.md", {
      body: { content: encode("v2"), sha: "1".repeat(40) },
    });
    expect(stale.status).toBe(422);
    const fresh = await call("PUT", "/repos/org/empty/contents/.fleet/FLEET.md", {
      body: { content: encode("v2"), sha: current.sha, message: "v2" },
    });
    expect(fresh.status).toBe(200);
    expect(sandbox.file("org/empty", ".fleet/FLEET.md")!.text).toBe("v2");
  });
});

describe("activity feeds", () => {
  beforeAll(() => {
    sandbox.addRepo("org/feed", { collaborators: { "agent-a": "write", "agent-b": "write" } });
    for (let i = 0; i < 120; i++) {
      sandbox.addActivity({
        repo: "org/feed",
        user: "agent-b",
        opType: "commit_repo",
        created: hoursAgo(200 - i),
      });
    }
    sandbox.addActivity({
      repo: "org/feed",
      user: "agent-a",
      opType: "comment_issue",
      created: "2026-03-01T10:00:00Z",
    });
  });

  it("pages the repository feed newest first with X-Total-Count and no Link header", async () => {
    const first = await call("GET", "/repos/org/feed/activities/feeds?limit=100&page=1");
    expect(first.headers.get("x-total-count")).toBe("121");
    expect(first.headers.get("link")).toBeNull();
    const items = first.json() as { created: string; op_type: string; act_user: { login: string } }[];
    expect(items.length).toBe(50);
    expect(items[0]!.created).toBe("2026-03-07T03:00:00Z");
    const times = items.map((item) => Date.parse(item.created));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const third = (await call("GET", "/repos/org/feed/activities/feeds?limit=50&page=3")).json() as unknown[];
    expect(third.length).toBe(21);
  });

  it("filters a whole day with date=YYYY-MM-DD and ignores an unparseable date", async () => {
    const day = await call("GET", "/repos/org/feed/activities/feeds?date=2026-03-01");
    expect((day.json() as { act_user: { login: string } }[]).map((item) => item.act_user.login)).toContain(
      "agent-a",
    );
    expect(Number(day.headers.get("x-total-count"))).toBeLessThan(121);
    const bad = await call("GET", "/repos/org/feed/activities/feeds?date=yesterday");
    expect(bad.headers.get("x-total-count")).toBe("121");
  });

  it("mixes watched repositories' activity into a user feed unless only-performed-by=true", async () => {
    const trap = await call("GET", "/users/agent-a/activities/feeds?limit=50");
    expect(Number(trap.headers.get("x-total-count"))).toBe(121);
    sandbox.addActivity({ repo: "org/feed", user: "agent-b", opType: "commit_repo", created: NOW });
    const grown = await call("GET", "/users/agent-a/activities/feeds?limit=50");
    expect(grown.headers.get("x-total-count")).toBe("122");
    const own = await call("GET", "/users/agent-a/activities/feeds?only-performed-by=true&limit=50");
    expect(own.headers.get("x-total-count")).toBe("1");
    expect((own.json() as { act_user: { login: string } }[])[0]!.act_user.login).toBe("agent-a");
  });

  it("gives a heatmap in 15-minute buckets", async () => {
    const heatmap = (await call("GET", "/users/agent-a/heatmap")).json() as {
      timestamp: number;
      contributions: number;
    }[];
    expect(heatmap).toEqual([{ timestamp: Date.parse("2026-03-01T10:00:00Z") / 1000, contributions: 1 }]);
  });
});

describe("failure injection", () => {
  it("answers 502 with an HTML body instead of handling the request, deterministically", async () => {
    const run = async () => {
      const injected = new GiteaSandbox({ failureRate: 0.5, seed: 7 });
      injected.addUser("bot", { token: "t" });
      injected.addRepo("bot/r");
      const number = injected.addIssue("bot/r", { title: "x", poster: "bot" });
      const { apiUrl } = await injected.start();
      const statuses: number[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          const response = await fetch(`${apiUrl}/repos/bot/r/issues/${number}/comments`, {
            method: "POST",
            headers: { authorization: "token t", "content-type": "application/json" },
            body: JSON.stringify({ body: `c${i}` }),
          });
          const text = await response.text();
          if (response.status === 502) expect(text).toMatch(/<html>[\s\S]*502 Bad Gateway/);
          statuses.push(response.status);
        }
        expect(injected.comments("bot/r", number).length).toBe(
          statuses.filter((status) => status === 201).length,
        );
      } finally {
        await injected.close();
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(502);
    expect(first).toContain(201);
    expect(await run()).toEqual(first);
  });
});

describe("swagger validation", () => {
  it("rejects an unknown query parameter with 400 and records it", async () => {
    const answer = await call("GET", "/repos/org/app/issues?per_page=100");
    expect(answer.status).toBe(400);
    expect(sandbox.violations).toEqual([expect.stringContaining("unknown query parameter 'per_page'")]);
  });

  it("rejects wrong query types and bad enum values", async () => {
    expect((await call("GET", "/repos/org/app/issues?limit=ten")).status).toBe(400);
    expect((await call("GET", "/repos/org/app/issues?state=opened")).status).toBe(400);
    expect((await call("GET", "/users/bot/activities/feeds?only-performed-by=yes")).status).toBe(400);
    expect(sandbox.violations.length).toBe(3);
  });

  it("rejects an unknown body property, a wrong type, a missing required field and a bad enum", async () => {
    expect((await call("PATCH", "/repos/org/app/issues/8", { body: { assignee_ids: [1] } })).status).toBe(
      400,
    );
    expect((await call("PATCH", "/repos/org/app/issues/8", { body: { assignees: "ezra" } })).status).toBe(
      400,
    );
    expect((await call("POST", "/repos/org/app/issues/8/comments", { body: {} })).status).toBe(400);
    const badOp = await call("POST", "/repos/org/app/contents", {
      body: { files: [{ operation: "replace", path: "a" }] },
    });
    expect(badOp.status).toBe(400);
    expect(sandbox.violations).toEqual([
      expect.stringContaining("body.assignee_ids is not a property of EditIssueOption"),
      expect.stringContaining("body.assignees must be array, got string"),
      expect.stringContaining("body.body is required"),
      expect.stringContaining("body.files[0].operation must be one of"),
    ]);
    expect(sandbox.issue("org/app", 8)!.assignees).toBeNull();
  });

  it("rejects paths and methods outside the fixture", async () => {
    expect((await call("GET", "/repos/org/app/pulls")).status).toBe(400);
    expect((await call("DELETE", "/repos/org/app/issues/8")).status).toBe(400);
    expect(
      (await call("POST", "/repos/org/app/issues/8/assignees", { body: { assignees: ["ezra"] } })).status,
    ).toBe(400);
    expect(sandbox.violations.length).toBe(3);
  });

  it("records every request with status, user and query", async () => {
    await call("GET", "/repos/org/app/issues?type=issues&limit=50");
    expect(sandbox.requests).toEqual([
      expect.objectContaining({
        method: "GET",
        path: "/repos/org/app/issues",
        query: { type: "issues", limit: "50" },
        status: 200,
        user: "bot",
      }),
    ]);
  });
});
