import { describe, expect, it } from "vitest";
import { normaliseModelName, sameModel } from "../../src/ollama/names.js";

describe("normaliseModelName", () => {
  it.each([
    ["gemma3", "gemma3:latest"],
    ["gemma3:latest", "gemma3:latest"],
    ["qwen2.5:7b", "qwen2.5:7b"],
    ["Phi3:3.8B", "phi3:3.8b"],
    ["registry.ollama.ai/library/gemma3:1b", "gemma3:1b"],
    ["registry.ollama.ai/library/llama3.2", "llama3.2:latest"],
    ["hf.co/bartowski/Qwen2.5-7B-GGUF", "hf.co/bartowski/qwen2.5-7b-gguf:latest"],
    ["myhost:5000/team/model", "myhost:5000/team/model:latest"],
    ["myhost:5000/team/model:q4", "myhost:5000/team/model:q4"],
    ["  hermes4:14b ", "hermes4:14b"],
    // The server lists `library/gemma3` as `gemma3:latest` (ParseName, then DisplayShortest).
    ["library/gemma3", "gemma3:latest"],
    ["library/qwen2.5:7b", "qwen2.5:7b"],
    ["Registry.Ollama.AI/library/gemma3", "gemma3:latest"],
    ["https://registry.ollama.ai/library/gemma3:1b", "gemma3:1b"],
    ["registry.ollama.ai/someone/model", "someone/model:latest"],
    ["someone/model:q4", "someone/model:q4"],
  ])("%s -> %s", (name, canonical) => {
    expect(normaliseModelName(name)).toBe(canonical);
  });

  it("treats a bare name and its :latest tag as one model, other tags as others", () => {
    expect(sameModel("gemma3", "gemma3:latest")).toBe(true);
    expect(sameModel("gemma3", "gemma3:1b")).toBe(false);
  });
});
