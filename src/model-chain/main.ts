import { loadJobConfig } from "../action/config.js";
import { readRunContext } from "../action/context.js";
import { reportFailure } from "../action/failure.js";
import { createForge } from "../action/forge.js";
import { InputError } from "../action/inputs.js";
import { actionIO, ExitCode, type JobIO } from "../action/io.js";
import { type FleetConfig, resolveOllamaUrl } from "../config/config.js";
import { ConfigError } from "../config/errors.js";
import type { ForgeClient } from "../forge/client.js";
import { DEFAULT_MODEL_TIMEOUT, ModelChainOutput } from "../names.js";
import { type OllamaApi, OllamaClient } from "../ollama/client.js";
import { formatDuration, parseDuration } from "../util/duration.js";
import { checkChain } from "./check.js";
import { type CommitModelReport, commitModelReport } from "./commit.js";
import { verdict } from "./judge.js";
import { readOptions } from "./options.js";
import { progressLine, renderLogTable, renderSummary, reportJson } from "./report.js";

const JOB = "model-chain";

/** What run() uses from outside, so tests and the CLI can swap it. */
export interface ModelChainDeps {
  commitModelReport: CommitModelReport;
  ollama: (url: string, io: JobIO) => OllamaApi;
}

const defaultDeps: ModelChainDeps = {
  commitModelReport,
  ollama: (url, io) =>
    new OllamaClient({
      baseUrl: url,
      onRequest: (method, target) => io.reporter.debug(`${method} ${target}`),
    }),
};

/** The Ollama URL to use, checked: resolveOllamaUrl would turn `ftp://x` into `http://ftp://x`. */
function ollamaUrl(input: string | undefined, config: FleetConfig, env: NodeJS.ProcessEnv): string {
  // An empty OLLAMA_HOST is unset, as for the ollama CLI.
  const given = input ?? config.models?.url ?? (env.OLLAMA_HOST?.trim() || undefined);
  const url = resolveOllamaUrl(input, config, env);
  let valid = given === undefined || !/^[a-z][a-z0-9+.-]*:\/\//i.test(given) || /^https?:\/\//i.test(given);
  try {
    valid &&= ["http:", "https:"].includes(new URL(url).protocol);
  } catch {
    valid = false;
  }
  if (valid) return url;
  throw new InputError(
    `Ollama URL '${given ?? url}' is not an http(s) URL: set the 'url' input, models.url or OLLAMA_HOST`,
  );
}

function chainOf(config: FleetConfig) {
  const chain = config.models?.chain ?? [];
  if (chain.length === 0) {
    throw new ConfigError(
      config.source,
      undefined,
      undefined,
      "models.chain",
      "no model chain: add models.chain to the config, or point 'config' at a model-chain.json",
    );
  }
  return chain;
}

/** The model-chain job: reads inputs, checks the chain, sets outputs, and returns the exit code. */
export async function run(io: JobIO = actionIO(), deps: Partial<ModelChainDeps> = {}): Promise<number> {
  const { reporter } = io;
  const use: ModelChainDeps = { ...defaultDeps, ...deps };
  try {
    const options = readOptions(io.inputs);
    const context = readRunContext(io.env);
    if (options.token) reporter.setSecret(options.token);
    const apiUrl = options.apiUrl ?? context.apiUrl;
    if (options.commit) {
      if (!options.token || !apiUrl || !context.repository) {
        throw new InputError(
          "input 'commit' is true: it needs 'token', 'api-url' (or GITHUB_API_URL) and GITHUB_REPOSITORY",
        );
      }
    }
    // The forge is only needed to read a config that is not checked out, and to commit.
    let forge: ForgeClient | undefined;
    if (options.token && apiUrl) forge = createForge({ apiUrl, token: options.token, env: io.env }, reporter);
    const repo = context.repository;
    const config = await loadJobConfig(options.configPath, context.workspace, forge, repo);
    const chain = chainOf(config);
    const url = ollamaUrl(options.url, config, io.env);
    const timeoutMs = options.timeoutMs ?? config.models?.timeoutMs ?? parseDuration(DEFAULT_MODEL_TIMEOUT)!;

    reporter.info(
      `Checking ${chain.length} models at ${url} (timeout ${formatDuration(timeoutMs)} each; config ${config.source})`,
    );
    const report = await checkChain(use.ollama(url, io), chain, {
      timeoutMs,
      onModel: (result) => reporter.info(progressLine(result)),
      onWarning: (message) => reporter.warning(message),
    });

    reporter.setOutput(ModelChainOutput.activeModel, report.activeModel ?? "");
    reporter.setOutput(ModelChainOutput.healthy, JSON.stringify(report.healthy));
    reporter.setOutput(ModelChainOutput.report, JSON.stringify(reportJson(report)));
    reporter.info("");
    for (const line of renderLogTable(report)) reporter.info(line);
    await reporter.summary(renderSummary(report, options.failOn));

    // Recorded whatever the verdict: a chain that is down is exactly what the dashboard must show.
    if (options.commit && forge && repo) {
      // The store logs what it committed, or that the outcome is unchanged and nothing was.
      await use.commitModelReport({ forge, repo, config, report, reporter });
    }

    const outcome = verdict(report, options.failOn);
    if (outcome.failed)
      return reportFailure(new Error(`${outcome.message} (fail-on: ${options.failOn})`), reporter, JOB);
    // A plain line, not an annotation: Gitea shows none, and the failures are in the table above.
    reporter.info(outcome.message);
    return ExitCode.ok;
  } catch (error) {
    return reportFailure(error, reporter, JOB);
  }
}
