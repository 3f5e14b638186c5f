import { GiteaSandbox } from "./gitea/index.js";
import { sampleModels } from "./ollama/behaviours.js";
import { OllamaSandbox } from "./ollama/index.js";
import { type SampleFleet, seedSampleFleet } from "./sample.js";

export interface SampleSandboxes {
  gitea: GiteaSandbox;
  ollama: OllamaSandbox;
  apiUrl: string;
  ollamaUrl: string;
  fleet: SampleFleet;
  close(): Promise<void>;
}

/** Both loopback sandboxes with the sample fleet: what `npm run demo` and `npm run sandbox` serve. */
export async function startSampleSandboxes(
  ports: { gitea?: number; ollama?: number } = {},
): Promise<SampleSandboxes> {
  const ollama = new OllamaSandbox({
    models: sampleModels(),
    ...(ports.ollama ? { port: ports.ollama } : {}),
  });
  const { url: ollamaUrl } = await ollama.start();
  const gitea = new GiteaSandbox();
  const fleet = seedSampleFleet(gitea, { ollamaUrl });
  const { apiUrl } = await gitea.start(ports.gitea ?? 0);
  return {
    gitea,
    ollama,
    apiUrl,
    ollamaUrl,
    fleet,
    async close() {
      await Promise.all([gitea.close(), ollama.close()]);
    },
  };
}
