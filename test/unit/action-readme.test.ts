import { describe, expect, it } from "vitest";
import { ACTION_INPUTS, type ActionName } from "../../src/names.js";
import { readActionYml } from "../harness/action.js";
import { readDoc, tableUnder } from "../harness/markdown.js";

const ACTIONS = Object.keys(ACTION_INPUTS) as ActionName[];

/** How a default is written in a table: in code, or an empty cell for an empty default. */
function shownDefault(value: string | undefined): string {
  return value ? `\`${value}\`` : "";
}

describe.each(ACTIONS)("actions/%s/README.md", (name) => {
  const action = readActionYml(name);
  const readme = readDoc(`actions/${name}/README.md`);

  it("lists every input of action.yml, in its order, with its default", () => {
    const table = tableUnder(readme, "Inputs").map(([input = "", shown = ""]) => [input, shown]);
    const declared = Object.entries(action.inputs ?? {}).map(([input, spec]) => [
      `\`${input}\``,
      shownDefault(spec.default),
    ]);
    expect(table).toEqual(declared);
  });

  it("lists every output of action.yml, in its order", () => {
    const table = tableUnder(readme, "Outputs").map(([output = ""]) => output);
    expect(table).toEqual(Object.keys(action.outputs ?? {}).map((output) => `\`${output}\``));
  });

  it("says what each input and output means", () => {
    for (const row of [...tableUnder(readme, "Inputs"), ...tableUnder(readme, "Outputs")]) {
      expect(row.at(-1), row[0]).toMatch(/\w{3}/);
    }
  });
});

describe("tableUnder", () => {
  it("reads the rows of the table under a heading, pipes in code unescaped", () => {
    const markdown = "# A\n\ntext\n\n| x | y |\n| - | - |\n| `a\\|b` | 1 |\n\n## B\n\n| z |\n| - |\n| 2 |\n";
    expect(tableUnder(markdown, "A")).toEqual([["`a|b`", "1"]]);
    expect(tableUnder(markdown, "B")).toEqual([["2"]]);
    expect(tableUnder(markdown, "C")).toEqual([]);
  });
});
