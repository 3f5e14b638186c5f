import { parseArgs } from "node:util";
import type { InputSource } from "../action/inputs.js";
import { ExitCode, type JobIO } from "../action/io.js";
import type { Reporter } from "../action/reporter.js";
import * as delegate from "../delegate/main.js";
import * as lifecycle from "../lifecycle/main.js";
import * as modelChain from "../model-chain/main.js";
import { ACTION_INPUTS, type ActionName, TOKEN_ENV } from "../names.js";

interface Job {
  run(io: JobIO): Promise<number>;
  help: string;
}

const JOBS: Record<ActionName, Job> = { delegate, "model-chain": modelChain, lifecycle };

/** Inputs that are switches on the command line (`--dry-run`), not `--name value`. */
const SWITCHES = new Set(["dry-run", "commit"]);

export const usage = `fleet: delegate issues, verify the local model chain, track agent lifecycle.

Usage: fleet <command> [options]

Commands:
  delegate      give unassigned issues to the best-suited agent
  model-chain   check the Ollama model fallback chain with live inference
  lifecycle     provision, deploy, heartbeat, task, retire, monitor, status

Every command takes the inputs of its action as --flags, plus --help.
The token comes from --token or ${TOKEN_ENV}; the forge API from --api-url or GITHUB_API_URL.
Add --json to print the outputs as one JSON object on stdout (the log then goes to stderr).`;

function commandHelp(name: ActionName, job: Job): string {
  return `Usage: fleet ${name} [options]

${job.help}

Common options:
  --repository <o/n>  the fleet repository: config and state (default GITHUB_REPOSITORY)
  --json              print the outputs as one JSON object on stdout (the log goes to stderr)
  --help              this text`;
}

export interface CliStreams {
  out: (text: string) => void;
  err: (text: string) => void;
}

const processStreams: CliStreams = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

function cliReporter(streams: CliStreams, json: boolean, outputs: Record<string, string>): Reporter {
  const log = json ? streams.err : streams.out;
  return {
    info: (line) => log(`${line}\n`),
    warning: (line) => streams.err(`warning: ${line}\n`),
    error: (line) => streams.err(`error: ${line}\n`),
    debug: (line) => {
      if (process.env.FLEET_DEBUG) streams.err(`debug: ${line}\n`);
    },
    setOutput: (name, value) => {
      outputs[name] = value;
    },
    summary: async () => {},
    setSecret: () => {},
  };
}

/** Runs `fleet <command> [options]`; returns the exit code. Nothing is read before it is needed. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  streams: CliStreams = processStreams,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    streams.out(`${usage}\n`);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (!(command in JOBS)) {
    streams.err(`fleet: unknown command '${command}'\n\n${usage}\n`);
    return ExitCode.usage;
  }
  const name = command as ActionName;
  const job = JOBS[name];
  const options: Record<string, { type: "string" | "boolean" }> = {
    help: { type: "boolean" },
    json: { type: "boolean" },
    repository: { type: "string" },
  };
  for (const input of ACTION_INPUTS[name])
    options[input] = { type: SWITCHES.has(input) ? "boolean" : "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...rest], options, allowPositionals: false, strict: true }));
  } catch (error) {
    streams.err(`fleet ${name}: ${(error as Error).message}\n\n${commandHelp(name, job)}\n`);
    return ExitCode.usage;
  }
  if (values.help) {
    streams.out(`${commandHelp(name, job)}\n`);
    return ExitCode.ok;
  }
  const inputs: InputSource = (input) => {
    const value = values[input];
    if (typeof value === "boolean") return String(value);
    if (value !== undefined) return value;
    return input === "token" ? env[TOKEN_ENV] : undefined;
  };
  const outputs: Record<string, string> = {};
  const json = values.json === true;
  const jobEnv = {
    ...env,
    ...(typeof values.repository === "string" ? { GITHUB_REPOSITORY: values.repository } : {}),
  };
  const code = await job.run({ inputs, reporter: cliReporter(streams, json, outputs), env: jobEnv });
  if (json) streams.out(`${JSON.stringify(outputs, null, 2)}\n`);
  return code;
}
