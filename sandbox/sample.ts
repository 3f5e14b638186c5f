import type { GiteaSandbox } from "./gitea/index.js";

/** The names the sample fleet creates, for the demo, tests and `npm run sandbox`. */
export const SAMPLE = {
  org: "org",
  repos: { app: "org/app", infra: "org/infra", fleet: "org/fleet" },
  /** The repositories the sample config monitors. */
  monitored: ["org/app", "org/infra"],
  /** Where the fleet config lives (repository and path). */
  fleetRepo: "org/fleet",
  configPath: ".gitea/fleet.yml",
  /** The account the actions run as: admin of every sample repository (not a site admin). */
  bot: { login: "fleet-bot", token: "fleet-bot-token" },
  /** Can read but not write: its assignee changes are dropped, its commits refused. */
  viewer: { login: "fleet-viewer", token: "fleet-viewer-token" },
  agents: ["claw-code", "gemini", "ezra", "bezalel", "timmy"],
  /** The agent with no activity for three days: lifecycle's monitor flags it idle. */
  silentAgent: "bezalel",
  /** People who file issues; they read the repos and watch them. */
  humans: ["alice", "bob"],
  /** Files dependency updates; the sample config ignores its issues. */
  renovate: "renovate-bot",
} as const;

export const SAMPLE_CHAIN = ["hermes4:14b", "qwen2.5:7b", "phi3:3.8b", "gemma3:1b"] as const;

/** SPEC's example config, with `models.url` only when given (the Ollama sandbox's port is not known here). */
export function sampleConfigYaml(ollamaUrl?: string): string {
  return `# Sample fleet: see SPEC "The config file".
repos: [${SAMPLE.monitored.join(", ")}]
agents:
  claw-code:
    keywords: [refactor, typescript, bug, test]
    max-open: 5
  gemini:
    keywords: [docs, documentation, research, api]
  ezra:
    keywords: { deploy: 3, server: 2, infra: 2, ci: 1 }
  bezalel:
    keywords: [python, data, migration, database]
  timmy:
    keywords: [ui, css, frontend, design]
delegation:
  fallback: timmy
  skip-labels: [no-agent]
  comment: true
  ignore-authors: [${SAMPLE.renovate}]
models:
${ollamaUrl ? `  url: ${ollamaUrl}\n` : ""}  chain:
    - { model: ${SAMPLE_CHAIN[0]}, role: primary }
    - { model: ${SAMPLE_CHAIN[1]}, role: fallback }
    - { model: ${SAMPLE_CHAIN[2]}, role: fallback }
    - { model: ${SAMPLE_CHAIN[3]}, role: last-resort }
  timeout: 120s
lifecycle:
  idle-after: 24h
  state-path: .fleet/state.json
  dashboard-path: .fleet/FLEET.md
`;
}

interface SampleIssue {
  title: string;
  body: string;
  poster: string;
  hoursAgo: number;
  labels?: string[];
  assignees?: string[];
  pull?: boolean;
}

