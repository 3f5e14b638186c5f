// The `fleet` commands: what each runs, its options and exit codes. Every --help is rendered
// from this one table, so all commands' help has the same shape and lists its exit codes.
import type { JobIO } from "../action/io.js";
import * as delegate from "../delegate/main.js";
import * as doctor from "../doctor/main.js";
import * as lifecycle from "../lifecycle/main.js";
import * as modelChain from "../model-chain/main.js";
import {
  DEFAULT_CONFIG_PATH,
  DEFAULT_MODEL_TIMEOUT,
  DEFAULT_OLLAMA_URL,
  FAIL_ON,
  LIFECYCLE_COMMANDS,
  TASK_OUTCOMES,
  TOKEN_ENV,
} from "../names.js";

/** `--name <value>` takes a value; `--name` alone is a switch. */
export interface OptionHelp {
  flag: string;
  text: string;
}

export interface CliCommand {
  summary: string;
  /** What the command does, a few lines. */
  description: string;
  options: readonly OptionHelp[];
  /** Exit code -> when. */
  exitCodes: Readonly<Record<0 | 1 | 2, string>>;
  run(io: JobIO): Promise<number>;
}

const CONFIG = {
  flag: "--config <path>",
  text: `config file (default ${DEFAULT_CONFIG_PATH}; the workspace, else the fleet repository)`,
};
const API_URL = {
  flag: "--api-url <url>",
  text: "forge API base: <server>/api/v1 on Gitea (default GITHUB_API_URL)",
};
const DRY_RUN = { flag: "--dry-run", text: "decide and report, change nothing" };
const token = (needs: string): OptionHelp => ({
  flag: "--token <token>",
  text: `forge token (or ${TOKEN_ENV}); ${needs}`,
});

/** Options every command takes, listed after its own. */
export const COMMON_OPTIONS: readonly OptionHelp[] = [
  {
    flag: "--repository <owner/name>",
    text: "the fleet repository, holding config and state (default GITHUB_REPOSITORY)",
  },
  { flag: "--json", text: "print the outputs as one JSON object on stdout (the log goes to stderr)" },
  { flag: "--help", text: "this text" },
];

