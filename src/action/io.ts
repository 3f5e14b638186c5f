import { envInputs, type InputSource } from "./inputs.js";
import { actionsReporter, type Reporter } from "./reporter.js";

/**
 * Everything a job's `run()` reads from or writes to the outside, so the action, the CLI
 * and tests call the same code: inputs, where words go, and the runner environment.
 */
export interface JobIO {
  inputs: InputSource;
  reporter: Reporter;
  env: NodeJS.ProcessEnv;
}

/** The IO of a composite action step: INPUT_* env, the runner's log/outputs/summary. */
export function actionIO(env: NodeJS.ProcessEnv = process.env): JobIO {
  return { inputs: envInputs(env), reporter: actionsReporter, env };
}

/** Exit codes the jobs use, so scripts can tell failures apart. */
export const ExitCode = {
  ok: 0,
  /** The job ran and its check failed (no model answers, assignee not recorded, ...). */
  failed: 1,
  /** Bad input or config: nothing was changed. */
  usage: 2,
} as const;

/** Ends the process once output is flushed, so no pending retry or socket keeps the job alive. */
export function exitWith(code: Promise<number>): void {
  code
    .catch((error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      return ExitCode.failed;
    })
    .then((exitCode) => {
      process.exitCode = exitCode;
      process.stdout.write("", () => process.exit(exitCode));
    });
}
