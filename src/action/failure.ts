import { ConfigError } from "../config/errors.js";
import { MissingTokenError } from "../forge/errors.js";
import { InputError } from "./inputs.js";
import { ExitCode } from "./io.js";
import type { Reporter } from "./reporter.js";

/**
 * Turns any error of a job into one clear message and an exit code: 2 for bad input or
 * config (nothing was changed), 1 for everything else.
 */
export function reportFailure(error: unknown, reporter: Reporter, job: string): number {
  const message = error instanceof Error ? error.message : String(error);
  const usage =
    error instanceof ConfigError || error instanceof InputError || error instanceof MissingTokenError;
  reporter.error(`${job}: ${message}`);
  return usage ? ExitCode.usage : ExitCode.failed;
}
