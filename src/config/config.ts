import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { isAbsolute, resolve } from "node:path";
import { DEFAULT_OLLAMA_URL } from "../names.js";
import { ollamaHostUrl } from "../ollama/host.js";
import { parseDuration } from "../util/duration.js";
import { ConfigError } from "./errors.js";
import { parseLocated, validateLocated } from "./parse.js";
import { checkCrossKeys } from "./rules.js";
import { chainFileSchema, fleetConfigSchema, type RawFleetConfig } from "./schema.js";

export interface AgentConfig {
  name: string;
  /** Lower-cased keyword -> weight, in config order. */
  keywords: ReadonlyMap<string, number>;
  maxOpen: number | undefined;
}

export interface ChainModel {
  model: string;
  role: string;
  prompt: string;
  expect: string | undefined;
}

export interface ModelsConfig {
  url: string | undefined;
  chain: ChainModel[];
  timeoutMs: number;
  prompt: string;
}

export interface FleetConfig {
  /** Where the config was read from, for messages. */
  source: string;
  repos: string[] | undefined;
  agents: AgentConfig[];
  delegation: {
    fallback: string | undefined;
    skipLabels: string[];
    comment: boolean;
    ignoreAuthors: string[];
    titleWeight: number;
    minScore: number;
    /** Undefined when `stall-after: off`. */
    stallAfterMs: number | undefined;
    maxReclaims: number;
    needsHumanLabel: string;
  };
  models: ModelsConfig | undefined;
  lifecycle: {
    idleAfterMs: number;
    statePath: string;
    dashboardPath: string;
    failedLabels: string[];
  };
}

const DEFAULT_PROMPT = "Reply with the single word: pong";

function normaliseChain(
  entries: NonNullable<NonNullable<RawFleetConfig["models"]>["chain"]>,
  prompt: string,
  expect: string | undefined,
): ChainModel[] {
  return entries.map((entry, index) =>
    typeof entry === "string"
      ? { model: entry, role: index === 0 ? "primary" : "fallback", prompt, expect }
      : {
          model: entry.model,
          role: entry.role,
          prompt: entry.prompt ?? prompt,
          expect: entry.expect ?? expect,
        },
  );
}

function normalise(source: string, raw: RawFleetConfig): FleetConfig {
  const agents = Object.entries(raw.agents).map(([name, agent]) => {
    const pairs: [string, number][] = Array.isArray(agent.keywords)
      ? agent.keywords.map((word) => [word.toLowerCase(), 1])
      : Object.entries(agent.keywords).map(([word, weight]) => [word.toLowerCase(), weight]);
    return { name, keywords: new Map(pairs), maxOpen: agent["max-open"] };
  });
  const models = raw.models
    ? {
        url: raw.models.url,
        chain: normaliseChain(raw.models.chain ?? [], raw.models.prompt, raw.models.expect),
        timeoutMs: parseDuration(raw.models.timeout)!,
        prompt: raw.models.prompt,
      }
    : undefined;
  return {
    source,
    repos: raw.repos,
    agents,
    delegation: {
      fallback: raw.delegation.fallback,
      skipLabels: raw.delegation["skip-labels"],
      comment: raw.delegation.comment,
      ignoreAuthors: raw.delegation["ignore-authors"],
      titleWeight: raw.delegation["title-weight"],
      minScore: raw.delegation["min-score"],
      stallAfterMs:
        raw.delegation["stall-after"] === "off" ? undefined : parseDuration(raw.delegation["stall-after"])!,
      maxReclaims: raw.delegation["max-reclaims"],
      needsHumanLabel: raw.delegation["needs-human-label"],
    },
    models,
    lifecycle: {
      idleAfterMs: parseDuration(raw.lifecycle["idle-after"])!,
      statePath: raw.lifecycle["state-path"],
      dashboardPath: raw.lifecycle["dashboard-path"],
      failedLabels: raw.lifecycle["failed-labels"],
    },
  };
}

/** True when the parsed document is a `model-chain.json` (bare array or only `chain`). */
function isChainFile(data: unknown): boolean {
  if (Array.isArray(data)) return true;
  if (data === null || typeof data !== "object") return false;
  const keys = Object.keys(data).filter((key) => key !== "$schema");
  return keys.length === 1 && keys[0] === "chain";
}

/**
 * Parses config text: the fleet config, or a `model-chain.json` chain file
 * (which becomes a config with only `models.chain`). Throws ConfigError.
 */
export function parseConfig(file: string, text: string): FleetConfig {
  const located = parseLocated(file, text);
  if (isChainFile(located.data)) {
    const parsed = validateLocated(file, located, chainFileSchema);
    const chain = Array.isArray(parsed) ? parsed : parsed.chain;
    const raw = fleetConfigSchema.parse({});
    return {
      ...normalise(file, raw),
      models: {
        url: undefined,
        chain: normaliseChain(chain, DEFAULT_PROMPT, undefined),
        timeoutMs: 120_000,
        prompt: DEFAULT_PROMPT,
      },
    };
  }
  const raw = validateLocated(file, located, fleetConfigSchema);
  checkCrossKeys(file, located, raw);
  return normalise(file, raw);
}

export interface ConfigSource {
  /** Config path as given (relative to the workspace). */
  path: string;
  /** Workspace folder; default the current directory. */
  workspace?: string;
  /** Reads the file from the repository's default branch when it is not in the workspace; undefined = not there. */
  readRemote?: (path: string) => Promise<string | undefined>;
  /** Name of the remote, for messages (e.g. `org/fleet`). */
  remoteName?: string;
}

/** Reads the config from the workspace, else from the repository's default branch. */
export async function loadConfig(source: ConfigSource): Promise<FleetConfig> {
  const local = isAbsolute(source.path)
    ? source.path
    : resolve(source.workspace ?? process.cwd(), source.path);
  if (existsSync(local)) return parseConfig(source.path, await readFile(local, "utf8"));
  const remote = source.readRemote ? await source.readRemote(source.path) : undefined;
  if (remote !== undefined)
    return parseConfig(`${source.remoteName ? `${source.remoteName}:` : ""}${source.path}`, remote);
  const where = source.readRemote ? ` nor in ${source.remoteName ?? "the repository"}'s default branch` : "";
  throw new ConfigError(
    source.path,
    undefined,
    undefined,
    undefined,
    `config file not found in the workspace${where}`,
  );
}

/**
 * The Ollama URL: explicit input, else config `models.url` (each a URL, `http://` added when
 * it has no scheme), else OLLAMA_HOST read as the ollama CLI reads it (a bare host gets port
 * 11434, `0.0.0.0` means loopback; see ollamaHostUrl), else the default. An empty OLLAMA_HOST
 * is unset. Trailing slashes are dropped.
 */
export function resolveOllamaUrl(
  input: string | undefined,
  config: FleetConfig | undefined,
  env = process.env,
): string {
  const given = input ?? config?.models?.url;
  if (given === undefined) return ollamaHostUrl(env.OLLAMA_HOST) ?? DEFAULT_OLLAMA_URL;
  const url = given.trim().replace(/\/+$/, "");
  return /^https?:\/\//i.test(url) ? url : `http://${url}`;
}
