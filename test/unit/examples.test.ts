import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ACTION_INPUTS, type ActionName } from "../../src/names.js";

const ROOT = resolve(import.meta.dirname, "../..");
const FILES = [
  ...readdirSync(join(ROOT, "examples/workflows")).map((file) => join("examples/workflows", file)),
  ...readdirSync(join(ROOT, ".gitea/workflows")).map((file) => join(".gitea/workflows", file)),
];

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}

describe.each(FILES)("%s", (file) => {
  const workflow = parse(readFileSync(join(ROOT, file), "utf8")) as {
    jobs: Record<string, { steps: Step[]; permissions?: unknown }>;
    permissions?: unknown;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it("passes only inputs the actions declare", () => {
    for (const step of steps) {
      const action = /actions\/(delegate|model-chain|lifecycle)(@|$)/.exec(step.uses ?? "")?.[1] as
        | ActionName
        | undefined;
      if (!action) continue;
      for (const input of Object.keys(step.with ?? {})) expect(ACTION_INPUTS[action]).toContain(input);
    }
  });

  it("never splices event data or inputs into a script", () => {
    for (const step of steps) expect(step.run ?? "").not.toMatch(/\$\{\{/);
  });

  it("declares the permissions it needs", () => {
    const uses = steps.map((step) => step.uses ?? "").join(" ");
    if (/delegate|lifecycle|model-chain/.test(uses) && !file.includes("ci.yml")) {
      const declared = JSON.stringify([
        workflow.permissions,
        ...Object.values(workflow.jobs).map((job) => job.permissions),
      ]);
      expect(declared).toMatch(/write/);
    }
  });
});
