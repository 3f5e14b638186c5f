// docs/cli.md documents every command's options and exit codes as the CLI defines them.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS, COMMON_OPTIONS } from "../../src/cli/commands.js";

const docs = readFileSync(resolve(import.meta.dirname, "../../docs/cli.md"), "utf8");

/** The text of the `## \`fleet <name>\`` section. */
function section(name: string): string {
  const start = docs.indexOf(`## \`fleet ${name}\``);
  expect(start, `docs/cli.md has a section for fleet ${name}`).toBeGreaterThanOrEqual(0);
  const end = docs.indexOf("\n## ", start + 1);
  return docs.slice(start, end === -1 ? undefined : end);
}

describe("docs/cli.md", () => {
  it("lists each command's options and its exit codes in the command's section", () => {
    for (const [name, command] of Object.entries(COMMANDS)) {
      const text = section(name);
      for (const option of command.options)
        expect(text, `fleet ${name} ${option.flag}`).toContain(`\`${option.flag}\``);
      expect(text).toMatch(/Exit codes: 0 .*; 1 .*; 2 /s);
    }
    for (const option of COMMON_OPTIONS) expect(docs).toContain(`\`${option.flag}\``);
  });
});