const APP_ISSUES: SampleIssue[] = [
  {
    title: "Refactor the TypeScript parser",
    body: "src/parse.ts mixes tokenizing and AST building; split it so the tokenizer can be tested alone.",
    poster: "alice",
    hoursAgo: 70,
  },
  {
    title: "Login button misaligned on mobile",
    body: "The header CSS breaks below 400px: the button wraps under the logo.",
    poster: "bob",
    hoursAgo: 66,
  },
  {
    title: "Write API documentation for /v2/orders",
    body: "The endpoint shipped without docs; list fields, errors and an example.",
    poster: "alice",
    hoursAgo: 60,
  },
  {
    title: "Flaky test in the checkout flow",
    body: "checkout.spec fails about one run in ten on CI with a timeout.",
    poster: "bob",
    hoursAgo: 50,
  },
  {
    title: "Bump typescript from 5.8.3 to 5.9.3",
    body: "Bumps typescript. Release notes attached.",
    poster: SAMPLE.renovate,
    hoursAgo: 40,
    pull: true,
  },
  {
    title: "Migrate the users table to the new database schema",
    body: "Write the migration and a rollback; the new schema is in docs/schema.md.",
    poster: "alice",
    hoursAgo: 36,
  },
  {
    title: "Crash when the cart is empty",
    body: "TypeError: cannot read properties of undefined (reading 'total'). Looks like a bug in cart.ts.",
    poster: "bob",
    hoursAgo: 30,
  },
  {
    title: "Security review of session handling",
    body: "Needs a human reviewer: token lifetime, rotation and logout.",
    poster: "alice",
    hoursAgo: 26,
    labels: ["no-agent", "security"],
  },
  {
    title: "Investigate slow page loads",
    body: "The dashboard takes 4 s to render for large accounts.",
    poster: "bob",
    hoursAgo: 20,
  },
  {
    title: "Add a dark mode toggle",
    body: "Frontend setting stored per user.",
    poster: "alice",
    hoursAgo: 12,
    assignees: ["timmy"],
  },
  {
    title: "Fix typo in README",
    body: "recieve -> receive",
    poster: "bob",
    hoursAgo: 8,
    pull: true,
  },
];

const INFRA_ISSUES: SampleIssue[] = [
  {
    title: "Deploy new server config",
    body: "Roll the new nginx and systemd config out to the three app hosts.",
    poster: "alice",
    hoursAgo: 68,
  },
  {
    title: "CI pipeline times out on large repositories",
    body: "The clone step alone takes 9 minutes; try a shallow clone.",
    poster: "bob",
    hoursAgo: 64,
  },
  {
    title: "Rotate TLS certificates on the edge server",
    body: "They expire in 12 days.",
    poster: "alice",
    hoursAgo: 55,
  },
  {
    title: "Document the backup procedure",
    body: "Nobody but one person knows how restores work. Write the documentation.",
    poster: "bob",
    hoursAgo: 48,
  },
  {
    title: "Python script for log rotation fails",
    body: "rotate_logs.py raises PermissionError on /var/log/app.",
    poster: "alice",
    hoursAgo: 44,
  },
  {
    title: "Terraform: add a staging cluster",
    body: "Adds modules/staging.",
    poster: "bob",
    hoursAgo: 38,
    pull: true,
  },
  {
    title: "Upgrade Postgres to 16",
    body: "The database is on 13, which leaves support soon.",
    poster: "alice",
    hoursAgo: 33,
  },
  {
    title: "Update dependency ansible to v11",
    body: "This issue was opened automatically.",
    poster: SAMPLE.renovate,
    hoursAgo: 28,
  },
  {
    title: "Capacity planning for Q3",
    body: "Needs budget decisions first.",
    poster: "bob",
    hoursAgo: 24,
    labels: ["no-agent"],
  },
  {
    title: "Nightly deploy failed on server 3",
    body: "Disk full during the image pull.",
    poster: "alice",
    hoursAgo: 10,
    assignees: ["ezra"],
  },
];

export interface SampleFleet {
  /** login -> token of every user who has one. */
  tokens: Record<string, string>;
  /** Issue numbers by title, per repository. */
  issues: Record<string, Record<string, number>>;
}

/**
 * Seeds a realistic fleet: org `org` with app, infra and fleet repositories, the bot, the
 * agents (writers), people who file issues, about ten issues per monitored repository
 * (keyword matches, pull requests, an assigned one, a `no-agent` one, one from renovate) and
 * recent activity for every agent but `bezalel`, silent for three days.
 */
