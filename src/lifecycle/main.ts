import { loadJobConfig } from "../action/config.js";
import { readRunContext } from "../action/context.js";
import { reportFailure } from "../action/failure.js";
import { createForge } from "../action/forge.js";
import { InputError } from "../action/inputs.js";
import { actionIO, ExitCode, type JobIO } from "../action/io.js";
import type { Reporter } from "../action/reporter.js";
import { LifecycleInput, LifecycleOutput } from "../names.js";
import { fleetLogLines, renderFleet } from "../report/fleet.js";
import { commitFleetState, fleetStore } from "../state/fleet-store.js";
import type { FleetState } from "../state/schema.js";
import type { StateStore } from "../state/store.js";
import { timestamp } from "../state/time.js";
import type { UpdateResult } from "../state/update.js";
import { applyAgentCommand, type CommandContext, type CommandOutcome } from "./commands.js";
import { checkTaskIssue, noStateLines } from "./honesty.js";
import { applyMonitor, type Observations } from "./monitor.js";
import { observe } from "./observe.js";
import { type LifecycleOptions, readOptions } from "./options.js";

/** Summary for the `state` output: everything but the audit log and task ids. */
function stateSummary(state: FleetState): string {
  const agents = Object.fromEntries(
    Object.entries(state.agents)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, agent]) => [
        name,
        { state: agent.state, since: agent.since, lastSeen: agent.lastSeen, tasks: agent.tasks },
      ]),
  );
  return JSON.stringify({ agents, activeModel: state.models?.active ?? null });
}

function idleAgents(state: FleetState): string[] {
  return Object.entries(state.agents)
    .filter(([, agent]) => agent.state === "idle")
    .map(([name]) => name)
    .sort();
}

async function report(
  reporter: Reporter,
  store: StateStore,
  options: LifecycleOptions,
  state: FleetState,
  nowMs: number,
  result: UpdateResult | undefined,
  notes: readonly string[],
): Promise<void> {
  const changes = result?.changes ?? [];
  for (const line of notes) reporter.info(line);
  for (const line of changes) reporter.info(`change: ${line}`);
  let outcome: string;
  if (!result) outcome = `read ${store.where} (status writes nothing)`;
  else if (!result.changed) outcome = `nothing changed: no commit to ${store.where}`;
  else if (store.dryRun) outcome = `dry run: would commit to ${store.where}: ${result.message}`;
  else
    outcome = `committed to ${store.where}: ${result.message}${result.attempts > 1 ? ` (after ${result.attempts - 1} lost race(s))` : ""}`;
  reporter.info(outcome);
  for (const line of fleetLogLines(state, nowMs)) reporter.info(line);

  const idle = idleAgents(state);
  reporter.setOutput(LifecycleOutput.idle, JSON.stringify(idle));
  reporter.setOutput(LifecycleOutput.changed, String(result?.committed ?? false));
  reporter.setOutput(LifecycleOutput.state, stateSummary(state));

  const shown = changes.slice(0, 50).map((line) => `- ${line}`);
  if (changes.length > shown.length) shown.push(`- … and ${changes.length - shown.length} more`);
  await reporter.summary(
    [
      `## Fleet lifecycle: ${options.command}${options.dryRun ? " (dry run)" : ""}`,
      "",
      outcome,
      "",
      ...(shown.length > 0 ? [...shown, ""] : []),
      renderFleet(state, { nowMs, statePath: store.statePath }).replace(/^# Fleet\n/, ""),
    ].join("\n"),
  );
}

/** The lifecycle job: read options, apply the command (or monitor) to the state, commit, report. */
export async function run(io: JobIO = actionIO()): Promise<number> {
  const { reporter } = io;
  try {
    const context = readRunContext(io.env);
    const options = readOptions(io.inputs, context.repository);
    for (const name of options.ignored)
      reporter.info(`input '${name}' is not used by command '${options.command}': ignored`);
    const repo = context.repository;
    if (!repo)
      throw new InputError(
        "no repository: GITHUB_REPOSITORY (the fleet repository holding the config and state) is not set",
      );
    const forge = createForge(
      { apiUrl: options.apiUrl ?? context.apiUrl, token: options.token, env: io.env },
      reporter,
    );
    const config = await loadJobConfig(options.configPath, context.workspace, forge, repo);
    const store = fleetStore(forge, repo, config, options.dryRun);
    const nowMs = Date.now();
    const commandContext: CommandContext = {
      now: timestamp(nowMs),
      actor: io.env.GITHUB_ACTOR || "fleet-actions",
      configAgents: config.agents.map((agent) => agent.name),
      configSource: config.source,
    };

    if (options.command === "status") {
      const snapshot = await store.read();
      await report(reporter, store, options, snapshot.state, nowMs, undefined, []);
      for (const line of noStateLines(snapshot.state, commandContext.configAgents)) reporter.info(line);
      return ExitCode.ok;
    }

    const command = options.command;
    if (command === "task") await checkTaskIssue(forge, options.task!, options.agent!, reporter);
    let outcome: CommandOutcome = { changes: [], notes: [] };
    let observations: Observations | undefined;
    const repos = config.repos ?? [repo];
    const result = await commitFleetState(
      store,
      async (state) => {
        if (command === "monitor") {
          observations ??= await observe(forge, state, {
            repos,
            configAgents: commandContext.configAgents,
            nowMs,
            idleAfterMs: config.lifecycle.idleAfterMs,
            reporter,
          });
          outcome = applyMonitor(state, observations, {
            ...commandContext,
            nowMs,
            idleAfterMs: config.lifecycle.idleAfterMs,
            failedLabels: config.lifecycle.failedLabels,
          });
        } else {
          const agent = options.agent!;
          outcome =
            command === "task"
              ? applyAgentCommand(
                  state,
                  { command, agent, task: options.task!, outcome: options.outcome! },
                  commandContext,
                )
              : applyAgentCommand(state, { command, agent }, commandContext);
        }
        return outcome.changes;
      },
      { label: `lifecycle ${command}`, reporter },
    );
    await report(reporter, store, options, result.state, nowMs, result, outcome.notes);
    return ExitCode.ok;
  } catch (error) {
    return reportFailure(error, reporter, "lifecycle");
  }
}

/** Input names, re-exported for the CLI's flag table. */
export const inputs = LifecycleInput;
