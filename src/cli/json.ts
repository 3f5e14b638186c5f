/**
 * Action outputs are strings, and the structured ones hold JSON. On the command line
 * `--json` prints them as the values they are: arrays and objects as JSON, not as JSON
 * inside a string, `true`/`false` as booleans. Any other text stays a string.
 */
export function jsonOutputs(outputs: Readonly<Record<string, string>>): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, text] of Object.entries(outputs)) values[name] = outputValue(text);
  return values;
}

function outputValue(text: string): unknown {
  if (text === "true" || text === "false") return text === "true";
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : text;
  } catch {
    return text;
  }
}
