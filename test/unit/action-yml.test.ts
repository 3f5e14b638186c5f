import { describe, expect, it } from "vitest";
import { ACTION_INPUTS, ACTION_OUTPUTS, type ActionName } from "../../src/names.js";
import { readActionYml } from "../harness/action.js";

const ACTIONS = Object.keys(ACTION_INPUTS) as ActionName[];

describe.each(ACTIONS)("actions/%s/action.yml", (name) => {
  const action = readActionYml(name);

  it("declares exactly the inputs and outputs of src/names.ts", () => {
    expect(Object.keys(action.inputs ?? {}).sort()).toEqual([...ACTION_INPUTS[name]].sort());
    expect(Object.keys(action.outputs ?? {}).sort()).toEqual([...ACTION_OUTPUTS[name]].sort());
  });

  it("is a composite action that runs its own bundle with every input in env", () => {
    expect(action.runs.using).toBe("composite");
    const steps = action.runs.steps.filter((step) => step.run);
    expect(steps).toHaveLength(1);
    const step = steps[0]!;
    expect(step.run?.trim()).toBe(`node "$GITHUB_ACTION_PATH/../../dist/${name}/index.js"`);
    const env = step.env ?? {};
    for (const input of ACTION_INPUTS[name]) {
      expect(env[`INPUT_${input.toUpperCase().replace(/-/g, "_")}`]).toBe(`\${{ inputs.${input} }}`);
    }
    for (const output of ACTION_OUTPUTS[name]) {
      expect(action.outputs?.[output]?.value).toBe(`\${{ steps.${step.id}.outputs.${output} }}`);
    }
  });

  it("gives every forge action a token input defaulting to the job token", () => {
    expect(action.inputs?.token?.default).toBe(`\${{ github.token }}`);
  });

  it("never splices expressions into a script", () => {
    for (const step of action.runs.steps) expect(step.run ?? "").not.toContain("${{");
  });
});
