// `fleet doctor`: checks a real setup, one finding per check, each failure with its fix.
// Reads only: nothing here writes to the forge or runs a model.
import type { FleetConfig } from "../config/config.js";
import { ForgeError, isNotFound, MissingTokenError } from "../forge/errors.js";
import { JOB_TOKEN_LOGIN, type Repository, type User } from "../forge/types.js";
import { sameModel } from "../ollama/names.js";
import type { DoctorForge, DoctorOllama, DoctorPorts } from "./ports.js";

export type CheckStatus = "ok" | "fail" | "skip";

export interface Check {
  /** What was checked: `config`, `token`, `repo org/app`, `agent ezra`, `ollama`, `model x`. */
  check: string;
  status: CheckStatus;
  message: string;
  /** What to do about a failure. */
  fix?: string;
}

const TOKEN_SCOPES = "write:issue, write:repository and read:user";
const PERSONAL_TOKEN_FIX = `use a personal access token of a user with access (scopes ${TOKEN_SCOPES}): in a workflow \`token: \${{ secrets.FLEET_TOKEN }}\`, on the command line --token or FLEET_TOKEN`;

const ok = (check: string, message: string): Check => ({ check, status: "ok", message });
const fail = (check: string, message: string, fix: string): Check => ({
  check,
  status: "fail",
  message,
  fix,
});
const skip = (check: string, message: string): Check => ({ check, status: "skip", message });

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs every check that applies, in order; checks that need what failed are left out. Each
 * finding goes to `onCheck` as it is made, so an unexpected error (thrown, not a finding)
 * loses none of the lines before it.
 */
export async function diagnose(
  ports: DoctorPorts,
  onCheck: (check: Check) => void = () => {},
): Promise<Check[]> {
  const checks: Check[] = [];
  const add = (check: Check) => {
    checks.push(check);
    onCheck(check);
  };
  let config: FleetConfig;
  try {
    config = await ports.loadConfig();
  } catch (error) {
    add(configFailure(error, ports.forge === undefined));
    return checks;
  }
  add(ok("config", configSummary(config)));
  if (ports.forge) await forgeChecks(ports.forge, config, ports.fleetRepo, add);
  if (ports.ollama && (ports.ollamaWanted || (config.models?.chain.length ?? 0) > 0))
    await ollamaChecks(ports.ollama(config), config, add);
  return checks;
}

type Add = (check: Check) => void;

function configSummary(config: FleetConfig): string {
  const parts = [`${config.agents.length} agent${config.agents.length === 1 ? "" : "s"}`];
  parts.push(
    config.repos
      ? `${config.repos.length} watched repositor${config.repos.length === 1 ? "y" : "ies"}`
      : "watching the fleet repository",
  );
  const chain = config.models?.chain.length ?? 0;
  if (chain > 0) parts.push(`${chain} chain model${chain === 1 ? "" : "s"}`);
  return `${config.source} is valid: ${parts.join(", ")}`;
}

function configFailure(error: unknown, offline: boolean): Check {
  const message = reason(error);
  if (/config file not found/.test(message)) {
    const where = offline
      ? "run in a checkout of the fleet repository, or without --offline to read it from the forge"
      : "pass --repository <owner/name> of the fleet repository, or --config with the file's path";
    return fail("config", message, `create the config (see docs/config.md), or ${where}`);
  }
  if (error instanceof MissingTokenError || (error instanceof ForgeError && error.status === 401))
    return fail("config", `cannot read the config from the forge: ${message}`, PERSONAL_TOKEN_FIX);
  return fail(
    "config",
    message,
    "correct the file at that position (schema/fleet.schema.json lists every key)",
  );
}

