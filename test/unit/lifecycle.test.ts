import { describe, expect, it } from "vitest";
import { InputError } from "../../src/action/inputs.js";
import { commandHelp } from "../../src/cli/commands.js";
import type { Issue } from "../../src/forge/types.js";
import { applyAgentCommand, type CommandContext } from "../../src/lifecycle/commands.js";
import {
  applyMonitor,
  type MonitorContext,
  monitoredAgents,
  type Observations,
} from "../../src/lifecycle/monitor.js";
import { readOptions } from "../../src/lifecycle/options.js";
import { ACTION_INPUTS, ACTION_OUTPUTS, LifecycleInput } from "../../src/names.js";
import { emptyState, serializeState } from "../../src/state/document.js";
import { IllegalTransitionError } from "../../src/state/errors.js";
import { addAgent } from "../../src/state/machine.js";
import type { FleetState, SignOfLife } from "../../src/state/schema.js";
import { mapLimit } from "../../src/util/pool.js";
import { readActionYml } from "../harness/action.js";

const NOW_MS = Date.parse("2025-03-02T12:00:00Z");
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const context: CommandContext = {
  now: iso(NOW_MS),
  actor: "ops",
  configAgents: ["claw-code", "ezra"],
  configSource: ".gitea/fleet.yml",
};
const monitor: MonitorContext = {
  ...context,
  nowMs: NOW_MS,
  idleAfterMs: 24 * HOUR,
  failedLabels: ["failed"],
};

const inputs = (values: Record<string, string>) => (name: string) => values[name];

function agentAt(state: FleetState, name: string, to: "deployed" | "provisioned", sinceMs: number) {
  return addAgent(state.agents, name, to, { at: iso(sinceMs), cause: "seed", actor: "seed" });
}

function issue(
  number: number,
  state: "open" | "closed",
  assignees: string[],
  extra: Partial<Issue> = {},
): Issue {
  return {
    id: number,
    number,
    title: `issue ${number}`,
    body: "",
    state,
    user: null,
    labels: [],
    assignees: assignees.length ? assignees.map((login, id) => ({ id, login })) : null,
    created_at: iso(NOW_MS - 48 * HOUR),
    updated_at: iso(NOW_MS - HOUR),
    closed_at: state === "closed" ? iso(NOW_MS - HOUR) : null,
    ...extra,
  };
}

function observations(
  seen: Record<string, SignOfLife> = {},
  issues: Observations["issues"] = [],
): Observations {
  return { seen: new Map(Object.entries(seen)), issues };
}

