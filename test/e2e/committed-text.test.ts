// Issue 9 item 5: text from outside that is committed (FLEET.md, state.json) stays inert and small.
import { afterEach, describe, expect, it } from "vitest";
import { GiteaSandbox } from "../../sandbox/gitea/index.js";
import { OllamaSandbox } from "../../sandbox/ollama/index.js";
import { parseState } from "../../src/state/document.js";
import { runAction } from "../harness/action.js";
import { workspace } from "../harness/files.js";

const HOSTILE =
  "<img src=x onerror=alert(1)> <script>alert(2)</script> @everyone | `rm -rf` [x](http://evil)";

let ollama: OllamaSandbox | undefined;
let gitea: GiteaSandbox | undefined;
afterEach(async () => {
  await ollama?.close();
  await gitea?.close();
  ollama = undefined;
  gitea = undefined;
});

describe("committed text from outside", () => {
  it("an Ollama error full of HTML and a 1 MB one reach FLEET.md inert and state.json capped", async () => {
    ollama = new OllamaSandbox({
      models: {
        "qwen2.5:7b": { kind: "error", status: 500, message: HOSTILE },
        "phi3:3.8b": { kind: "error", status: 500, message: `huge ${"x".repeat(1024 * 1024)}` },
        "gemma3:1b": "ok",
      },
    });
    const { url } = await ollama.start();
    gitea = new GiteaSandbox();
    const { token } = gitea.addUser("fleet-bot");
    gitea.addRepo("org/fleet", { collaborators: { "fleet-bot": "write" } });
    gitea.putFile(
      "org/fleet",
      ".gitea/fleet.yml",
      `models:\n  url: ${url}\n  chain: [qwen2.5:7b, phi3:3.8b, gemma3:1b]\n`,
    );
    const { apiUrl } = await gitea.start();
    const run = await runAction("model-chain", {
      inputs: { commit: "true" },
      github: { token, api_url: apiUrl },
      env: { GITHUB_REPOSITORY: "org/fleet" },
      workspace: workspace({}),
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);

    const stateText = gitea.file("org/fleet", ".fleet/state.json")!.text;
    const dashboard = gitea.file("org/fleet", ".fleet/FLEET.md")!.text;
    expect(stateText.length).toBeLessThan(4_000);
    expect(dashboard.length).toBeLessThan(4_000);
    const state = parseState(".fleet/state.json", stateText);
    const [qwen, phi3] = state.models!.chain;
    expect(qwen!.error).toContain("<img src=x");
    expect(phi3!.error!.length).toBeLessThanOrEqual(500);
    expect(phi3!.error).toMatch(/…$/);

    for (const raw of ["<img", "<script", "@everyone", "[x](http"]) expect(dashboard).not.toContain(raw);
    expect(dashboard).toContain("&lt;img src=x onerror=alert(1)&gt;");
    // The hostile pipe stays inside its cell: every row of the models table has 5 cells.
    const rows = dashboard.split("\n").filter((line) => line.startsWith("| `"));
    for (const row of rows) expect(row.split(/(?<!\\)\|/).length - 2).toBe(5);
  });
});
