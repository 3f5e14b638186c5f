import { ConfigError } from "../config/errors.js";
import { MissingTokenError } from "../forge/errors.js";
import { InputError } from "./inputs.js";
import { ExitCode } from "./io.js";
import type { Reporter } from "./reporter.js";

/**
 * Turns any error of a job into one clear message and an exit code: 2 for bad input or
 * config (nothing was changed), 1 for everything else. Written to the log as an annotation
 * too, for forges that show them.
 */
export function reportFailure(error: unknown, reporter: Reporter, job: string): number {
  const message = error instanceof Error ? error.message : String(error);
  const usage =
    error instanceof ConfigError || error instanceof InputError || error instanceof MissingTokenError;
  // Gitea shows no annotations: the plain line is what a person reads in the log.
  reporter.info(`Error: ${job}: ${message}`);
  reporter.error(`${job}: ${message}`);
  return usage ? ExitCode.usage : ExitCode.failed;
}
