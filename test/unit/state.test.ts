import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.js";
import { emptyState, newAgentRecord, parseState, serializeState } from "../../src/state/document.js";
import { IllegalTransitionError, StateConflictError, StateFileError } from "../../src/state/errors.js";
import { addAgent, allowedMoves, canMove, MOVES, moveAgent } from "../../src/state/machine.js";
import { applyModelReport } from "../../src/state/models.js";
import { AGENT_STATES, type FleetState, HISTORY_LIMIT } from "../../src/state/schema.js";
import { DryRunStore, fileChanges, MemoryStore } from "../../src/state/store.js";
import { openTasks, recordTask, successRate } from "../../src/state/tasks.js";
import { commitMessage, updateState } from "../../src/state/update.js";

const T0 = "2025-03-01T10:00:00Z";
const by = { at: T0, cause: "test", actor: "tester" };

function stateWith(...names: string[]): FleetState {
  const state = emptyState();
  for (const name of names) addAgent(state.agents, name, "deployed", by);
  return state;
}

describe("state document", () => {
  it("serialises with sorted keys, two-space indent and a trailing newline", () => {
    const state = stateWith("zed", "amy");
    const text = serializeState(state);
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.indexOf('"amy"')).toBeLessThan(text.indexOf('"zed"'));
    expect(Object.keys(JSON.parse(text))).toEqual(["agents", "issuesScannedSince", "version"]);
  });

  it("is byte-identical for the same state built in a different key order", () => {
    const a = stateWith("one", "two");
    const b = emptyState();
    b.agents.two = structuredClone(a.agents.two!);
    b.agents.one = structuredClone(a.agents.one!);
    expect(serializeState(b)).toBe(serializeState(a));
  });

  it("round-trips through parseState", () => {
    const state = stateWith("claw-code");
    state.models = {
      active: "phi3:3.8b",
      since: T0,
      chain: [{ model: "phi3:3.8b", role: "primary", available: true, ok: true, error: null }],
    };
    expect(parseState("s.json", serializeState(state))).toEqual(state);
  });

  it("rejects corrupt JSON with file, line and column as a ConfigError (exit 2)", () => {
    const error = (() => {
      try {
        parseState(".fleet/state.json", '{\n  "version": 1,\n  oops\n}');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(StateFileError);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^\.fleet\/state\.json:3:\d+: not valid JSON/);
  });

  it("rejects another version, naming both", () => {
    expect(() => parseState("s.json", '{"version": 2, "agents": {}}')).toThrow(
      /version 2 is not supported.*version 1/,
    );
    expect(() => parseState("s.json", "[]")).toThrow(/version undefined is not supported/);
  });

  it("rejects a wrong shape, naming the key", () => {
    const bad = JSON.parse(serializeState(stateWith("a")));
    bad.agents.a.state = "sleeping";
    expect(() => parseState("s.json", JSON.stringify(bad))).toThrow(/s\.json: agents\.a\.state: /);
  });
});

describe("state machine", () => {
  it("allows exactly provisioned -> deployed -> active <-> idle -> retired, retire from any living state", () => {
    expect(MOVES.provisioned).toEqual(["deployed", "retired"]);
    expect(MOVES.deployed).toEqual(["active", "idle", "retired"]);
    expect(MOVES.active).toEqual(["idle", "retired"]);
    expect(MOVES.idle).toEqual(["active", "retired"]);
    expect(MOVES.retired).toEqual([]);
    for (const from of AGENT_STATES) expect(canMove(from, "provisioned")).toBe(false);
    expect(canMove(undefined, "provisioned")).toBe(true);
    expect(canMove(undefined, "deployed")).toBe(true);
    expect(canMove(undefined, "active")).toBe(false);
  });

  it("records each move with time, from, to, cause and actor", () => {
    const state = emptyState();
    const agent = addAgent(state.agents, "ezra", "provisioned", by);
    moveAgent("ezra", agent, "deployed", {
      at: "2025-03-01T11:00:00Z",
      cause: "deploy command",
      actor: "ops",
    });
    expect(agent.state).toBe("deployed");
    expect(agent.since).toBe("2025-03-01T11:00:00Z");
    expect(agent.history).toEqual([
      { at: T0, from: null, to: "provisioned", cause: "test", actor: "tester" },
      {
        at: "2025-03-01T11:00:00Z",
        from: "provisioned",
        to: "deployed",
        cause: "deploy command",
        actor: "ops",
      },
    ]);
  });

  it("refuses an illegal move naming agent, state and allowed moves, and changes nothing", () => {
    const agent = newAgentRecord("retired", T0);
    const before = structuredClone(agent);
    expect(() => moveAgent("ezra", agent, "deployed", by, "deploy")).toThrow(
      "cannot deploy agent 'ezra': it is retired; allowed moves from there: none",
    );
    expect(agent).toEqual(before);
    const active = newAgentRecord("active", T0);
    expect(() => moveAgent("timmy", active, "provisioned", by, "provision")).toThrow(IllegalTransitionError);
    expect(() => moveAgent("timmy", active, "provisioned", by, "provision")).toThrow(
      /it is active; allowed moves from there: idle \(.*\), retired \(retire\)/,
    );
    expect(allowedMoves(undefined)).toEqual(["provisioned (provision)", "deployed (deploy)"]);
  });

  it(`keeps the newest ${HISTORY_LIMIT} audit entries`, () => {
    const state = emptyState();
    const agent = addAgent(state.agents, "a", "deployed", by);
    for (let i = 0; i < 40; i++) {
      moveAgent("a", agent, "active", { ...by, cause: `up ${i}` });
      moveAgent("a", agent, "idle", { ...by, cause: `down ${i}` });
    }
    expect(agent.history).toHaveLength(HISTORY_LIMIT);
    expect(agent.history.at(-1)?.cause).toBe("down 39");
    expect(agent.history[0]?.cause).toBe("up 15");
  });
});

describe("task counting", () => {
  it("counts each task once, a first-seen finished task as started too", () => {
    const agent = newAgentRecord("active", T0);
    expect(recordTask(agent, "o/r#1", "started", "command")).toBe("o/r#1 started");
    expect(recordTask(agent, "o/r#1", "started", "command")).toBeUndefined();
    expect(recordTask(agent, "o/r#1", "assigned", "forge")).toBe("o/r#1 assigned");
    expect(recordTask(agent, "o/r#1", "started", "command")).toBeUndefined();
    expect(recordTask(agent, "o/r#1", "completed", "forge")).toBe("o/r#1 completed");
    expect(recordTask(agent, "o/r#1", "completed", "command")).toBeUndefined();
    expect(recordTask(agent, "o/r#2", "failed", "forge")).toBe("o/r#2 failed");
    expect(agent.tasks).toEqual({ started: 2, completed: 1, failed: 1 });
    expect(openTasks(agent)).toBe(0);
    expect(successRate(agent)).toBe(0.5);
  });

  it("lets a command correct a final outcome, never the forge", () => {
    const agent = newAgentRecord("active", T0);
    recordTask(agent, "o/r#1", "completed", "command");
    expect(recordTask(agent, "o/r#1", "failed", "forge")).toBeUndefined();
    expect(recordTask(agent, "o/r#1", "assigned", "forge")).toBeUndefined();
    expect(recordTask(agent, "o/r#1", "failed", "command")).toBe("o/r#1 corrected completed -> failed");
    expect(agent.tasks).toEqual({ started: 1, completed: 0, failed: 1 });
    expect(recordTask(agent, "o/r#1", "started", "command")).toBeUndefined();
  });

  it("counts open tasks and has no success rate without finished ones", () => {
    const agent = newAgentRecord("active", T0);
    recordTask(agent, "o/r#1", "assigned", "forge");
    recordTask(agent, "o/r#2", "started", "command");
    expect(openTasks(agent)).toBe(2);
    expect(successRate(agent)).toBeUndefined();
  });
});

describe("stores and the update loop", () => {
  const render = (state: FleetState) => `# ${Object.keys(state.agents).join(",")}\n`;

  it("creates both files in one commit, then makes no commit when nothing changed", async () => {
    const store = new MemoryStore();
    const first = await updateState(
      store,
      (state) => {
        addAgent(state.agents, "a", "deployed", by);
        return ["a deployed"];
      },
      { render, label: "lifecycle deploy" },
    );
    expect(first).toMatchObject({ changed: true, committed: true, attempts: 1 });
    expect(store.commits).toEqual([
      { message: "lifecycle deploy: a deployed [skip ci]", paths: [".fleet/state.json", ".fleet/FLEET.md"] },
    ]);
    const second = await updateState(store, () => [], { render, label: "lifecycle monitor" });
    expect(second).toMatchObject({ changed: false, committed: false, attempts: 0 });
    expect(store.commits).toHaveLength(1);
  });

  it("writes nothing when nothing changed and no state file exists yet", async () => {
    const store = new MemoryStore();
    const result = await updateState(store, () => [], { render, label: "x" });
    expect(result.changed).toBe(false);
    expect(store.files.size).toBe(0);
  });

  it("on a lost race re-reads and re-applies the change to the other run's state", async () => {
    let raced = false;
    const store = new MemoryStore(undefined, (self) => {
      if (raced) return;
      raced = true;
      // Another run commits agent "b" between our read and our write.
      const other = stateWith("b");
      self.put(self.statePath, serializeState(other));
    });
    store.put(store.statePath, serializeState(emptyState()));
    const delays: number[] = [];
    const result = await updateState(
      store,
      (state) => {
        addAgent(state.agents, "a", "deployed", by);
        return ["a deployed"];
      },
      { render, label: "x", sleep: async (ms) => void delays.push(ms), baseDelayMs: 100 },
    );
    expect(result.attempts).toBe(2);
    expect(delays).toHaveLength(1);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(Object.keys(parseState("s", store.files.get(store.statePath)!.text).agents)).toEqual(["a", "b"]);
  });

  it("gives up after the bounded retries with a clear error", async () => {
    const store = new MemoryStore(undefined, (self) =>
      self.put(self.statePath, serializeState(stateWith(`x${self.commits.length}`))),
    );
    let attempts = 0;
    const run = updateState(
      store,
      (state) => {
        attempts++;
        addAgent(state.agents, "a", "deployed", by);
        return ["a deployed"];
      },
      { render, label: "x", retries: 3, sleep: async () => {} },
    );
    await expect(run).rejects.toThrow(StateConflictError);
    await expect(run).rejects.toThrow(/another run changed the state 4 times/);
    expect(attempts).toBe(4);
  });

  it("dry-run reads like the real store and writes nothing", async () => {
    const inner = new MemoryStore();
    const store = new DryRunStore(inner);
    const result = await updateState(
      store,
      (state) => {
        addAgent(state.agents, "a", "deployed", by);
        return ["a deployed"];
      },
      { render, label: "x" },
    );
    expect(result).toMatchObject({ changed: true, committed: false });
    expect(store.planned?.message).toBe("x: a deployed [skip ci]");
    expect(inner.files.size).toBe(0);
  });

  it("leaves an unchanged file out of the commit and carries the sha of a changed one", () => {
    const paths = { statePath: "s.json", dashboardPath: "d.md" };
    const snapshot = {
      state: emptyState(),
      stateFile: { text: "old", sha: "abc" },
      dashboardFile: { text: "same", sha: "def" },
    };
    expect(fileChanges(paths, snapshot, { state: "new", dashboard: "same", message: "m" })).toEqual([
      { operation: "update", path: "s.json", content: "new", sha: "abc" },
    ]);
  });

  it("says what changed in one line ending with [skip ci]", () => {
    expect(commitMessage("lifecycle monitor", ["a", "b", "c", "d", "e"])).toBe(
      "lifecycle monitor: a; b; c and 2 more [skip ci]",
    );
  });
});

describe("model report", () => {
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
        load_ms: 812,
        tokens_per_s: 41.2,
      },
    ],
  };

  it("keeps the outcome without timings, and a re-check with the same outcome changes nothing", () => {
    const state = emptyState();
    expect(applyModelReport(state, report, Date.parse(T0))).toEqual([
      "active model none -> phi3:3.8b (1/2 healthy)",
    ]);
    expect(state.models).toEqual({
      active: "phi3:3.8b",
      since: T0,
      chain: [
        { model: "hermes4:14b", role: "primary", available: false, ok: false, error: "not installed" },
        { model: "phi3:3.8b", role: "fallback", available: true, ok: true, error: null },
      ],
    });
    const text = serializeState(state);
    const later = { ...report, models: report.models.map((entry) => ({ ...entry, load_ms: 999 })) };
    expect(applyModelReport(state, later, Date.parse(T0) + 3_600_000)).toEqual([]);
    expect(serializeState(state)).toBe(text);
  });

  it("moves `since` when the outcome changes", () => {
    const state = emptyState();
    applyModelReport(state, report, Date.parse(T0));
    const down = {
      activeModel: null,
      models: report.models.map((entry) => ({ ...entry, ok: false, error: "500" })),
    };
    expect(applyModelReport(state, down, Date.parse(T0) + 60_000)).toEqual([
      "active model phi3:3.8b -> none (0/2 healthy)",
    ]);
    expect(state.models?.since).toBe("2025-03-01T10:01:00Z");
  });
});
