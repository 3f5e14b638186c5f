// `fleet doctor` against the sandboxes: every ✗ it can print, each from a setup that really has
// that problem, and a healthy setup that passes with reads only.
import { afterEach, describe, expect, it } from "vitest";
import { OllamaSandbox } from "../../sandbox/ollama/index.js";
import { main } from "../../src/cli/main.js";
import { closedPort, workspace } from "../harness/files.js";
import { FLEET_YML, type SeededFleet, startFleet } from "../harness/fleet.js";

const CHAIN_YML = (url: string) => `models:
  url: ${url}
  chain:
    - { model: phi3:3.8b, role: primary }
    - { model: gemma3:1b, role: last-resort }
`;

let fleet: SeededFleet | undefined;
let ollama: OllamaSandbox | undefined;
afterEach(async () => {
  await Promise.all([fleet?.sandbox.close(), ollama?.close()]);
  fleet = undefined;
  ollama = undefined;
});

interface DoctorRun {
  code: number;
  out: string;
  err: string;
  /** The check lines (✓, ✗ or -). */
  lines: string[];
  failures: string[];
}

async function doctor(args: string[], env: NodeJS.ProcessEnv = {}): Promise<DoctorRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    ["doctor", ...args],
    { FLEET_RETRY_DELAY_MS: "1", ...env },
    {
      out: (text) => out.push(text),
      err: (text) => err.push(text),
    },
  );
  const text = out.join("");
  const lines = `${text}${err.join("")}`.split("\n").filter((line) => /^[✓✗-] /.test(line));
  return {
    code,
    out: text,
    err: err.join(""),
    lines,
    failures: lines.filter((line) => line.startsWith("✗")),
  };
}

/** Doctor against the seeded fleet, as its bot (or `token`), with the config in org/fleet. */
function online(current: SeededFleet, extra: string[] = [], token = current.token) {
  return doctor(["--api-url", current.apiUrl, "--repository", "org/fleet", "--token", token, ...extra], {
    GITHUB_WORKSPACE: workspace(),
  });
}

async function startOllama(): Promise<string> {
  ollama = new OllamaSandbox({ models: { "phi3:3.8b": "ok", "gemma3:1b": "ok" } });
  return (await ollama.start()).url;
}

