// Model-chain benchmarks: chain-check wall time against the inference time the server spent,
// and how fast an unreachable or silent server is reported.
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { type BehaviourSpec, OllamaSandbox, sampleModels } from "../../sandbox/ollama/index.js";
import { run } from "../../src/model-chain/main.js";
import { closedPort } from "../harness/files.js";
import { benchIO, coldStart, figure, heading, ms } from "./util.js";

const BUNDLE = resolve(import.meta.dirname, "../../dist/model-chain/index.js");

function chainWorkspace(models: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), "fleet-bench-chain-"));
  writeFileSync(join(dir, "model-chain.json"), JSON.stringify(models));
  return dir;
}

/** One chain check in process; returns its wall time and the inference time the sandbox spent. */
async function checkOnce(
  models: Record<string, BehaviourSpec>,
  chain: string[],
): Promise<{ wall: number; inference: number }> {
  const sandbox = new OllamaSandbox({ models });
  const { url } = await sandbox.start();
  try {
    const io = benchIO(
      { config: "model-chain.json", url, "fail-on": "never" },
      { GITHUB_WORKSPACE: chainWorkspace(chain) },
    );
    const start = process.hrtime.bigint();
    const code = await run(io);
    const wall = ms(start);
    if (code !== 0) throw new Error(`chain check failed: ${io.reporter.lines.join("\n")}`);
    return { wall, inference: sandbox.inferenceMs() };
  } finally {
    await sandbox.close();
  }
}

async function ratio(
  label: string,
  models: Record<string, BehaviourSpec>,
  chain: string[],
  runs = 3,
): Promise<void> {
  const results: { wall: number; inference: number }[] = [];
  for (let i = 0; i < runs; i++) results.push(await checkOnce(models, chain));
  results.sort((a, b) => a.wall / a.inference - b.wall / b.inference);
  const median = results[Math.floor(results.length / 2)]!;
  const overhead = median.wall - median.inference;
  figure(
    `${label}: wall vs inference spent`,
    `${median.wall.toFixed(0)} / ${median.inference.toFixed(0)} ms`,
  );
  figure(`${label}: overhead`, `${overhead.toFixed(0)} ms`);
  figure(`${label}: wall / inference`, `${(median.wall / median.inference).toFixed(3)}x`, "<= 1.10x");
}

/** Wall time until run() gives up on `url`, which must fail. */
async function timeToFailure(url: string): Promise<number> {
  const io = benchIO(
    { config: "model-chain.json", url },
    { GITHUB_WORKSPACE: chainWorkspace(["phi3:3.8b"]) },
  );
  const start = process.hrtime.bigint();
  const code = await run(io);
  const wall = ms(start);
  if (code !== 1) throw new Error(`expected a failure against ${url}, got exit ${code}`);
  return wall;
}

export async function bench(): Promise<void> {
  heading("model-chain");
  // SPEC's chain on the demo server: one missing, one failing, two answering (one already loaded).
  const specChain = ["hermes4:14b", "qwen2.5:7b", "phi3:3.8b", "gemma3:1b"];
  // The demo's timings are shortened (~0.3 s of inference in all), so the fixed overhead weighs more here.
  await ratio("SPEC chain, demo timings", sampleModels(), specChain);
  // The same chain with load times as on a GPU box: phi3 cold from disk, gemma3 already in memory.
  const gpu = sampleModels();
  gpu["phi3:3.8b"] = { kind: "ok", loadMs: 1_500, tokensPerSecond: 38 };
  await ratio("SPEC chain, 1.5 s cold load", gpu, specChain);
  // Eight cold models that all answer: the per-model overhead adds up here if anywhere.
  const eight: Record<string, BehaviourSpec> = {};
  for (let i = 0; i < 8; i++)
    eight[`model${i}:${i + 1}b`] = { kind: "ok", loadMs: 80 + i * 20, tokensPerSecond: 40 + i * 5 };
  await ratio("8 cold models", eight, Object.keys(eight));

  const refused = `http://127.0.0.1:${await closedPort()}`;
  figure(
    "time to failure, closed port (in process)",
    `${(await timeToFailure(refused)).toFixed(0)} ms`,
    "< 5 s",
  );
  if (existsSync(BUNDLE)) {
    const workspace = chainWorkspace(["phi3:3.8b"]);
    const wall = await coldStart(
      BUNDLE,
      { GITHUB_WORKSPACE: workspace, INPUT_CONFIG: "model-chain.json", INPUT_URL: refused },
      3,
    );
    figure("time to failure, closed port (bundle, node start included)", `${wall.toFixed(0)} ms`, "< 5 s");
  }
  // A server that accepts connections and never answers: only the connect timeout helps here.
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  await new Promise<void>((done) => silent.listen(0, "127.0.0.1", done));
  try {
    const url = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
    figure(
      "time to failure, silent server (in process)",
      `${(await timeToFailure(url)).toFixed(0)} ms`,
      "< 5 s",
    );
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => silent.close(done));
  }
  // A server (or proxy) that sends /api/version's headers and then never finishes the body:
  // the connect timeout must cover the body too, or this waits as long as the socket lives.
  const stalling = new OllamaSandbox({ models: { "phi3:3.8b": "ok" }, endpoints: { version: "stall" } });
  const { url: stalled } = await stalling.start();
  try {
    figure(
      "time to failure, version stalls after headers",
      `${(await timeToFailure(stalled)).toFixed(0)} ms`,
      "< 5 s",
    );
  } finally {
    await stalling.close();
  }
  // A thinking model that ignores think: false: the retry with a bigger budget is the cost.
  await ratio(
    "thinking model, one retry",
    { "gpt-oss:20b": { kind: "ignores-think", loadMs: 200, tokensPerSecond: 120 } },
    ["gpt-oss:20b"],
  );
}
