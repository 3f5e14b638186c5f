// Issue 9 item 7: bad input is exit 2 with one clear line, through the CLI and an action run.
import { afterEach, describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import { main } from "../../src/cli/main.js";
import { emptyState, newAgentRecord, serializeState } from "../../src/state/document.js";
import { runAction } from "../harness/action.js";
import { workspace } from "../harness/files.js";

const CONFIG = ".gitea/fleet.yml";

let sandbox: GiteaSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

/** A sandbox with org/fleet holding `config`; returns what the CLI needs to reach it. */
async function fleetWith(config: string) {
  sandbox = new GiteaSandbox();
  const { token } = sandbox.addUser("fleet-bot");
  sandbox.addUser("ezra");
  sandbox.addRepo("org/fleet", { collaborators: { "fleet-bot": "write", ezra: "write" } });
  sandbox.putFile("org/fleet", CONFIG, config);
  const { apiUrl } = await sandbox.start();
  return { apiUrl, env: { FLEET_TOKEN: token, GITHUB_WORKSPACE: workspace() } };
}

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env, { out: (text) => out.push(text), err: (text) => err.push(text) });
  const lines = err.join("").trim().split("\n");
  return { code, out: out.join(""), err: err.join(""), lines };
}

/** An alias bomb: each level repeats the one before nine times (9^5 nodes from a few lines). */
const ALIAS_BOMB = `agents:
  ezra:
    keywords: [deploy]
x1: &a [x, x, x, x, x, x, x, x, x]
x2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
x3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
x4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
x5: [*d, *d, *d, *d, *d, *d, *d, *d, *d]
`;

describe("bad input is exit 2 with one clear line", () => {
  it("an --api-url that is no URL fails at once, before any request", async () => {
    const run = await cli(["delegate", "--api-url", "notaurl", "--token", "t", "--repository", "org/fleet"], {
      GITHUB_WORKSPACE: workspace(),
    });
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.err).toContain("'notaurl' is not an http(s) URL");
  });

  it("an --api-url with another scheme is refused, and its credentials are not echoed", async () => {
    const run = await cli(
      ["lifecycle", "--command", "status", "--api-url", "ftp://bot:s3cret@forge/api/v1"],
      {
        FLEET_TOKEN: "t",
        GITHUB_REPOSITORY: "org/fleet",
        GITHUB_WORKSPACE: workspace(),
      },
    );
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.err).toContain("is not an http(s) URL");
    expect(run.err).not.toContain("s3cret");
  });

  it("a --repository that is not owner/name fails with exit 2", async () => {
    const { apiUrl, env } = await fleetWith("agents:\n  ezra: {}\n");
    const run = await cli(["delegate", "--api-url", apiUrl, "--repository", "not a repo"], env);
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.err).toContain("'not a repo'");
    expect(run.err).toContain("owner/name");
    expect(sandbox!.requests).toEqual([]);
  });

  it.each([
    ["lifecycle:\n  idle-after: 99999999999d\n", 2, "lifecycle.idle-after"],
    ["lifecycle:\n  idle-after: 366d\n", 2, "lifecycle.idle-after"],
    ["models:\n  timeout: 25d\n", 2, "models.timeout"],
    ["models:\n  timeout: 50d\n", 2, "models.timeout"],
  ])("config %j is refused at file:line:col", async (extra, line, key) => {
    const { apiUrl, env } = await fleetWith(`${extra}agents:\n  ezra: {}\n`);
    const run = await cli(
      ["lifecycle", "--command", "status", "--api-url", apiUrl, "--repository", "org/fleet"],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.err).toContain(`org/fleet:${CONFIG}:${line}:`);
    expect(run.err).toContain(`${key}: `);
    expect(run.err).toMatch(/a duration of at most (365d|1d)/);
  });

  it("a --timeout beyond what a timer can wait is refused before Ollama is asked", async () => {
    const run = await cli(["model-chain", "--timeout", "50d", "--url", "http://127.0.0.1:9"], {
      GITHUB_WORKSPACE: workspace({ [CONFIG]: "models:\n  chain: [qwen3:4b]\n" }),
    });
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.err).toContain("input 'timeout' is '50d'");
    expect(run.err).toContain("a duration of at most 1d");
  });

  it("a YAML alias bomb is refused with file and line, in the CLI and in an action run", async () => {
    const { apiUrl, env } = await fleetWith(ALIAS_BOMB);
    const run = await cli(
      ["lifecycle", "--command", "status", "--api-url", apiUrl, "--repository", "org/fleet"],
      env,
    );
    expect(run.code).toBe(2);
    expect(run.lines).toHaveLength(1);
    expect(run.err).toMatch(
      new RegExp(`org/fleet:${CONFIG.replace(/\./g, "\\.")}:7:\\d+: invalid YAML: too many aliases`),
    );

    const action = await runAction("delegate", {
      github: { token: env.FLEET_TOKEN, api_url: apiUrl },
      env: { GITHUB_REPOSITORY: "org/fleet", GITHUB_EVENT_NAME: "schedule" },
    });
    expect(action.code, action.stdout + action.stderr).toBe(2);
    expect(action.stdout).toMatch(
      /::error::delegate: org\/fleet:\.gitea\/fleet\.yml:7:\d+: invalid YAML: too many aliases/,
    );
  });

  it("a state file that starts with a byte order mark is read", async () => {
    const { apiUrl, env } = await fleetWith("agents:\n  ezra: {}\n");
    const state = emptyState();
    state.agents.ezra = newAgentRecord("active", "2026-01-01T00:00:00Z");
    sandbox!.putFile("org/fleet", ".fleet/state.json", `\uFEFF${serializeState(state)}`);
    const run = await cli(
      ["lifecycle", "--command", "status", "--api-url", apiUrl, "--repository", "org/fleet", "--json"],
      env,
    );
    expect(run.code, run.err).toBe(0);
    expect(JSON.parse(run.out).state.agents.ezra.state).toBe("active");
  });
});