describe("fleet doctor", () => {
  it("passes every check of a healthy setup with reads only, and --json prints real JSON", async () => {
    const url = await startOllama();
    fleet = await startFleet({ issuesPerRepo: 1, config: `${FLEET_YML}${CHAIN_YML(url)}` });
    const run = await online(fleet, ["--json"]);
    expect(run.code, run.err).toBe(0);
    expect(run.failures).toEqual([]);
    expect(run.err).toContain(
      "✓ org/fleet:.gitea/fleet.yml is valid: 5 agents, 3 watched repositories, 2 chain models",
    );
    expect(run.err).toContain("✓ acts as fleet-bot");
    expect(run.err).toContain("✓ org/fleet is public; fleet-bot may write it");
    expect(run.err).toContain("✓ org/app: all 5 agents can be assigned issues");
    expect(run.err).toContain("✓ phi3:3.8b (primary) is installed");
    const json = JSON.parse(run.out) as { ok: boolean; checks: { check: string; status: string }[] };
    expect(json.ok).toBe(true);
    expect(json.checks).toContainEqual(expect.objectContaining({ check: "agent timmy", status: "ok" }));
    expect(json.checks.every((check) => check.status !== "fail")).toBe(true);
    expect(fleet.sandbox.requests.filter((request) => request.method !== "GET")).toEqual([]);
    // The budget: config, version, user, 4 repositories, 5 agents, 3 assignee lists.
    expect(fleet.sandbox.requests).toHaveLength(1 + 1 + 1 + 4 + 5 + 3);
    expect(fleet.sandbox.violations).toEqual([]);
    expect(ollama?.requests.map((request) => request.path)).not.toContain("/api/chat");
  });

  it("--offline checks the config alone: a fallback typo is a ✗ at file:line:col, exit 1", async () => {
    const good = await doctor(["--offline"], {
      GITHUB_WORKSPACE: workspace({ ".gitea/fleet.yml": FLEET_YML }),
    });
    expect(good.code, good.out + good.err).toBe(0);
    expect(good.lines).toEqual(["✓ .gitea/fleet.yml is valid: 5 agents, 3 watched repositories"]);
    const typo = FLEET_YML.replace("fallback: timmy", "fallback: timy");
    const bad = await doctor(["--offline"], { GITHUB_WORKSPACE: workspace({ ".gitea/fleet.yml": typo }) });
    expect(bad.code).toBe(1);
    expect(bad.failures).toEqual([
      `✗ .gitea/fleet.yml:${typo.split("\n").findIndex((line) => line.includes("timy")) + 1}:13: delegation.fallback: "timy" is not an agent listed under \`agents\`; did you mean "timmy"? — fix: correct the file at that position (schema/fleet.schema.json lists every key)`,
    ]);
    const missing = await doctor(["--offline"], { GITHUB_WORKSPACE: workspace() });
    expect(missing.code).toBe(1);
    expect(missing.failures[0]).toContain("✗ .gitea/fleet.yml: config file not found in the workspace");
    expect(missing.failures[0]).toContain("run in a checkout of the fleet repository");
  });

  it("says which agents and paths the config's cross-key rules reject", async () => {
    const twins = `${FLEET_YML}  Ezra: {}\n`.replace("  timmy: {}\n", "  timmy: {}\n  Ezra: {}\n");
    const run = await doctor(["--offline"], {
      GITHUB_WORKSPACE: workspace({ ".gitea/fleet.yml": twins.replace(/\n {2}Ezra: \{\}\n$/, "\n") }),
    });
    expect(run.code).toBe(1);
    expect(run.failures[0]).toMatch(
      /^✗ \.gitea\/fleet\.yml:\d+:3: agents\.Ezra: "Ezra" and "ezra" are one forge login/,
    );
    const samePath = `${FLEET_YML}lifecycle:\n  state-path: .fleet/FLEET.md\n`;
    const paths = await doctor(["--offline"], {
      GITHUB_WORKSPACE: workspace({ ".gitea/fleet.yml": samePath }),
    });
    expect(paths.failures[0]).toContain('state-path and dashboard-path are both ".fleet/FLEET.md"');
  });

  it("a forge that does not answer is a ✗ naming the URL and what --api-url should be", async () => {
    const apiUrl = `http://127.0.0.1:${await closedPort()}/api/v1`;
    const run = await doctor(["--api-url", apiUrl, "--token", "t"], {
      GITHUB_WORKSPACE: workspace({ ".gitea/fleet.yml": FLEET_YML }),
    });
    expect(run.code).toBe(1);
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toContain(`✗ ${apiUrl} did not answer as a Gitea API`);
    expect(run.failures[0]).toContain("on Gitea and Forgejo it is <server>/api/v1");
  });

  it("a missing or refused token is a ✗ with the personal-token fix", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const ws = workspace({ ".gitea/fleet.yml": FLEET_YML });
    const none = await doctor(["--api-url", fleet.apiUrl], { GITHUB_WORKSPACE: ws });
    expect(none.code).toBe(1);
    expect(none.failures).toEqual([
      expect.stringMatching(/^✗ no token given — fix: use a personal access token/),
    ]);
    const refused = await doctor(["--api-url", fleet.apiUrl, "--token", "not-a-token"], {
      GITHUB_WORKSPACE: ws,
    });
    expect(refused.code).toBe(1);
    expect(refused.failures[0]).toContain("✗ the forge refused the token: GET /version answered 401");
    expect(refused.failures[0]).toContain("secrets.FLEET_TOKEN");
    // Without a checkout the config itself cannot be read: that is the first ✗.
    const remote = await online(fleet, [], "not-a-token");
    expect(remote.failures[0]).toContain("✗ cannot read the config from the forge");
  });

  it("names a watched repository the token cannot see, and one it may only read", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    fleet.sandbox.addRepo("org/secret", { private: true });
    fleet.sandbox.addCollaborator("org/docs", "fleet-bot", "read");
    fleet.sandbox.putFile(
      "org/fleet",
      ".gitea/fleet.yml",
      FLEET_YML.replace("repos: [org/app, org/infra, org/docs]", "repos: [org/app, org/docs, org/secret]"),
    );
    const run = await online(fleet);
    expect(run.code).toBe(1);
    expect(run.failures).toEqual([
      "✗ org/docs is public; fleet-bot may only read it: delegate cannot assign or comment there — fix: give fleet-bot write access to org/docs (a collaborator with write, or a team), or use a token of a user who has it",
      "✗ org/secret (a watched repository) does not exist or fleet-bot cannot see it (404) — fix: check the name (config `repos` or --repository), or give fleet-bot access to org/secret",
    ]);
  });

  it("a fleet repository the token may only read cannot take the state commits", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    fleet.sandbox.addCollaborator("org/fleet", "fleet-bot", "read");
    const run = await online(fleet);
    expect(run.failures).toEqual([
      expect.stringContaining(
        "✗ org/fleet is public; fleet-bot may only read it: lifecycle (and model-chain with commit) cannot commit the state there",
      ),
    ]);
  });

  it("the job token on a private watched repository is a blind monitor: ✗ with the FLEET_TOKEN fix", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const job = fleet.sandbox.addUser("gitea-actions", { token: "job-token" });
    fleet.sandbox.addRepo("org/private-app", { private: true, collaborators: { "gitea-actions": "write" } });
    for (const agent of ["claw-code", "gemini", "ezra", "bezalel", "timmy"])
      fleet.sandbox.addCollaborator("org/private-app", agent, "write");
    const config = FLEET_YML.replace(
      "repos: [org/app, org/infra, org/docs]",
      "repos: [org/app, org/private-app]",
    );
    const run = await doctor(["--api-url", fleet.apiUrl, "--token", job.token], {
      GITHUB_WORKSPACE: workspace({ ".gitea/fleet.yml": config }),
    });
    expect(run.code).toBe(1);
    expect(run.lines).toContain(
      "✓ the job token (gitea-actions): it sees activity of public repositories only",
    );
    expect(run.failures).toEqual([
      // The job token reads other public repositories only: delegate could not assign there.
      expect.stringContaining("✗ org/app is public; gitea-actions may only read it"),
      expect.stringMatching(
        /^✗ org\/private-app is private and the token is the job token, which sees no private activity: lifecycle monitor would be blind there — fix: .*`token: \$\{\{ secrets\.FLEET_TOKEN \}\}`/,
      ),
    ]);
  });

  it("names agents that are no forge user, and agents who cannot be assigned in a repository", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    fleet.sandbox.addCollaborator("org/app", "ezra", "read");
    fleet.sandbox.addCollaborator("org/app", "gemini", "read");
    fleet.sandbox.putFile(
      "org/fleet",
      ".gitea/fleet.yml",
      FLEET_YML.replace("  timmy: {}\n", "  timmy: {}\n  ghost: {}\n"),
    );
    const run = await online(fleet);
    expect(run.code).toBe(1);
    expect(run.failures).toEqual([
      "✗ ghost is not a user on the forge — fix: create the account ghost, or correct its name under `agents` in the config",
      "✗ org/app: gemini, ezra cannot be assigned issues — fix: give them write access to org/app (collaborators with write, or a team with write on issues)",
    ]);
  });

  it("an unreachable Ollama, a chain model not installed, and a listing that fails are each a ✗", async () => {
    const down = `http://127.0.0.1:${await closedPort()}`;
    fleet = await startFleet({ issuesPerRepo: 0, config: `${FLEET_YML}${CHAIN_YML(down)}` });
    const unreachable = await online(fleet);
    expect(unreachable.code).toBe(1);
    expect(unreachable.failures).toEqual([
      expect.stringContaining(`${down}/api/version failed: Ollama is unreachable`),
    ]);
    expect(unreachable.failures[0]).toContain("use a :host runner label");

    const url = await startOllama();
    ollama?.setBehaviour("gemma3:1b", "missing");
    fleet.sandbox.putFile("org/fleet", ".gitea/fleet.yml", `${FLEET_YML}${CHAIN_YML(url)}`);
    const missing = await online(fleet);
    expect(missing.failures).toEqual([
      `✗ gemma3:1b (last-resort) is not installed on ${url} — fix: ollama pull gemma3:1b`,
    ]);

    ollama?.setEndpoint("tags", "stall");
    const listing = await online(fleet);
    expect(listing.failures).toEqual([
      expect.stringMatching(/^✗ cannot list the installed models: GET .*\/api\/tags/),
    ]);
  });

  it("--url checks an Ollama server even when the config has no chain", async () => {
    fleet = await startFleet({ issuesPerRepo: 0 });
    const url = await startOllama();
    const run = await online(fleet, ["--url", url]);
    expect(run.code, run.out).toBe(0);
    expect(run.lines).toContainEqual(
      expect.stringMatching(new RegExp(`^✓ Ollama at ${url} answers: version `)),
    );
  });

  it("bad input is exit 2: an unknown option, no forge API URL", async () => {
    expect((await doctor(["--bogus"])).code).toBe(2);
    const noApi = await doctor([], { GITHUB_WORKSPACE: workspace({ ".gitea/fleet.yml": FLEET_YML }) });
    expect(noApi.code).toBe(2);
    expect(noApi.err).toContain("no forge API URL");
  });
});
