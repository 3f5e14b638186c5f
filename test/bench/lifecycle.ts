// Lifecycle benchmarks: monitor over 1,000 agents in 3 repos — requests against the minimum, wall time, commits per run.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import { run } from "../../src/lifecycle/main.js";
import { benchIO, figure, heading, ms } from "./util.js";

const HOUR = 3_600_000;
const PAGE = 50;
const REPOS = ["org/app", "org/infra", "org/docs"];
const AGENTS = Array.from({ length: 1_000 }, (_, index) => `agent-${String(index + 1).padStart(4, "0")}`);

interface Bench {
  sandbox: GiteaSandbox;
  env: Record<string, string>;
  token: string;
}

/**
 * 600 agents active in the monitored repos' feeds (among other people's noise and older
 * history), 300 active only elsewhere (their own feed shows it), 100 silent for 30 h.
 */
async function seed(): Promise<Bench> {
  const now = Date.now();
  const at = (ms: number) => new Date(now - ms);
  const sandbox = new GiteaSandbox();
  const { token } = sandbox.addUser("fleet-bot");
  sandbox.addUser("alice");
  for (const agent of AGENTS) sandbox.addUser(agent);
  sandbox.addRepo("org/fleet", { collaborators: { "fleet-bot": "write" } });
  sandbox.addRepo("org/elsewhere");
  for (const repo of REPOS)
    sandbox.addRepo(repo, { collaborators: { alice: "write", "agent-0001": "write" } });
  const config = `repos: [${REPOS.join(", ")}]\nagents:\n${AGENTS.map((agent) => `  ${agent}: {}\n`).join("")}`;
  sandbox.putFile("org/fleet", ".gitea/fleet.yml", config);
  AGENTS.forEach((agent, index) => {
    const repo = REPOS[index % REPOS.length]!;
    if (index < 600)
      sandbox.addActivity({
        repo,
        user: agent,
        opType: "comment_issue",
        created: at(((index * 97) % 1200) * 60_000),
      });
    else if (index < 900)
      sandbox.addActivity({
        repo: "org/elsewhere",
        user: agent,
        opType: "commit_repo",
        created: at(2 * HOUR),
      });
    else
      sandbox.addActivity({
        repo: "org/elsewhere",
        user: agent,
        opType: "commit_repo",
        created: at(30 * HOUR),
      });
  });
  for (const [index, repo] of REPOS.entries()) {
    for (let n = 0; n < 100; n++)
      sandbox.addActivity({ repo, user: "alice", opType: "create_issue", created: at(n * 11 * 60_000) });
    // Older history the scan must not page through.
    for (let n = 0; n < 400; n++)
      sandbox.addActivity({
        repo,
        user: AGENTS[(n * 7 + index) % 600]!,
        opType: "commit_repo",
        created: at(26 * HOUR + n * 60_000),
      });
    for (let n = 0; n < 60; n++)
      sandbox.addIssue(repo, {
        title: `issue ${n}`,
        poster: "alice",
        assignees: n % 3 === 0 ? ["agent-0001"] : [],
      });
  }
  const { apiUrl } = await sandbox.start();
  const env = {
    GITHUB_REPOSITORY: "org/fleet",
    GITHUB_API_URL: apiUrl,
    GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), "fleet-bench-")),
    GITHUB_ACTOR: "bench",
  };
  return { sandbox, env, token };
}

/** Repo feed pages the scan needs: up to and including the first page that reaches past the window. */
function feedPagesNeeded(sandbox: GiteaSandbox, windowStartMs: number): number {
  return REPOS.reduce((sum, repo) => {
    const entries = sandbox.activities({ repo });
    const inWindow = entries.filter((entry) => Date.parse(entry.created) >= windowStartMs).length;
    return sum + Math.min(Math.max(1, Math.ceil(entries.length / PAGE)), Math.floor(inWindow / PAGE) + 1);
  }, 0);
}

async function monitor(bench: Bench, label: string): Promise<void> {
  const { sandbox } = bench;
  sandbox.resetRequests();
  const commitsBefore = sandbox.commits("org/fleet").length;
  const startMs = Date.now();
  const start = process.hrtime.bigint();
  const io = benchIO({ token: bench.token }, bench.env);
  const code = await run(io);
  const wall = ms(start);
  if (code !== 0) throw new Error(`monitor failed: ${io.reporter.lines.slice(-5).join("\n")}`);
  const requests = sandbox.requests.length;
  const feeds = sandbox.requests.filter((request) =>
    /^\/repos\/[^/]+\/[^/]+\/activities\/feeds$/.test(request.path),
  ).length;
  const userFeeds = sandbox.requests.filter((request) => request.path.startsWith("/users/")).length;
  const windowStartMs = startMs - 24 * HOUR;
  const seenInRepos = new Set(
    REPOS.flatMap((repo) => sandbox.activities({ repo }))
      .filter((entry) => Date.parse(entry.created) >= windowStartMs)
      .map((entry) => entry.user),
  );
  const watched = io.reporter.outputs.state ? Object.keys(JSON.parse(io.reporter.outputs.state).agents) : [];
  const unseen = AGENTS.filter((agent) => !seenInRepos.has(agent) && watched.includes(agent)).length;
  const minimum = feedPagesNeeded(sandbox, windowStartMs) + unseen;
  const commits = sandbox.commits("org/fleet").length - commitsBefore;
  console.log(`  ${label}`);
  figure(
    "  requests (repo feed pages + user feeds + the rest)",
    `${requests} = ${feeds} + ${userFeeds} + ${requests - feeds - userFeeds}`,
  );
  figure(
    "  requests / minimum (repo feed pages + unseen agents)",
    `${requests} / ${minimum} = ${(requests / minimum).toFixed(3)}x`,
    "<= 1.05x",
  );
  figure("  wall time", `${(wall / 1000).toFixed(2)} s`, "< 10 s");
  figure(
    "  commits",
    String(commits),
    io.reporter.outputs.changed === "true" ? "1 when changed" : "0 when not",
  );
  figure("  agents idle", String(JSON.parse(io.reporter.outputs.idle ?? "[]").length));
  if (sandbox.violations.length > 0)
    throw new Error(`swagger violations: ${sandbox.violations.slice(0, 3).join("; ")}`);
}

export async function bench(): Promise<void> {
  heading("lifecycle (monitor, 1,000 agents, 3 repos, in-process against the sandbox)");
  const current = await seed();
  try {
    await monitor(current, "first run (no state yet: 1,000 agents adopted)");
    await monitor(current, "second run (nothing new)");
    const now = new Date();
    for (const agent of AGENTS.slice(900, 950))
      current.sandbox.addActivity({ repo: "org/app", user: agent, opType: "comment_issue", created: now });
    await monitor(current, "third run (50 idle agents active again in org/app)");
    const state = current.sandbox.file("org/fleet", ".fleet/state.json");
    figure("state file size", `${((state?.text.length ?? 0) / 1024).toFixed(0)} KiB`);
  } finally {
    await current.sandbox.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await bench();
