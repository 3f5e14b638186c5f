import { readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
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

const FORGEJO = readdirSync(join(ROOT, "examples/forgejo")).map((file) => join("examples/forgejo", file));

interface ForgejoWorkflow {
  on: unknown;
  permissions?: unknown;
  concurrency?: unknown;
  jobs: Record<string, { "runs-on": string; steps: Step[]; permissions?: unknown }>;
}

describe.each(FORGEJO)("%s", (file) => {
  const text = readFileSync(join(ROOT, file), "utf8");
  const workflow = parse(text) as ForgejoWorkflow;
  const gitea = parse(
    readFileSync(join(ROOT, "examples/workflows", basename(file)), "utf8"),
  ) as ForgejoWorkflow;
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const actionOf = (step: Step) => /actions\/(delegate|model-chain|lifecycle)@/.exec(step.uses ?? "")?.[1];

  it("goes in .forgejo/workflows and has the triggers and concurrency of its Gitea twin", () => {
    expect(text.split("\n")[0]).toMatch(new RegExp(`^# \\.forgejo/workflows/${basename(file)}`));
    expect(workflow.on).toEqual(gitea.on);
    expect(workflow.concurrency).toEqual(gitea.concurrency);
  });

  it("passes only inputs the actions declare, never splicing expressions into a script", () => {
    for (const step of steps) {
      const action = actionOf(step) as ActionName | undefined;
      if (action)
        for (const input of Object.keys(step.with ?? {})) expect(ACTION_INPUTS[action]).toContain(input);
      expect(step.run ?? "").not.toMatch(/\$\{\{/);
    }
  });

  it("writes every action as a full URL (Forgejo resolves short names against its own DEFAULT_ACTIONS_URL)", () => {
    for (const step of steps.filter((s) => s.uses)) expect(step.uses).toMatch(/^(https:\/\/|\.\/)/);
  });

  it("runs on the runner's default label docker, or a host label for the job beside Ollama", () => {
    for (const job of Object.values(workflow.jobs)) {
      const needsOllama = job.steps.some((step) => actionOf(step) === "model-chain");
      expect(job["runs-on"]).toBe(needsOllama ? "gpu-ollama" : "docker");
    }
    if (file.endsWith("model-chain.yml")) expect(text).toContain("gpu-ollama:host");
  });

  it("uses a personal token for jobs that reach other repositories, since Forgejo's job token cannot", () => {
    expect(workflow.permissions).toBeUndefined();
    for (const step of steps) {
      const action = actionOf(step);
      if (action === "delegate" || action === "lifecycle")
        expect(step.with?.token).toBe(`\${{ secrets.FLEET_TOKEN }}`);
    }
  });
});

it("ships a Forgejo variant of every Gitea example", () => {
  expect(FORGEJO.map((file) => basename(file)).sort()).toEqual(
    readdirSync(join(ROOT, "examples/workflows")).sort(),
  );
});
