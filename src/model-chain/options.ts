import {
  booleanInput,
  choiceInput,
  durationInput,
  type InputSource,
  optionalString,
} from "../action/inputs.js";
import { DEFAULT_CONFIG_PATH, FAIL_ON, type FailOn, ModelChainInput } from "../names.js";
import { MAX_TIMEOUT_MS } from "../util/duration.js";

/** The model-chain inputs, typed and validated once. */
export interface ModelChainOptions {
  configPath: string;
  /** Explicit Ollama URL; undefined = config `models.url`, else OLLAMA_HOST, else the default. */
  url: string | undefined;
  /** Per model; undefined = config `models.timeout`, else 120s. */
  timeoutMs: number | undefined;
  failOn: FailOn;
  token: string | undefined;
  /** Write the result into the fleet state. */
  commit: boolean;
  apiUrl: string | undefined;
}

/** What an unset input means; mirrors the defaults in actions/model-chain/action.yml. */
export const DEFAULT_OPTIONS: Readonly<Pick<ModelChainOptions, "configPath" | "failOn" | "commit">> =
  Object.freeze({
    configPath: DEFAULT_CONFIG_PATH,
    failOn: "down",
    commit: false,
  });

/** Reads every input once; an invalid value fails with the values that would be valid. */
export function readOptions(inputs: InputSource): ModelChainOptions {
  return {
    configPath: optionalString(inputs, ModelChainInput.config) ?? DEFAULT_OPTIONS.configPath,
    url: optionalString(inputs, ModelChainInput.url),
    timeoutMs: durationInput(inputs, ModelChainInput.timeout, MAX_TIMEOUT_MS),
    failOn: choiceInput(inputs, ModelChainInput.failOn, FAIL_ON, DEFAULT_OPTIONS.failOn),
    token: optionalString(inputs, ModelChainInput.token),
    commit: booleanInput(inputs, ModelChainInput.commit, DEFAULT_OPTIONS.commit),
    apiUrl: optionalString(inputs, ModelChainInput.apiUrl),
  };
}
