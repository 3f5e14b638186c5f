// npm run sandbox: the sample fleet on loopback, for trying the CLI and workflows by hand.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startSampleSandboxes } from "./fleet.js";
import { SAMPLE } from "./sample.js";

/** The CLI bundle, by absolute path: the hint works whichever folder it is pasted in. */
const CLI = resolve(dirname(fileURLToPath(import.meta.url)), "../dist/cli/index.js");

const HELP = `npm run sandbox -- [--gitea-port <port>] [--ollama-port <port>]

Serves the sample fleet on 127.0.0.1 until Ctrl-C: a Gitea-API sandbox (repositories
${Object.values(SAMPLE.repos).join(", ")}, issues, agents ${SAMPLE.agents.join(", ")}) and an
Ollama-API sandbox with the sample models. Everything is in memory and gone when it stops.

Options:
  --gitea-port <port>   port of the Gitea-API sandbox (default 3000; 0 picks a free port)
  --ollama-port <port>  port of the Ollama-API sandbox (default 11435; 0 picks a free port)
  --help                this text

Tokens (send as "Authorization: token <t>", or FLEET_TOKEN / --token to the CLI):
  ${SAMPLE.bot.token.padEnd(20)}  ${SAMPLE.bot.login}: admin of every sample repository, the account the actions run as
  ${SAMPLE.viewer.token.padEnd(20)}  ${SAMPLE.viewer.login}: reads but cannot write (assignments dropped, commits refused)
  token-<login>         every other sample user, e.g. token-alice, token-ezra`;

function parsePort(name: string, text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    console.error(`--${name}: '${text}' is not a port (0-65535)\n\n${HELP}`);
    process.exit(2);
  }
  return port;
}

let values: { "gitea-port": string; "ollama-port": string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: {
      "gitea-port": { type: "string", default: "3000" },
      "ollama-port": { type: "string", default: "11435" },
      help: { type: "boolean" },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const sandboxes = await startSampleSandboxes({
  gitea: parsePort("gitea-port", values["gitea-port"]),
  ollama: parsePort("ollama-port", values["ollama-port"]),
});
console.log(`Gitea-API sandbox:  ${sandboxes.apiUrl}
Ollama-API sandbox: ${sandboxes.ollamaUrl}
Token (admin of the sample repos): ${SAMPLE.bot.token}    read-only: ${SAMPLE.viewer.token}
Fleet repo: ${SAMPLE.fleetRepo} (config ${SAMPLE.configPath}); monitored: ${SAMPLE.monitored.join(", ")}

Try, from any folder:
  export FLEET_TOKEN=${SAMPLE.bot.token} GITHUB_API_URL=${sandboxes.apiUrl} GITHUB_REPOSITORY=${SAMPLE.fleetRepo}
  node ${CLI} doctor
  node ${CLI} delegate --mode sweep --dry-run
  node ${CLI} model-chain --url ${sandboxes.ollamaUrl}
  node ${CLI} lifecycle --command monitor

Ctrl-C stops it.`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void sandboxes.close().then(() => process.exit(0));
  });
}
