import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");
const SCRIPT = join(ROOT, "scripts/release-tags.sh");

/** A clone of a fresh bare repository whose one commit declares `version` in package.json. */
function checkout(version: string): { work: string; origin: string } {
  const base = mkdtempSync(join(tmpdir(), "fleet-release-"));
  const origin = join(base, "origin.git");
  const work = join(base, "work");
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd, stdio: "pipe" });
  mkdirSync(work);
  git(base, "init", "-q", "--bare", origin);
  git(work, "init", "-q");
  writeFileSync(join(work, "package.json"), JSON.stringify({ name: "fleet-actions", version }));
  git(work, "add", ".");
  git(work, "commit", "-q", "-m", "release me");
  git(work, "remote", "add", "origin", origin);
  git(work, "push", "-q", "origin", "HEAD:refs/heads/main");
  return { work, origin };
}

function release(work: string, version: string) {
  return spawnSync("bash", [SCRIPT], {
    cwd: work,
    env: { ...process.env, VERSION: version },
    encoding: "utf8",
  });
}

function remoteTag(origin: string, tag: string): string {
  return execFileSync("git", ["rev-parse", `${tag}^{commit}`], { cwd: origin, encoding: "utf8" }).trim();
}

function commit(work: string, message: string): string {
  execFileSync(
    "git",
    ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", message],
    {
      cwd: work,
    },
  );
  return execFileSync("git", ["rev-parse", "HEAD"], { cwd: work, encoding: "utf8" }).trim();
}

describe("scripts/release-tags.sh", () => {
  it("tags vX.Y.Z on HEAD and moves vX to it, on the remote", () => {
    const { work, origin } = checkout("1.0.0");
    const first = execFileSync("git", ["rev-parse", "HEAD"], { cwd: work, encoding: "utf8" }).trim();
    const run = release(work, "1.0.0");
    expect(run.status).toBe(0);
    expect(remoteTag(origin, "v1.0.0")).toBe(first);
    expect(remoteTag(origin, "v1")).toBe(first);

    writeFileSync(join(work, "package.json"), JSON.stringify({ name: "fleet-actions", version: "1.1.0" }));
    execFileSync("git", ["add", "."], { cwd: work });
    const second = commit(work, "1.1.0");
    expect(release(work, "v1.1.0").status).toBe(0);
    expect(remoteTag(origin, "v1.1.0")).toBe(second);
    expect(remoteTag(origin, "v1")).toBe(second);
    expect(remoteTag(origin, "v1.0.0")).toBe(first);
  });

  it("accepts a pushed tag that is HEAD (the tag-push trigger) and only moves vX", () => {
    const { work, origin } = checkout("2.0.0");
    execFileSync("git", ["tag", "v2.0.0"], { cwd: work });
    execFileSync("git", ["push", "-q", "origin", "v2.0.0"], { cwd: work });
    expect(release(work, "v2.0.0").status).toBe(0);
    expect(remoteTag(origin, "v2")).toBe(remoteTag(origin, "v2.0.0"));
  });

  it("never moves a released version to another commit", () => {
    const { work, origin } = checkout("1.0.0");
    expect(release(work, "1.0.0").status).toBe(0);
    const released = remoteTag(origin, "v1.0.0");
    commit(work, "later");
    const run = release(work, "1.0.0");
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("v1.0.0 already exists on another commit");
    expect(remoteTag(origin, "v1.0.0")).toBe(released);
    expect(remoteTag(origin, "v1")).toBe(released);
  });

  it("refuses a version package.json does not declare (exit 1) or that is not X.Y.Z (exit 2), tagging nothing", () => {
    const { work, origin } = checkout("1.0.0");
    const other = release(work, "1.0.1");
    expect(other.status).toBe(1);
    expect(other.stderr).toContain("package.json says 1.0.0, not 1.0.1");
    const bad = release(work, "v1");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("must be X.Y.Z");
    expect(execFileSync("git", ["tag"], { cwd: origin, encoding: "utf8" })).toBe("");
  });
});

describe(".gitea/workflows/release.yml", () => {
  const workflow = parse(readFileSync(join(ROOT, ".gitea/workflows/release.yml"), "utf8")) as {
    on: { workflow_dispatch: { inputs: Record<string, unknown> }; push: { tags: string[] } };
    permissions: Record<string, string>;
    jobs: Record<string, { steps: { run?: string; uses?: string; env?: Record<string, string> }[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it("runs on a dispatched version or a pushed vX.Y.Z tag, and may push tags", () => {
    expect(Object.keys(workflow.on.workflow_dispatch.inputs)).toEqual(["version"]);
    expect(workflow.on.push.tags).toEqual(["v*.*.*"]);
    expect(workflow.permissions).toEqual({ contents: "write" });
  });

  it("checks the build (dist/ fresh, tests green) before it tags", () => {
    const runs = steps.map((step) => step.run ?? "");
    const checks = runs.indexOf("bash .ci/run");
    expect(checks).toBeGreaterThan(-1);
    expect(runs.indexOf("bash scripts/release-tags.sh")).toBeGreaterThan(checks);
    expect(readFileSync(join(ROOT, ".ci/run"), "utf8")).toMatch(/git diff --quiet[^\n]*-- dist/);
  });

  it("passes the version through env, never spliced into a script", () => {
    for (const step of steps) expect(step.run ?? "").not.toContain("${{");
  });
});
