import { loadJobConfig } from "../action/config.js";
import { readRunContext } from "../action/context.js";
import { reportFailure } from "../action/failure.js";
import { createForge } from "../action/forge.js";
import { actionIO, ExitCode, type JobIO } from "../action/io.js";
import type { ForgeClient } from "../forge/client.js";
import { DelegateOutput } from "../names.js";
import { readAgentStates } from "../state/agents.js";
import { type DelegateJob, type DelegateResult, delegateIssue, status, sweep } from "./delegate.js";
import { readDelegateOptions } from "./options.js";
import { renderSummary } from "./summary.js";

/** Reads inputs, runs the chosen mode, sets outputs. Returns the exit code. */
export async function run(io: JobIO = actionIO()): Promise<number> {
  const { reporter } = io;
  try {
    const context = readRunContext(io.env);
    const options = readDelegateOptions(io.inputs, context);
    if (options.target.mode === "ignore") {
      reporter.info(`Nothing to delegate: ${options.target.why}.`);
      setOutputs(io, { assignments: [], decisions: [], dashboard: undefined, released: [] }, undefined);
      return ExitCode.ok;
    }
    const forge: ForgeClient = createForge(
      { apiUrl: options.apiUrl, token: options.token, env: io.env },
      reporter,
    );
    const home = options.repository ?? (options.target.mode === "event" ? options.target.repo : undefined);
    const config = await loadJobConfig(options.configPath, context.workspace, forge, home);
    const repos = config.repos ?? (home ? [home] : []);
    if (repos.length === 0)
      throw new Error("no repositories to watch: set `repos` in the config or run in a repository");
    // The lifecycle state is read from the repository, not a checkout: it may have moved since.
    const agentStates = (home && (await readAgentStates(forge, home, config))) || new Map<string, string>();
    const job: DelegateJob = {
      forge,
      config,
      repos,
      agentStates,
      dryRun: options.dryRun,
      log: (line) => reporter.info(line),
    };
    const target = options.target;
    reporter.info(
      `fleet delegate: ${target.mode}${target.mode === "event" ? ` ${target.repo}#${target.number}` : ` over ${repos.join(", ")}`}${options.dryRun ? " (dry run: nothing is changed)" : ""}`,
    );
    const result =
      target.mode === "event"
        ? await delegateIssue(job, target.repo, target.number)
        : target.mode === "status"
          ? await status(job)
          : await sweep(job);
    if (result.dashboard) reporter.info(`\n${result.dashboard}`);
    const leftAlone = result.decisions.filter((decision) => !decision.agent).length;
    const released = result.released.length;
    reporter.info(
      `${result.assignments.length} ${options.dryRun ? "would be assigned" : "assigned"}, ${released} ${options.dryRun ? "would be released" : "released"}, ${leftAlone} left alone; ${forge.requests} API requests`,
    );
    setOutputs(io, result, target.mode === "event" ? (result.assignments[0]?.agent ?? "") : undefined);
    await reporter.summary(renderSummary(result, options.dryRun));
    return ExitCode.ok;
  } catch (error) {
    return reportFailure(error, reporter, "delegate");
  }
}

function setOutputs(io: JobIO, result: DelegateResult, agent: string | undefined): void {
  io.reporter.setOutput(DelegateOutput.assignments, JSON.stringify(result.assignments));
  io.reporter.setOutput(DelegateOutput.agent, agent ?? "");
  io.reporter.setOutput(DelegateOutput.dashboard, result.dashboard ?? "");
  io.reporter.setOutput(DelegateOutput.released, JSON.stringify(result.released));
}
