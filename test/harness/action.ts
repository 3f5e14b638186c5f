// Runs an action.yml's composite steps for real: bash, the env a runner sets, the step's own `env:`.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "yaml";

const ROOT = resolve(import.meta.dirname, "../..");

interface ActionYml {
  inputs?: Record<string, { default?: string; required?: boolean }>;
  outputs?: Record<string, { value: string }>;
  runs: {
    using: string;
    steps: { id?: string; shell?: string; run?: string; env?: Record<string, string> }[];
  };
}

export interface ActionRun {
  code: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

export interface ActionRunOptions {
  inputs?: Record<string, string>;
  /** What `${{ github.* }}` expands to (token, api_url, ...). */
  github?: Record<string, string>;
  /** Extra runner env: GITHUB_EVENT_NAME, GITHUB_REPOSITORY, ... */
  env?: Record<string, string>;
  /** Event payload written to GITHUB_EVENT_PATH. */
  event?: unknown;
  workspace?: string;
}

export function readActionYml(name: string): ActionYml {
  return parse(readFileSync(join(ROOT, "actions", name, "action.yml"), "utf8")) as ActionYml;
}

/** Parses a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM` heredocs. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join("\n");
      i = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}

function expand(
  text: string,
  scope: {
    inputs: Record<string, string>;
    github: Record<string, string>;
    steps: Record<string, Record<string, string>>;
  },
): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => {
    let match = /^inputs\.([\w-]+)$/.exec(expression);
    if (match) return scope.inputs[match[1]!] ?? "";
    match = /^github\.(\w+)$/.exec(expression);
    if (match) return scope.github[match[1]!] ?? "";
    match = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(expression);
    if (match) return scope.steps[match[1]!]?.[match[2]!] ?? "";
    throw new Error(`action.yml uses an expression the harness does not allow: \${{ ${expression} }}`);
  });
}

function runBash(
  script: string,
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", script], { env, cwd });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code: code ?? 1, stdout, stderr }));
  });
}

/** Runs every `run:` step of actions/<name>/action.yml the way act_runner does, and collects outputs. */
export async function runAction(name: string, options: ActionRunOptions = {}): Promise<ActionRun> {
  const action = readActionYml(name);
  if (action.runs.using !== "composite") throw new Error(`${name} is not a composite action`);
  const temp = mkdtempSync(join(tmpdir(), `fleet-${name}-`));
  const workspace = options.workspace ?? temp;
  const inputs: Record<string, string> = {};
  const github = { ...options.github };
  for (const [key, spec] of Object.entries(action.inputs ?? {})) {
    const given = options.inputs?.[key];
    inputs[key] = given ?? expand(spec.default ?? "", { inputs: {}, github, steps: {} });
  }
  const eventPath = join(temp, "event.json");
  writeFileSync(eventPath, JSON.stringify(options.event ?? {}));
  const summaryPath = join(temp, "summary.md");
  writeFileSync(summaryPath, "");
  const steps: Record<string, Record<string, string>> = {};
  let stdout = "";
  let stderr = "";
  let code = 0;
  for (const [index, step] of action.runs.steps.entries()) {
    if (!step.run) continue;
    if (step.shell !== "bash") throw new Error(`step ${index} of ${name} must say shell: bash`);
    const outputPath = join(temp, `output-${index}`);
    writeFileSync(outputPath, "");
    const scope = { inputs, github, steps };
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? temp,
      GITHUB_ACTIONS: "true",
      GITEA_ACTIONS: "true",
      GITHUB_ACTION_PATH: join(ROOT, "actions", name),
      GITHUB_WORKSPACE: workspace,
      GITHUB_EVENT_PATH: eventPath,
      GITHUB_OUTPUT: outputPath,
      GITHUB_STEP_SUMMARY: summaryPath,
      RUNNER_TEMP: temp,
      ...(github.api_url ? { GITHUB_API_URL: github.api_url } : {}),
      ...options.env,
    };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = expand(String(value), scope);
    const result = await runBash(expand(step.run, scope), env, workspace);
    stdout += result.stdout;
    stderr += result.stderr;
    if (step.id) steps[step.id] = parseOutputFile(readFileSync(outputPath, "utf8"));
    if (result.code !== 0) {
      code = result.code;
      break;
    }
  }
  const outputs: Record<string, string> = {};
  for (const [key, spec] of Object.entries(action.outputs ?? {}))
    outputs[key] = expand(spec.value, { inputs, github, steps });
  return { code, stdout, stderr, outputs, summary: readFileSync(summaryPath, "utf8") };
}