export const COMMANDS = {
  doctor: {
    summary: "check a setup: config, token, repositories, agents, Ollama (run this first)",
    description: `Prints one line per check, ✓ or ✗ with the fix: the config (with its cross-key rules), the
token's user, each repository's visibility and what the token may do there (a job token on a
private repository is a blind monitor), every agent exists and can be assigned in every
watched repository, the Ollama server answers and each chain model is installed. Only reads.`,
    options: [
      CONFIG,
      { flag: "--offline", text: "check the config alone (no forge, no Ollama)" },
      API_URL,
      token("the one your workflows use, to see what it may do"),
      {
        flag: "--url <url>",
        text: `Ollama server (default: config models.url, else OLLAMA_HOST, else ${DEFAULT_OLLAMA_URL})`,
      },
    ],
    exitCodes: {
      0: "every check passed",
      1: "a check failed (a config error included): each ✗ line says how to fix it",
      2: "bad input: an unknown option, no forge API URL",
    },
    run: doctor.run,
  },
  delegate: {
    summary: "give unassigned issues to the best-suited agent",
    description: `Gives each unassigned issue to the agent whose keywords score highest, comments why, and
prints who holds how much open work. An assignment is logged once the forge has recorded it.`,
    options: [
      {
        flag: "--mode <mode>",
        text: "auto|event|sweep|status: auto is event for issue events, sweep otherwise (default auto)",
      },
      { flag: "--issue <ref>", text: "delegate this one issue: N (in the fleet repository) or owner/repo#N" },
      CONFIG,
      DRY_RUN,
      API_URL,
      token("needs issues write on the watched repositories"),
    ],
    exitCodes: {
      0: "done (or nothing to do)",
      1: "a forge error, or an assignee the forge did not record",
      2: "bad input or config: nothing was changed",
    },
    run: delegate.run,
  },
  "model-chain": {
    summary: "check the Ollama model fallback chain with live inference",
    description: `Reads the chain (models.chain in ${DEFAULT_CONFIG_PATH}, or a model-chain.json), checks that the
server answers (/api/version), lists installed models (/api/tags), then asks every chain model,
in chain order, for a short reply (non-streaming, few tokens, fixed seed, temperature 0).
Sets active-model (first model that answered), healthy and report. All models are probed so
the report shows how much fallback is left.`,
    options: [
      { flag: "--config <path>", text: `config or chain JSON file (default ${DEFAULT_CONFIG_PATH})` },
      {
        flag: "--url <url>",
        text: `Ollama server (default: config models.url, else OLLAMA_HOST, else ${DEFAULT_OLLAMA_URL})`,
      },
      {
        flag: "--timeout <dur>",
        text: `per-model inference timeout, cold load included (default: config, else ${DEFAULT_MODEL_TIMEOUT})`,
      },
      {
        flag: "--fail-on <when>",
        text: `${FAIL_ON.join("|")}: fail when no model answers / also when any fails / never (default down)`,
      },
      { flag: "--commit", text: "write the result into the fleet state (needs a token and --api-url)" },
      token("for --commit and for reading the config from the repository"),
      API_URL,
    ],
    exitCodes: {
      0: "the chain passed under --fail-on. Under --fail-on never the check exits 0 whatever it finds, an unreachable server included",
      1: "the check failed under --fail-on (down: no model answered or the server is unreachable; degraded: also any model failed)",
      2: "bad input or config",
    },
    run: modelChain.run,
  },
  lifecycle: {
    summary: "provision, deploy, heartbeat, task, retire, monitor, status",
    description: `Tracks agents through provisioned -> deployed -> active <-> idle -> retired, counts their task
outcomes, and commits the state (lifecycle.state-path) and a dashboard (lifecycle.dashboard-path)
to the fleet repository in one commit. monitor reads the agents' forge activity and flags those
silent for longer than lifecycle.idle-after as idle; the other commands change one agent.`,
    options: [
      { flag: "--command <name>", text: `${LIFECYCLE_COMMANDS.join(", ")} (default monitor)` },
      { flag: "--agent <login>", text: "the agent a command applies to (all but monitor and status)" },
      { flag: "--task <ref>", text: "with --command task: owner/repo#N" },
      { flag: "--outcome <name>", text: `with --command task: ${TASK_OUTCOMES.join(", ")}` },
      CONFIG,
      { flag: "--dry-run", text: "decide and report, commit nothing" },
      API_URL,
      token("needs contents write on the fleet repository"),
    ],
    exitCodes: {
      0: "done (a run that changes nothing commits nothing)",
      1: "the job ran and failed: a forge error, an illegal transition, a repository the monitor cannot see",
      2: "bad input or config: nothing was changed",
    },
    run: lifecycle.run,
  },
} as const satisfies Record<string, CliCommand>;

export type CommandName = keyof typeof COMMANDS;

/** `--mode <mode>` -> `mode`. */
export function optionName(option: OptionHelp): string {
  return option.flag.slice(2).split(" ")[0]!;
}

export function isSwitch(option: OptionHelp): boolean {
  return !option.flag.includes("<");
}

function table(rows: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(...rows.map(([left]) => left.length)) + 2;
  return rows.map(([left, right]) => `  ${left.padEnd(width)}${right}`);
}

/** The help of one command: usage, what it does, options, exit codes — the same shape for all. */
export function commandHelp(name: CommandName): string {
  const command: CliCommand = COMMANDS[name];
  return [
    `Usage: fleet ${name} [options]`,
    "",
    command.description,
    "",
    "Options:",
    ...table([...command.options, ...COMMON_OPTIONS].map((option) => [option.flag, option.text])),
    "",
    "Exit codes:",
    ...table(Object.entries(command.exitCodes).map(([code, when]) => [code, when])),
  ].join("\n");
}

/** `fleet --help`. */
export function usage(): string {
  return [
    "fleet: delegate issues, verify the local model chain, track agent lifecycle.",
    "",
    "Usage: fleet <command> [options]",
    "       fleet --version",
    "",
    "Commands:",
    ...table(Object.entries(COMMANDS).map(([name, command]) => [name, command.summary])),
    "",
    `Every command takes --help. The token comes from --token or ${TOKEN_ENV}; the forge API from`,
    "--api-url or GITHUB_API_URL. --json prints the outputs as one JSON object on stdout.",
    "",
    "Exit codes:",
    ...table([
      ["0", "ok"],
      ["1", "the command ran and found or met a problem"],
      ["2", "bad input or config"],
    ]),
  ].join("\n");
}