async function forgeChecks(
  forge: DoctorForge,
  config: FleetConfig,
  fleetRepo: string | undefined,
  add: Add,
): Promise<void> {
  try {
    add(ok("forge", `${forge.baseUrl} answers: version ${await forge.version()}`));
  } catch (error) {
    if (error instanceof MissingTokenError) add(fail("token", "no token given", PERSONAL_TOKEN_FIX));
    // Gitea refuses a bad token on every route, even the anonymous ones.
    else if (error instanceof ForgeError && error.status === 401)
      add(fail("token", `the forge refused the token: ${reason(error)}`, PERSONAL_TOKEN_FIX));
    else
      add(
        fail(
          "forge",
          `${forge.baseUrl} did not answer as a Gitea API: ${reason(error)}`,
          "check --api-url (or GITHUB_API_URL): on Gitea and Forgejo it is <server>/api/v1",
        ),
      );
    return;
  }
  let user: User;
  try {
    user = await forge.currentUser();
  } catch (error) {
    add(fail("token", `the forge refused the token: ${reason(error)}`, PERSONAL_TOKEN_FIX));
    return;
  }
  const jobToken = user.login.toLowerCase() === JOB_TOKEN_LOGIN;
  add(
    ok(
      "token",
      jobToken
        ? `the job token (${JOB_TOKEN_LOGIN}): it sees activity of public repositories only`
        : `acts as ${user.login}`,
    ),
  );
  const watched = config.repos ?? (fleetRepo ? [fleetRepo] : []);
  const isFleet = (name: string) => fleetRepo?.toLowerCase() === name.toLowerCase();
  if (fleetRepo && !watched.some(isFleet)) {
    const repo = await repoCheck(forge, fleetRepo, user, "fleet", add);
    if (repo) add(pushCheck(repo, fleetRepo, user, "fleet"));
  }
  if (watched.length === 0)
    add(skip("repos", "no watched repositories: the config has no `repos` and no --repository was given"));
  const visible: string[] = [];
  for (const name of watched) {
    const repo = await repoCheck(forge, name, user, isFleet(name) ? "fleet" : "watched", add);
    if (!repo) continue;
    visible.push(name);
    if (jobToken && repo.private) {
      add(
        fail(
          `repo ${name}`,
          `${name} is private and the token is the job token, which sees no private activity: lifecycle monitor would be blind there`,
          PERSONAL_TOKEN_FIX,
        ),
      );
    }
    add(pushCheck(repo, name, user, isFleet(name) ? "fleet" : "watched"));
  }
  const agents = await agentChecks(forge, config, add);
  for (const repo of visible) add(await assignableCheck(forge, repo, agents));
}

type RepoRole = "fleet" | "watched";

/** The repository as the token sees it, or undefined (with a failure) when it cannot. */
async function repoCheck(
  forge: DoctorForge,
  name: string,
  user: User,
  role: RepoRole,
  add: Add,
): Promise<Repository | undefined> {
  try {
    return await forge.getRepo(name);
  } catch (error) {
    if (!(error instanceof ForgeError && (error.status === 404 || error.status === 403))) throw error;
    const what = role === "fleet" ? "the fleet repository" : "a watched repository";
    add(
      fail(
        `repo ${name}`,
        `${name} (${what}) does not exist or ${user.login} cannot see it (${error.status})`,
        user.login.toLowerCase() === JOB_TOKEN_LOGIN
          ? `check the name; the job token cannot read other private repositories: ${PERSONAL_TOKEN_FIX}`
          : `check the name (config \`repos\` or --repository), or give ${user.login} access to ${name}`,
      ),
    );
    return undefined;
  }
}

/**
 * Write access: delegate assigns and comments in watched repositories; lifecycle (and
 * model-chain with commit) commit state to the fleet repository.
 */
function pushCheck(repo: Repository, name: string, user: User, role: RepoRole): Check {
  const visibility = repo.private ? "private" : "public";
  const permissions = repo.permissions;
  if (!permissions)
    return skip(
      `repo ${name}`,
      `${name} is ${visibility}; the forge did not say what the token may do there`,
    );
  if (permissions.push || permissions.admin)
    return ok(
      `repo ${name}`,
      `${name} is ${visibility}; ${user.login} may ${permissions.admin ? "administer" : "write"} it`,
    );
  const needs =
    role === "fleet"
      ? "lifecycle (and model-chain with commit) cannot commit the state there"
      : "delegate cannot assign or comment there";
  return fail(
    `repo ${name}`,
    `${name} is ${visibility}; ${user.login} may ${permissions.pull ? "only read it" : "not use it"}: ${needs}`,
    `give ${user.login} write access to ${name} (a collaborator with write, or a team), or use a token of a user who has it`,
  );
}

