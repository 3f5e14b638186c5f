import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import packageJson from "../../package.json" with { type: "json" };
import { COMMANDS, optionName } from "../../src/cli/commands.js";
import { main } from "../../src/cli/main.js";
import { ACTION_INPUTS } from "../../src/names.js";
import { type SeededFleet, startFleet } from "../harness/fleet.js";

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    streams: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) },
    out,
    err,
  };
}

let fleet: SeededFleet | undefined;
afterEach(async () => {
  await fleet?.sandbox.close();
  fleet = undefined;
});

describe("fleet CLI", () => {
  it("prints usage and per-command help", async () => {
    const top = capture();
    expect(await main(["--help"], {}, top.streams)).toBe(0);
    expect(top.out.join("")).toContain("Usage: fleet <command> [options]");
    for (const command of ["delegate", "model-chain", "lifecycle", "doctor"]) {
      const help = capture();
      expect(await main([command, "--help"], {}, help.streams)).toBe(0);
      expect(help.out.join("")).toContain(`Usage: fleet ${command} [options]`);
      expect(help.out.join("")).toContain("--config");
    }
  });

  it("gives every command's --help the same shape: usage, description, options, exit codes 0 1 2", async () => {
    const shapes = new Set<string>();
    for (const command of Object.keys(COMMANDS)) {
      const help = capture();
      expect(await main([command, "--help"], {}, help.streams)).toBe(0);
      const lines = help.out.join("").trimEnd().split("\n");
      expect(lines[0]).toBe(`Usage: fleet ${command} [options]`);
      const options = lines.indexOf("Options:");
      const exits = lines.indexOf("Exit codes:");
      expect(options).toBeGreaterThan(2);
      expect(exits).toBeGreaterThan(options);
      expect(lines.slice(exits + 1).map((line) => line.trim()[0])).toEqual(["0", "1", "2"]);
      for (const common of ["--repository <owner/name>", "--json", "--help"])
        expect(lines.slice(options, exits).some((line) => line.trimStart().startsWith(common))).toBe(true);
      // Every option line is indented by two and starts with a flag.
      for (const line of lines.slice(options + 1, exits - 1)) expect(line).toMatch(/^ {2}--[a-z-]+/);
      shapes.add(
        lines
          .map((line) => (line.startsWith("  ") ? "row" : line.endsWith(":") ? line : "text"))
          .filter((kind, index, all) => kind !== all[index - 1])
          .join("|"),
      );
    }
    expect(shapes.size).toBe(1);
  });

  it("lists every action input as a flag of its command", () => {
    for (const [action, inputs] of Object.entries(ACTION_INPUTS)) {
      const flags = COMMANDS[action as keyof typeof COMMANDS].options.map(optionName);
      expect(flags.sort()).toEqual([...inputs].sort());
    }
  });

  it("prints its version from package.json, in process and as the bundled bin", async () => {
    const run = capture();
    expect(await main(["--version"], {}, run.streams)).toBe(0);
    expect(run.out.join("")).toBe(`${packageJson.version}\n`);
    const bin = spawnSync(process.execPath, ["dist/cli/index.js", "--version"], { encoding: "utf8" });
    expect(bin.status).toBe(0);
    expect(bin.stdout).toBe(`${packageJson.version}\n`);
  });

  it("rejects unknown commands and options with exit 2", async () => {
    const unknown = capture();
    expect(await main(["deploy"], {}, unknown.streams)).toBe(2);
    expect(unknown.err.join("")).toContain("unknown command 'deploy'");
    const badFlag = capture();
    expect(await main(["delegate", "--bogus"], {}, badFlag.streams)).toBe(2);
    expect(badFlag.err.join("")).toContain("--bogus");
    const badMode = capture();
    expect(
      await main(
        ["delegate", "--mode", "fast", "--token", "t", "--api-url", "http://127.0.0.1:9"],
        {},
        badMode.streams,
      ),
    ).toBe(2);
    expect(badMode.err.join("")).toContain("expected one of auto, event, sweep, status");
  });

  it("says clearly that a token is missing, when a request needs one", async () => {
    fleet = await startFleet({ issuesPerRepo: 2 });
    const run = capture();
    const env = { GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), "fleet-cli-")) };
    const code = await main(
      ["delegate", "--api-url", fleet.apiUrl, "--repository", "org/fleet"],
      env,
      run.streams,
    );
    expect(code).toBe(2);
    expect(run.err.join("")).toContain("no forge token");
    expect(fleet.sandbox.requests).toEqual([]);
  });

  it("runs a dry-run sweep with the token from FLEET_TOKEN and prints outputs as JSON", async () => {
    fleet = await startFleet({ issuesPerRepo: 12 });
    const run = capture();
    const env = { FLEET_TOKEN: fleet.token, GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), "fleet-cli-")) };
    const args = ["delegate", "--api-url", fleet.apiUrl, "--repository", "org/fleet", "--dry-run", "--json"];
    expect(await main(args, env, run.streams)).toBe(0);
    // Structured outputs are JSON values, not JSON inside strings.
    const outputs = JSON.parse(run.out.join("")) as {
      assignments: unknown;
      agent: unknown;
      dashboard: string;
    };
    expect(Array.isArray(outputs.assignments)).toBe(true);
    expect(outputs.assignments).toHaveLength([...fleet.eligible.values()].flat().length);
    expect((outputs.assignments as object[])[0]).toMatchObject({
      repo: "org/app",
      agent: expect.any(String),
    });
    expect(outputs.dashboard).toContain("Fleet workload");
    expect(run.err.join("")).toContain("would assign");
    expect(fleet.sandbox.requests.filter((request) => request.method !== "GET")).toEqual([]);
  });

  it("runs as the bundled bin", () => {
    const result = spawnSync(process.execPath, ["dist/cli/index.js", "lifecycle", "--help"], {
      encoding: "utf8",
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("Usage: fleet lifecycle [options]");
  });
});
