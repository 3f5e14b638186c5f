// Delegate benchmarks: requests against the minimum the job needs, wall time, cold start, bundle size.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/delegate/main.js";
import { type SeededFleet, startFleet } from "../harness/fleet.js";
import { benchIO, coldStart, figure, heading, ms, sizeOf } from "./util.js";

function env(fleet: SeededFleet, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_REPOSITORY: "org/fleet",
    GITHUB_EVENT_NAME: "schedule",
    GITHUB_API_URL: fleet.apiUrl,
    GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), "fleet-bench-")),
    FLEET_RETRY_DELAY_MS: "1",
    ...extra,
  };
}

export async function bench(): Promise<void> {
  heading("delegate");
  const fleet = await startFleet({ issuesPerRepo: 120 });
  try {
    const openIssues = new Map(
      fleet.repos.map((repo) => [
        repo,
        fleet.sandbox.issues(repo).filter((issue) => !issue.pull_request).length,
      ]),
    );
    const start = process.hrtime.bigint();
    const io = benchIO({ token: fleet.token }, env(fleet));
    const code = await run(io);
    const wall = ms(start);
    if (code !== 0) throw new Error(`sweep failed: ${io.reporter.lines.join("\n")}`);
    const requests = fleet.sandbox.requests;
    for (const repo of fleet.repos) {
      const lists = requests.filter((request) => request.path === `/repos/${repo}/issues`).length;
      figure(
        `list requests for ${repo} (${openIssues.get(repo)} open issues)`,
        `${lists} vs ${Math.ceil(openIssues.get(repo)! / 50)}`,
        "equal",
      );
    }
    const assigned = [...fleet.eligible.values()].flat().length;
    const listPages = [...openIssues.values()].reduce((sum, n) => sum + Math.max(1, Math.ceil(n / 50)), 0);
    // Config and state read, every list page, and per assignment one PATCH and one comment POST.
    const minimum = 2 + listPages + assigned * 2;
    figure("sweep requests (360 issues, 3 repos)", `${requests.length} vs ${minimum}`);
    figure("sweep requests / minimum", `${(requests.length / minimum).toFixed(3)}x`, "<= 1.05x");
    figure("sweep wall time (360 issues, loopback sandbox)", `${wall.toFixed(0)} ms`);

    fleet.sandbox.resetRequests();
    await run(benchIO({ token: fleet.token }, env(fleet)));
    figure(
      "second sweep: writes",
      String(fleet.sandbox.requests.filter((request) => request.method !== "GET").length),
      "0",
    );

    fleet.sandbox.resetRequests();
    const number = fleet.sandbox.addIssue("org/app", { title: "deploy new server config", poster: "alice" });
    const eventPath = join(mkdtempSync(join(tmpdir(), "fleet-event-")), "event.json");
    writeFileSync(
      eventPath,
      JSON.stringify({ action: "opened", issue: { number }, repository: { full_name: "org/app" } }),
    );
    const eventIO = benchIO(
      { token: fleet.token },
      env(fleet, { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: eventPath }),
    );
    fleet.sandbox.resetRequests();
    await run(eventIO);
    const all = fleet.sandbox.requests;
    const setup = all.filter((request) => request.path.includes("/contents/")).length;
    figure(
      "event mode: requests per delegation (+ config/state reads)",
      `${all.length - setup} (+${setup})`,
      "<= 4",
    );

    fleet.sandbox.resetRequests();
    const chaos = await startFleet({ issuesPerRepo: 120 });
    chaos.sandbox.failureRate = 0.2;
    const chaosStart = process.hrtime.bigint();
    await run(benchIO({ token: chaos.token }, env(chaos)));
    figure("sweep with 20% injected 502s: wall time", `${ms(chaosStart).toFixed(0)} ms`);
    figure("sweep with 20% injected 502s: requests", String(chaos.sandbox.requests.length));
    await chaos.sandbox.close();
  } finally {
    await fleet.sandbox.close();
  }
  const bundle = "dist/delegate/index.js";
  const ignoreEvent = join(mkdtempSync(join(tmpdir(), "fleet-cold-")), "event.json");
  writeFileSync(
    ignoreEvent,
    JSON.stringify({ action: "closed", issue: { number: 1 }, repository: { full_name: "org/app" } }),
  );
  const cold = await coldStart(bundle, { GITHUB_EVENT_NAME: "issues", GITHUB_EVENT_PATH: ignoreEvent });
  figure("cold start of dist/delegate/index.js (median of 5)", `${cold.toFixed(0)} ms`);
  figure("bundle size dist/delegate/index.js", sizeOf(bundle), "<= 2 MB");
}
