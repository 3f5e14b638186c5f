import { durationProblem, MAX_DURATION_MS, parseDuration } from "../util/duration.js";

/** Where raw option values come from: action env (`INPUT_*`) or CLI flags. */
export type InputSource = (name: string) => string | undefined;

/** An option value that failed validation; the message lists what would be valid. */
export class InputError extends Error {
  override name = "InputError";
}

/**
 * Reads inputs the way a composite action passes them through `env:`.
 * `INPUT_DRY_RUN` (shell-safe, what our action.yml files set) is preferred;
 * `INPUT_DRY-RUN` (what @actions/core and JavaScript actions use) also works.
 */
export function envInputs(env: NodeJS.ProcessEnv = process.env): InputSource {
  return (name) => {
    const upper = name.toUpperCase().replace(/ /g, "_");
    const value = env[`INPUT_${upper.replace(/-/g, "_")}`] ?? env[`INPUT_${upper}`];
    return value === undefined ? undefined : value.trim();
  };
}

/** A string input, or undefined when unset or empty (empty means "use the default"). */
export function optionalString(source: InputSource, name: string): string | undefined {
  const value = source(name);
  return value === undefined || value === "" ? undefined : value;
}

const TRUE = ["true", "yes", "on", "1"];
const FALSE = ["false", "no", "off", "0"];

/** A boolean input; unset is distinct from false and gets `fallback`. */
export function booleanInput(source: InputSource, name: string, fallback: boolean): boolean {
  const value = optionalString(source, name)?.toLowerCase();
  if (value === undefined) return fallback;
  if (TRUE.includes(value)) return true;
  if (FALSE.includes(value)) return false;
  throw new InputError(`input '${name}' is '${value}': expected true or false`);
}

/** One of a fixed list of values; an invalid one fails with the list. */
export function choiceInput<T extends string>(
  source: InputSource,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const value = optionalString(source, name);
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InputError(`input '${name}' is '${value}': expected one of ${choices.join(", ")}`);
}

/** A duration input (`90s`, `15m`, `24h`, `2d`) up to `maxMs`, in milliseconds, or undefined when unset. */
export function durationInput(
  source: InputSource,
  name: string,
  maxMs = MAX_DURATION_MS,
): number | undefined {
  const value = optionalString(source, name);
  if (value === undefined) return undefined;
  const problem = durationProblem(value, maxMs);
  if (problem) throw new InputError(`input '${name}' is '${value}': expected ${problem}`);
  return parseDuration(value);
}