describe("action.yml", () => {
  it("declares exactly the inputs and outputs of names.ts, passes each input through env, and --help lists them", () => {
    const action = readActionYml("lifecycle");
    expect(Object.keys(action.inputs ?? {}).sort()).toEqual([...ACTION_INPUTS.lifecycle].sort());
    expect(Object.keys(action.outputs ?? {}).sort()).toEqual([...ACTION_OUTPUTS.lifecycle].sort());
    const step = action.runs.steps[0]!;
    for (const input of Object.values(LifecycleInput)) {
      expect(step.env?.[`INPUT_${input.toUpperCase().replace(/-/g, "_")}`]).toBe(`\${{ inputs.${input} }}`);
      expect(commandHelp("lifecycle")).toContain(`--${input} `);
    }
    expect(step.run).not.toMatch(/\$\{\{/);
  });
});

describe("options", () => {
  it("defaults to monitor and dry-run false", () => {
    expect(readOptions(inputs({}), "org/fleet")).toMatchObject({
      command: "monitor",
      dryRun: false,
      configPath: ".gitea/fleet.yml",
    });
  });

  it("lists the valid commands and outcomes on a bad value", () => {
    expect(() => readOptions(inputs({ command: "reboot" }), undefined)).toThrow(
      "input 'command' is 'reboot': expected one of provision, deploy, heartbeat, task, retire, monitor, status",
    );
    expect(() =>
      readOptions(inputs({ command: "task", agent: "ezra", task: "o/r#1", outcome: "meh" }), undefined),
    ).toThrow(/expected one of started, completed, failed/);
  });

  it("needs an agent for agent commands and a task and outcome for task", () => {
    expect(() => readOptions(inputs({ command: "deploy" }), undefined)).toThrow(InputError);
    expect(() => readOptions(inputs({ command: "task", agent: "ezra" }), undefined)).toThrow(
      /needs input 'task'/,
    );
    expect(() => readOptions(inputs({ command: "task", agent: "ezra", task: "#3" }), "org/app")).toThrow(
      /needs input 'outcome'/,
    );
    expect(() => readOptions(inputs({ command: "deploy", agent: "$(rm -rf ~)" }), undefined)).toThrow(
      /expected a forge user name/,
    );
  });

  it("resolves a bare task number against the current repository", () => {
    const options = readOptions(
      inputs({ command: "task", agent: "ezra", task: "12", outcome: "completed" }),
      "org/app",
    );
    expect(options).toMatchObject({ task: "org/app#12", outcome: "completed", agent: "ezra" });
  });

  it("ignores, and reports, form fields a command does not use", () => {
    const options = readOptions(inputs({ command: "monitor", agent: "ezra", outcome: "failed" }), undefined);
    expect(options.agent).toBeUndefined();
    expect(options.ignored).toEqual(["agent", "outcome"]);
  });
});

describe("commands", () => {
  it("provisions, deploys and retires, recording the audit log", () => {
    const state = emptyState();
    expect(applyAgentCommand(state, { command: "provision", agent: "bezalel" }, context).changes).toEqual([
      "bezalel provisioned",
    ]);
    expect(applyAgentCommand(state, { command: "deploy", agent: "bezalel" }, context).changes).toEqual([
      "bezalel provisioned -> deployed",
    ]);
    expect(applyAgentCommand(state, { command: "retire", agent: "bezalel" }, context).changes).toEqual([
      "bezalel deployed -> retired",
    ]);
    expect(
      state.agents.bezalel?.history.map((entry) => `${entry.from}>${entry.to} ${entry.cause} ${entry.actor}`),
    ).toEqual([
      "null>provisioned provision command ops",
      "provisioned>deployed deploy command ops",
      "deployed>retired retire command ops",
    ]);
  });

  it("is idempotent: the same command again changes nothing", () => {
    const state = emptyState();
    applyAgentCommand(state, { command: "deploy", agent: "a" }, context);
    const text = serializeState(state);
    const again = applyAgentCommand(state, { command: "deploy", agent: "a" }, context);
    expect(again).toEqual({ changes: [], notes: ["a is already deployed: nothing to do"] });
    expect(serializeState(state)).toBe(text);
  });

  it("refuses to deploy a retired agent, naming agent, state and allowed moves, changing nothing", () => {
    const state = emptyState();
    applyAgentCommand(state, { command: "deploy", agent: "ezra" }, context);
    applyAgentCommand(state, { command: "retire", agent: "ezra" }, context);
    const text = serializeState(state);
    expect(() => applyAgentCommand(state, { command: "deploy", agent: "ezra" }, context)).toThrow(
      "cannot deploy agent 'ezra': it is retired; allowed moves from there: none",
    );
    expect(serializeState(state)).toBe(text);
  });

  it("heartbeat makes a deployed or idle agent active and records the sign of life", () => {
    const state = emptyState();
    agentAt(state, "a", "deployed", NOW_MS - HOUR);
    expect(applyAgentCommand(state, { command: "heartbeat", agent: "a" }, context).changes).toEqual([
      "a deployed -> active (heartbeat)",
    ]);
    expect(state.agents.a).toMatchObject({
      state: "active",
      lastSeen: { at: context.now, source: "heartbeat" },
    });
    expect(applyAgentCommand(state, { command: "heartbeat", agent: "a" }, context).changes).toEqual([
      "a heartbeat",
    ]);
  });

  it("adopts a config agent absent from the state as deployed; refuses unknown agents", () => {
    const state = emptyState();
    const outcome = applyAgentCommand(state, { command: "heartbeat", agent: "ezra" }, context);
    expect(outcome.changes).toEqual([
      "ezra adopted from config as deployed",
      "ezra deployed -> active (heartbeat)",
    ]);
    expect(state.agents.ezra?.history[0]).toMatchObject({
      from: null,
      to: "deployed",
      cause: "listed in .gitea/fleet.yml",
    });
    expect(() => applyAgentCommand(state, { command: "heartbeat", agent: "ghost" }, context)).toThrow(
      /cannot heartbeat agent 'ghost': it is not in the state file; allowed moves from there: provisioned \(provision\), deployed \(deploy\)/,
    );
  });

  it("refuses a heartbeat from a provisioned agent", () => {
    const state = emptyState();
    agentAt(state, "a", "provisioned", NOW_MS);
    expect(() => applyAgentCommand(state, { command: "heartbeat", agent: "a" }, context)).toThrow(
      IllegalTransitionError,
    );
  });

  it("counts a task command once", () => {
    const state = emptyState();
    agentAt(state, "a", "deployed", NOW_MS);
    const task = { command: "task" as const, agent: "a", task: "org/app#7", outcome: "completed" as const };
    expect(applyAgentCommand(state, task, context).changes).toEqual(["a org/app#7 completed"]);
    expect(applyAgentCommand(state, task, context).notes).toEqual([
      "org/app#7 is already counted as completed for a: nothing to do",
    ]);
    expect(state.agents.a?.tasks).toEqual({ started: 1, completed: 1, failed: 0 });
  });
});

describe("monitor", () => {
  it("flags an agent silent for 25 h as idle, citing the last sign of life", () => {
    const state = emptyState();
    const agent = agentAt(state, "claw-code", "deployed", NOW_MS - 72 * HOUR);
    agent.state = "active";
    agent.lastSeen = { at: iso(NOW_MS - 25 * HOUR), source: "comment_issue in org/app" };
    const { changes } = applyMonitor(state, observations(), { ...monitor, configAgents: ["claw-code"] });
    expect(changes).toEqual(["claw-code active -> idle"]);
    expect(agent.state).toBe("idle");
    expect(agent.history.at(-1)).toMatchObject({
      from: "active",
      to: "idle",
      cause: `no sign of life since ${iso(NOW_MS - 25 * HOUR)} (idle-after 1d)`,
    });
  });

  it("keeps an agent seen 23 h ago active and changes nothing", () => {
    const state = emptyState();
    const agent = agentAt(state, "a", "deployed", NOW_MS - 72 * HOUR);
    agent.state = "active";
    agent.lastSeen = { at: iso(NOW_MS - 23 * HOUR), source: "heartbeat" };
    const text = serializeState(state);
    expect(applyMonitor(state, observations(), { ...monitor, configAgents: [] }).changes).toEqual([]);
    expect(serializeState(state)).toBe(text);
  });

  it("brings an idle agent back to active on new activity", () => {
    const state = emptyState();
    const agent = agentAt(state, "a", "deployed", NOW_MS - 72 * HOUR);
    agent.state = "idle";
    agent.lastSeen = { at: iso(NOW_MS - 30 * HOUR), source: "heartbeat" };
    const sign = { at: iso(NOW_MS - HOUR), source: "commit_repo in org/app" };
    const { changes } = applyMonitor(state, observations({ a: sign }), { ...monitor, configAgents: [] });
    expect(changes).toEqual(["a idle -> active", `a seen at ${sign.at} (commit_repo in org/app)`]);
    expect(agent.lastSeen).toEqual(sign);
  });

  it("ignores an observation older than what the state knows", () => {
    const state = emptyState();
    const agent = agentAt(state, "a", "deployed", NOW_MS - 2 * HOUR);
    agent.lastSeen = { at: iso(NOW_MS - HOUR), source: "heartbeat" };
    agent.state = "active";
    const old = { at: iso(NOW_MS - 5 * HOUR), source: "x" };
    expect(applyMonitor(state, observations({ a: old }), { ...monitor, configAgents: [] }).changes).toEqual(
      [],
    );
  });

  it("flags a deployed agent never seen once idle-after has passed since deploying", () => {
    const state = emptyState();
    agentAt(state, "fresh", "deployed", NOW_MS - HOUR);
    agentAt(state, "stale", "deployed", NOW_MS - 30 * HOUR);
    const { changes } = applyMonitor(state, observations(), { ...monitor, configAgents: [] });
    expect(changes).toEqual(["stale deployed -> idle"]);
    expect(state.agents.stale?.history.at(-1)?.cause).toMatch(/^never seen since deployed at/);
  });

  it("leaves provisioned and retired agents alone and watches config agents", () => {
    const state = emptyState();
    agentAt(state, "p", "provisioned", NOW_MS - 99 * HOUR);
    agentAt(state, "r", "deployed", NOW_MS - 99 * HOUR).state = "retired";
    agentAt(state, "w", "deployed", NOW_MS);
    expect(monitoredAgents(state, ["w", "new"])).toEqual(["w", "new"]);
    const { changes } = applyMonitor(state, observations({ new: { at: iso(NOW_MS), source: "s" } }), {
      ...monitor,
      configAgents: ["new"],
    });
    expect(changes).toEqual([
      "new deployed -> active",
      "new adopted from config as deployed",
      `new seen at ${iso(NOW_MS)} (s)`,
    ]);
    expect(state.agents.p?.state).toBe("provisioned");
    expect(state.agents.r?.state).toBe("retired");
  });

  it("counts task outcomes from issues once: assigned, completed, failed by label, failed by reassignment", () => {
    const state = emptyState();
    agentAt(state, "a", "deployed", NOW_MS - HOUR);
    agentAt(state, "b", "deployed", NOW_MS - HOUR);
    const since = iso(NOW_MS - 24 * HOUR);
    const scan = (issues: Issue[]) => ({ repo: "org/app", since, cursor: iso(NOW_MS - 600_000), issues });
    const first = applyMonitor(
      state,
      observations({}, [
        scan([
          issue(1, "open", ["a"]),
          issue(2, "open", ["A"]),
          issue(3, "open", ["b"]),
          issue(4, "open", ["someone"]),
        ]),
      ]),
      { ...monitor, configAgents: [] },
    );
    expect(first.changes).toEqual(["a org/app#1 assigned", "a org/app#2 assigned", "b org/app#3 assigned"]);
    expect(state.issuesScannedSince).toEqual({ "org/app": iso(NOW_MS - 600_000) });
    const second = applyMonitor(
      state,
      observations({}, [
        scan([
          issue(1, "closed", ["a"]),
          issue(2, "closed", ["a"], { labels: [{ id: 1, name: "Failed" }] }),
          issue(3, "open", ["a"]),
          issue(5, "closed", ["b"], { closed_at: iso(NOW_MS - 50 * HOUR) }),
        ]),
      ]),
      { ...monitor, configAgents: [] },
    );
    expect(second.changes).toEqual([
      "a org/app#1 completed",
      "a org/app#2 failed",
      "a org/app#3 assigned",
      "b org/app#3 failed (reassigned away)",
    ]);
    expect(state.agents.a?.tasks).toEqual({ started: 3, completed: 1, failed: 1 });
    expect(state.agents.b?.tasks).toEqual({ started: 1, completed: 0, failed: 1 });
    const text = serializeState(state);
    expect(
      applyMonitor(state, observations({}, [scan([issue(1, "closed", ["a"]), issue(3, "open", ["a"])])]), {
        ...monitor,
        configAgents: [],
      }).changes,
    ).toEqual([]);
    expect(serializeState(state)).toBe(text);
  });

  it("advances the issue cursor only together with another change", () => {
    const state = emptyState();
    const scan = {
      repo: "org/app",
      since: iso(NOW_MS - 24 * HOUR),
      cursor: iso(NOW_MS),
      issues: [issue(9, "open", [])],
    };
    expect(applyMonitor(state, observations({}, [scan]), { ...monitor, configAgents: [] }).changes).toEqual(
      [],
    );
    expect(state.issuesScannedSince).toEqual({});
  });
});

describe("mapLimit", () => {
  it("keeps order and never runs more than the limit at once", async () => {
    let running = 0;
    let peak = 0;
    const results = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((done) => setImmediate(done));
      running--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
