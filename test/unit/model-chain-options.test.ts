import { describe, expect, it } from "vitest";
import { InputError } from "../../src/action/inputs.js";
import { DEFAULT_OPTIONS, readOptions } from "../../src/model-chain/options.js";

const from = (values: Record<string, string>) => (name: string) => values[name];

describe("readOptions", () => {
  it("gives the action.yml defaults for unset or empty inputs", () => {
    expect(readOptions(from({ url: "", timeout: "" }))).toEqual({
      configPath: DEFAULT_OPTIONS.configPath,
      url: undefined,
      timeoutMs: undefined,
      failOn: "down",
      token: undefined,
      commit: false,
      apiUrl: undefined,
    });
  });

  it("reads every input", () => {
    const options = readOptions(
      from({
        config: "model-chain.json",
        url: "http://gpu:11434",
        timeout: "90s",
        "fail-on": "degraded",
        token: "t",
        commit: "true",
        "api-url": "http://gitea/api/v1",
      }),
    );
    expect(options).toEqual({
      configPath: "model-chain.json",
      url: "http://gpu:11434",
      timeoutMs: 90_000,
      failOn: "degraded",
      token: "t",
      commit: true,
      apiUrl: "http://gitea/api/v1",
    });
  });

  it("fails on an invalid value, listing the valid ones", () => {
    expect(() => readOptions(from({ "fail-on": "sometimes" }))).toThrow(InputError);
    expect(() => readOptions(from({ "fail-on": "sometimes" }))).toThrow(
      "expected one of down, degraded, never",
    );
    expect(() => readOptions(from({ timeout: "soon" }))).toThrow("expected a duration like 90s");
    expect(() => readOptions(from({ commit: "maybe" }))).toThrow("expected true or false");
  });
});
