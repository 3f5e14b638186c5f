import { describe, expect, it } from "vitest";
import { jsonOutputs } from "../../src/cli/json.js";

describe("--json outputs", () => {
  it("prints structured outputs as JSON values and leaves text as text", () => {
    expect(
      jsonOutputs({
        assignments: '[{"repo":"org/app","issue":1}]',
        state: '{"agents":{}}',
        changed: "true",
        agent: "ezra",
        dashboard: "[not json] table",
        empty: "",
        number: "12",
      }),
    ).toEqual({
      assignments: [{ repo: "org/app", issue: 1 }],
      state: { agents: {} },
      changed: true,
      agent: "ezra",
      dashboard: "[not json] table",
      empty: "",
      number: "12",
    });
  });
});
