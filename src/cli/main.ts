import { parseArgs } from "node:util";
import type { InputSource } from "../action/inputs.js";
import { ExitCode } from "../action/io.js";
import type { Reporter } from "../action/reporter.js";
import { TOKEN_ENV } from "../names.js";
import { COMMANDS, type CommandName, commandHelp, isSwitch, optionName, usage } from "./commands.js";
import { jsonOutputs } from "./json.js";
import { VERSION } from "./version.js";

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

function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

/** Runs `fleet <command> [options]`; returns the exit code. Nothing is read before it is needed. */
export async function main(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  streams: CliStreams = processStreams,
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-V" || command === "version") {
    streams.out(`${VERSION}\n`);
    return ExitCode.ok;
  }
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    streams.out(`${usage()}\n`);
    return command === undefined ? ExitCode.usage : ExitCode.ok;
  }
  if (!isCommand(command)) {
    streams.err(`fleet: unknown command '${command}'\n\n${usage()}\n`);
    return ExitCode.usage;
  }
  const options: Record<string, { type: "string" | "boolean" }> = {
    help: { type: "boolean" },
    json: { type: "boolean" },
    repository: { type: "string" },
  };
  for (const option of COMMANDS[command].options)
    options[optionName(option)] = { type: isSwitch(option) ? "boolean" : "string" };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: [...rest], options, allowPositionals: false, strict: true }));
  } catch (error) {
    streams.err(`fleet ${command}: ${(error as Error).message}\n\n${commandHelp(command)}\n`);
    return ExitCode.usage;
  }
  if (values.help) {
    streams.out(`${commandHelp(command)}\n`);
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
  const code = await COMMANDS[command].run({
    inputs,
    reporter: cliReporter(streams, json, outputs),
    env: jobEnv,
  });
  if (json) streams.out(`${JSON.stringify(jsonOutputs(outputs), null, 2)}\n`);
  return code;
}