/** Each agent is a forge user; returns the logins that exist. */
async function agentChecks(forge: DoctorForge, config: FleetConfig, add: Add): Promise<string[]> {
  const users = await Promise.all(config.agents.map((agent) => forge.findUser(agent.name)));
  const existing: string[] = [];
  config.agents.forEach(({ name }, index) => {
    if (users[index] === undefined) {
      add(
        fail(
          `agent ${name}`,
          `${name} is not a user on the forge`,
          `create the account ${name}, or correct its name under \`agents\` in the config`,
        ),
      );
    } else {
      existing.push(name);
      add(ok(`agent ${name}`, `${name} is a user on the forge`));
    }
  });
  return existing;
}

/** Every existing agent can be given issues in the repository. */
async function assignableCheck(forge: DoctorForge, repo: string, agents: readonly string[]): Promise<Check> {
  const check = `assignees ${repo}`;
  if (agents.length === 0) return skip(check, `${repo}: no agents to check`);
  let assignable: User[];
  try {
    assignable = await forge.listAssignees(repo);
  } catch (error) {
    // A forge without the endpoint: delegate then verifies each assignment as it makes it.
    if (isNotFound(error)) return skip(check, `${repo}: the forge does not list who can be assigned`);
    throw error;
  }
  const logins = new Set(assignable.map((user) => user.login.toLowerCase()));
  const missing = agents.filter((agent) => !logins.has(agent.toLowerCase()));
  if (missing.length === 0)
    return ok(
      check,
      `${repo}: ${agents.length === 1 ? "the agent" : `all ${agents.length} agents`} can be assigned issues`,
    );
  return fail(
    check,
    `${repo}: ${missing.join(", ")} cannot be assigned issues`,
    `give ${missing.length === 1 ? "it" : "them"} write access to ${repo} (collaborators with write, or a team with write on issues)`,
  );
}

async function ollamaChecks(ollama: DoctorOllama, config: FleetConfig, add: Add): Promise<void> {
  try {
    add(ok("ollama", `Ollama at ${ollama.baseUrl} answers: version ${await ollama.version()}`));
  } catch (error) {
    add(
      fail(
        "ollama",
        reason(error),
        "start Ollama there, or point models.url (or --url, OLLAMA_HOST) at a server this machine can reach; in a container job 127.0.0.1 is the container: use a :host runner label or the host's address",
      ),
    );
    return;
  }
  const chain = config.models?.chain ?? [];
  if (chain.length === 0) return;
  let installed: string[];
  try {
    installed = (await ollama.tags()).map((model) => model.name);
  } catch (error) {
    add(
      fail(
        "models",
        `cannot list the installed models: ${reason(error)}`,
        "check the Ollama server and its log",
      ),
    );
    return;
  }
  for (const entry of chain) {
    add(
      installed.some((name) => sameModel(name, entry.model))
        ? ok(`model ${entry.model}`, `${entry.model} (${entry.role}) is installed`)
        : fail(
            `model ${entry.model}`,
            `${entry.model} (${entry.role}) is not installed on ${ollama.baseUrl}`,
            `ollama pull ${entry.model}`,
          ),
    );
  }
}

const MARKS: Record<CheckStatus, string> = { ok: "✓", fail: "✗", skip: "-" };

/** One line per check: the mark, what was found, and for a failure the fix. */
export function checkLine(check: Check): string {
  return `${MARKS[check.status]} ${check.message}${check.fix ? ` — fix: ${check.fix}` : ""}`;
}