export function seedSampleFleet(
  sandbox: GiteaSandbox,
  options: { ollamaUrl?: string; now?: Date } = {},
): SampleFleet {
  const now = (options.now ?? new Date()).getTime();
  const ago = (hours: number) => new Date(now - hours * 3_600_000);
  const tokens: Record<string, string> = {};
  const user = (login: string, token?: string) => {
    tokens[login] = sandbox.addUser(login, token ? { token } : {}).token;
  };

  sandbox.addOrg(SAMPLE.org);
  user(SAMPLE.bot.login, SAMPLE.bot.token);
  user(SAMPLE.viewer.login, SAMPLE.viewer.token);
  for (const login of [...SAMPLE.agents, ...SAMPLE.humans, SAMPLE.renovate]) user(login);

  const collaborators = {
    [SAMPLE.bot.login]: "admin",
    [SAMPLE.viewer.login]: "read",
    ...Object.fromEntries(SAMPLE.agents.map((agent) => [agent, "write"])),
    ...Object.fromEntries([...SAMPLE.humans, SAMPLE.renovate].map((login) => [login, "read"])),
  } as const;
  for (const repo of Object.values(SAMPLE.repos)) sandbox.addRepo(repo, { collaborators });

  sandbox.putFile(SAMPLE.fleetRepo, SAMPLE.configPath, sampleConfigYaml(options.ollamaUrl), {
    author: SAMPLE.bot.login,
    message: "Add fleet config",
    date: ago(72),
  });
  sandbox.putFile(SAMPLE.repos.app, "README.md", "# app\n\nThe web application.\n", {
    author: "alice",
    date: ago(80),
  });
  sandbox.putFile(SAMPLE.repos.infra, "README.md", "# infra\n\nHosts, CI and deploys.\n", {
    author: "bob",
    date: ago(80),
  });

  const issues: Record<string, Record<string, number>> = {};
  const seed = (repo: string, list: SampleIssue[]) => {
    issues[repo] = {};
    for (const issue of list) {
      issues[repo][issue.title] = sandbox.addIssue(repo, {
        title: issue.title,
        body: issue.body,
        poster: issue.poster,
        labels: issue.labels,
        assignees: issue.assignees,
        pull: issue.pull,
        createdAt: ago(issue.hoursAgo),
      });
    }
  };
  seed(SAMPLE.repos.app, APP_ISSUES);
  seed(SAMPLE.repos.infra, INFRA_ISSUES);
  seed(SAMPLE.repos.fleet, [
    {
      title: "Onboard a sixth agent",
      body: "Provision, deploy and add it to fleet.yml.",
      poster: "alice",
      hoursAgo: 30,
      labels: ["no-agent"],
    },
  ]);

  // A task ezra finished yesterday: assigned, then closed by ezra.
  const finished = sandbox.addIssue(SAMPLE.repos.infra, {
    title: "Restart the stuck CI runner",
    body: "runner-2 has been offline since the kernel update.",
    poster: "bob",
    assignees: ["ezra"],
    createdAt: ago(30),
  });
  sandbox.editIssue(SAMPLE.repos.infra, finished, { by: "ezra", state: "closed", at: ago(22) });
  issues[SAMPLE.repos.infra]!["Restart the stuck CI runner"] = finished;

  // Signs of life: every agent recently, except bezalel (last seen three days ago).
  const app = issues[SAMPLE.repos.app]!;
  const infra = issues[SAMPLE.repos.infra]!;
  sandbox.addComment(SAMPLE.repos.infra, infra["Python script for log rotation fails"]!, {
    user: "bezalel",
    body: "Looking into it; probably the logrotate user.",
    createdAt: ago(74),
  });
  sandbox.addComment(SAMPLE.repos.app, app["Flaky test in the checkout flow"]!, {
    user: "claw-code",
    body: "Reproduced with --repeat 50: a race on the payment mock.",
    createdAt: ago(2),
  });
  sandbox.addActivity({ repo: SAMPLE.repos.app, user: "claw-code", opType: "commit_repo", created: ago(5) });
  sandbox.addComment(SAMPLE.repos.app, app["Write API documentation for /v2/orders"]!, {
    user: "gemini",
    body: "Draft in docs/orders.md; examples next.",
    createdAt: ago(20),
  });
  sandbox.addComment(SAMPLE.repos.infra, infra["Nightly deploy failed on server 3"]!, {
    user: "ezra",
    body: "Freed 40 GB and added an image prune to the nightly job.",
    createdAt: ago(1),
  });
  sandbox.addActivity({ repo: SAMPLE.repos.app, user: "timmy", opType: "commit_repo", created: ago(6) });

  return { tokens, issues };
}
