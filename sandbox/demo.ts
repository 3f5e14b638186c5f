// npm run demo: all three jobs, through the `fleet` CLI code, against the loopback sandboxes.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../src/cli/main.js";
import { startSampleSandboxes } from "./fleet.js";
import { SAMPLE } from "./sample.js";

const sandboxes = await startSampleSandboxes();
const { gitea } = sandboxes;
// No checkout: the jobs read the config and state from org/fleet through the API, as on a runner without actions/checkout.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  FLEET_TOKEN: SAMPLE.bot.token,
  GITHUB_API_URL: sandboxes.apiUrl,
  GITHUB_REPOSITORY: SAMPLE.fleetRepo,
  GITHUB_WORKSPACE: mkdtempSync(join(tmpdir(), "fleet-demo-")),
};
const streams = {
  out: (text: string) => process.stdout.write(text.replace(/^(?=.)/gm, "  │ ")),
  err: (text: string) => process.stderr.write(text.replace(/^(?=.)/gm, "  │ ")),
};

async function fleet(...args: string[]): Promise<number> {
  console.log(`\n$ fleet ${args.join(" ")}`);
  const code = await main(args, env, streams);
  console.log(`  └ exit ${code}`);
  return code;
}

let failures = 0;
try {
  console.log(`Gitea-API sandbox: ${sandboxes.apiUrl}   Ollama-API sandbox: ${sandboxes.ollamaUrl}`);
  console.log(
    `Fleet repo ${SAMPLE.fleetRepo} holds .gitea/fleet.yml; monitored: ${SAMPLE.monitored.join(", ")}.`,
  );

  failures += Number((await fleet("delegate", "--mode", "sweep")) !== 0);
  failures += Number((await fleet("delegate", "--mode", "sweep")) !== 0); // idempotent: nothing new

  // The chain has a missing and a failing model: degraded but up, so exit 0 under fail-on: down.
  failures += Number((await fleet("model-chain", "--commit")) !== 0);

  failures += Number((await fleet("lifecycle", "--command", "provision", "--agent", "timmy")) !== 0);
  failures += Number((await fleet("lifecycle", "--command", "deploy", "--agent", "timmy")) !== 0);
  failures += Number((await fleet("lifecycle", "--command", "heartbeat", "--agent", "timmy")) !== 0);
  const task = `${SAMPLE.repos.infra}#1`;
  failures += Number(
    (await fleet(
      "lifecycle",
      "--command",
      "task",
      "--agent",
      "ezra",
      "--task",
      task,
      "--outcome",
      "completed",
    )) !== 0,
  );
  failures += Number((await fleet("lifecycle", "--command", "monitor")) !== 0);
  // Deploying a retired agent is refused, naming the state and the allowed moves (exit 1 expected).
  await fleet("lifecycle", "--command", "retire", "--agent", "gemini");
  const refused = await fleet("lifecycle", "--command", "deploy", "--agent", "gemini");
  failures += Number(refused !== 1);

  // A new issue for bezalel's keywords: bezalel is idle now, so it goes to the fallback agent.
  const number = gitea.addIssue(SAMPLE.repos.app, { title: "Python data migration script", poster: "alice" });
  failures += Number((await fleet("delegate", "--issue", `${SAMPLE.repos.app}#${number}`)) !== 0);
  failures += Number((await fleet("delegate", "--mode", "status")) !== 0);

  const dashboard = gitea.file(SAMPLE.fleetRepo, ".fleet/FLEET.md");
  const commits = gitea
    .commits(SAMPLE.fleetRepo)
    .map((commit) => `  ${commit.sha.slice(0, 8)} ${commit.message.split("\n")[0]}`);
  console.log(`\nCommits in ${SAMPLE.fleetRepo}:\n${commits.join("\n")}`);
  console.log(`\n===== ${SAMPLE.fleetRepo}:.fleet/FLEET.md =====\n`);
  console.log(dashboard?.text ?? "(no dashboard was committed)");
  if (!dashboard) failures++;
} finally {
  await sandboxes.close();
}
console.log(
  failures === 0
    ? "demo: every step behaved as expected"
    : `demo: ${failures} step(s) did not behave as expected`,
);
process.exit(failures === 0 ? 0 : 1);
