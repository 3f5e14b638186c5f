// Builds realistic fleets in a GiteaSandbox for end-to-end tests and benchmarks.
import { GiteaSandbox } from "../../sandbox/gitea/index.js";

export const BOT = "fleet-bot";
export const AGENTS = ["claw-code", "gemini", "ezra", "bezalel", "timmy"] as const;

export const FLEET_YML = `repos: [org/app, org/infra, org/docs]
agents:
  claw-code:
    keywords: [refactor, typescript, bug, test]
  gemini:
    keywords: { docs: 2, readme: 2, typo: 1 }
  ezra:
    keywords: { deploy: 3, server: 2, infra: 2, ci: 1 }
  bezalel:
    keywords: [security, auth, token]
  timmy: {}
delegation:
  fallback: timmy
  skip-labels: [no-agent]
  ignore-authors: [renovate-bot]
`;

const TOPICS = [
  "deploy new server config",
  "refactor the typescript parser",
  "fix typo in README docs",
  "auth token leaks into logs",
  "flaky test in CI",
  "question about the roadmap",
  "bug: crash on empty input",
  "infra: move server to new rack",
];

export interface SeedOptions {
  repos?: readonly string[];
  /** Open issues (PRs, assigned and skip-labelled ones included) per repo. */
  issuesPerRepo?: number;
  config?: string;
}

export interface SeededFleet {
  sandbox: GiteaSandbox;
  apiUrl: string;
  token: string;
  repos: readonly string[];
  /** Issues per repo that the delegate job should assign. */
  eligible: Map<string, number[]>;
}

/** A fleet repo (org/fleet, holding the config) and monitored repos full of mixed issues. */
export async function startFleet(options: SeedOptions = {}): Promise<SeededFleet> {
  const repos = options.repos ?? ["org/app", "org/infra", "org/docs"];
  const sandbox = new GiteaSandbox();
  const bot = sandbox.addUser(BOT);
  for (const agent of AGENTS) sandbox.addUser(agent);
  sandbox.addUser("alice");
  sandbox.addUser("renovate-bot");
  const collaborators = Object.fromEntries([
    [BOT, "write"],
    ...AGENTS.map((agent) => [agent, "write"]),
  ]) as Record<string, "write">;
  sandbox.addRepo("org/fleet", { collaborators });
  sandbox.putFile("org/fleet", ".gitea/fleet.yml", options.config ?? FLEET_YML);
  const eligible = new Map<string, number[]>();
  for (const repo of repos) {
    sandbox.addRepo(repo, { collaborators });
    const numbers: number[] = [];
    for (let index = 0; index < (options.issuesPerRepo ?? 12); index++) {
      const title = `${TOPICS[index % TOPICS.length]} (${index})`;
      // Every 6th a PR, every 7th already assigned, every 11th skip-labelled, every 13th from an ignored bot.
      const pull = index % 6 === 5;
      const assigned = index % 7 === 6;
      const skip = index % 11 === 10;
      const bot = index % 13 === 12;
      const number = sandbox.addIssue(repo, {
        title,
        body: `Seen on ${repo}. Steps to reproduce follow.`,
        poster: bot ? "renovate-bot" : "alice",
        pull,
        assignees: assigned ? ["claw-code"] : [],
        labels: skip ? ["no-agent"] : [],
      });
      if (!pull && !assigned && !skip && !bot) numbers.push(number);
    }
    eligible.set(repo, numbers);
  }
  const { apiUrl } = await sandbox.start();
  return { sandbox, apiUrl, token: bot.token, repos, eligible };
}
