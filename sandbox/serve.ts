// npm run sandbox: the sample fleet on loopback, for trying the CLI and workflows by hand.
import { parseArgs } from "node:util";
import { startSampleSandboxes } from "./fleet.js";
import { SAMPLE } from "./sample.js";

const { values } = parseArgs({
  options: {
    "gitea-port": { type: "string", default: "3000" },
    "ollama-port": { type: "string", default: "11435" },
    help: { type: "boolean" },
  },
});
if (values.help) {
  console.log("npm run sandbox -- [--gitea-port 3000] [--ollama-port 11435]   (0 picks a free port)");
  process.exit(0);
}
const sandboxes = await startSampleSandboxes({
  gitea: Number(values["gitea-port"]),
  ollama: Number(values["ollama-port"]),
});
console.log(`Gitea-API sandbox:  ${sandboxes.apiUrl}
Ollama-API sandbox: ${sandboxes.ollamaUrl}
Token (admin of the sample repos): ${SAMPLE.bot.token}    read-only: ${SAMPLE.viewer.token}
Fleet repo: ${SAMPLE.fleetRepo} (config ${SAMPLE.configPath}); monitored: ${SAMPLE.monitored.join(", ")}

Try:
  export FLEET_TOKEN=${SAMPLE.bot.token} GITHUB_API_URL=${sandboxes.apiUrl} GITHUB_REPOSITORY=${SAMPLE.fleetRepo}
  node dist/cli/index.js delegate --mode sweep --dry-run
  node dist/cli/index.js model-chain --url ${sandboxes.ollamaUrl}
  node dist/cli/index.js lifecycle --command monitor

Ctrl-C stops it.`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void sandboxes.close().then(() => process.exit(0));
  });
}
