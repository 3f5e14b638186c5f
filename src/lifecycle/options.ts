import { booleanInput, choiceInput, InputError, type InputSource, optionalString } from "../action/inputs.js";
import { parseIssueRef, USER_NAME } from "../forge/refs.js";
import {
  DEFAULT_CONFIG_PATH,
  LIFECYCLE_COMMANDS,
  type LifecycleCommand,
  LifecycleInput,
  TASK_OUTCOMES,
  type TaskOutcome,
} from "../names.js";

export interface LifecycleOptions {
  command: LifecycleCommand;
  agent: string | undefined;
  /** `owner/repo#N`, with `command: task`. */
  task: string | undefined;
  outcome: TaskOutcome | undefined;
  dryRun: boolean;
  configPath: string;
  token: string | undefined;
  apiUrl: string | undefined;
  /** Inputs given but meaningless for the command (a dispatch form sends every field): logged, not fatal. */
  ignored: string[];
}

/** Commands that act on one agent and need `agent`. */
const AGENT_COMMANDS: readonly LifecycleCommand[] = ["provision", "deploy", "heartbeat", "task", "retire"];

/** Reads and checks every input once; a bad value fails with what would be valid. */
export function readOptions(inputs: InputSource, currentRepo: string | undefined): LifecycleOptions {
  const command = choiceInput(inputs, LifecycleInput.command, LIFECYCLE_COMMANDS, "monitor");
  const agent = optionalString(inputs, LifecycleInput.agent);
  const taskText = optionalString(inputs, LifecycleInput.task);
  const outcomeText = optionalString(inputs, LifecycleInput.outcome);
  const needsAgent = AGENT_COMMANDS.includes(command);
  if (needsAgent && !agent)
    throw new InputError(
      `command '${command}' needs input '${LifecycleInput.agent}' (the agent's forge user name)`,
    );
  const ignored: string[] = [];
  if (!needsAgent && agent) ignored.push(LifecycleInput.agent);
  if (agent && !USER_NAME.test(agent))
    throw new InputError(`input '${LifecycleInput.agent}' is '${agent}': expected a forge user name`);
  let task: string | undefined;
  let outcome: TaskOutcome | undefined;
  if (command === "task") {
    if (!taskText) throw new InputError(`command 'task' needs input '${LifecycleInput.task}' (owner/repo#N)`);
    try {
      const ref = parseIssueRef(taskText, currentRepo);
      task = `${ref.repo}#${ref.number}`;
    } catch (error) {
      throw new InputError(`input '${LifecycleInput.task}': ${(error as Error).message}`);
    }
    if (!outcomeText)
      throw new InputError(
        `command 'task' needs input '${LifecycleInput.outcome}': one of ${TASK_OUTCOMES.join(", ")}`,
      );
    outcome = choiceInput(inputs, LifecycleInput.outcome, TASK_OUTCOMES, "started");
  } else {
    if (taskText) ignored.push(LifecycleInput.task);
    if (outcomeText) ignored.push(LifecycleInput.outcome);
  }
  return {
    command,
    agent: needsAgent ? agent : undefined,
    task,
    outcome,
    dryRun: booleanInput(inputs, LifecycleInput.dryRun, false),
    configPath: optionalString(inputs, LifecycleInput.config) ?? DEFAULT_CONFIG_PATH,
    token: optionalString(inputs, LifecycleInput.token),
    apiUrl: optionalString(inputs, LifecycleInput.apiUrl),
    ignored,
  };
}
