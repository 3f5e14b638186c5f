// The layout rules, checked over the real import graph of src/: jobs never import each other,
// shared code knows no job, and product code never reaches the sandbox or the tests.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const JOBS = ["delegate", "lifecycle", "model-chain", "doctor"];
const SHARED = ["action", "config", "forge", "ollama", "report", "state", "util"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of a file, as a path relative to the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]!);
  return specifiers.map((spec) => relative(root, resolve(dirname(file), spec)));
}

/** The top folder under src/ ("delegate", "forge", ...), or the first path segment outside src/. */
function area(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[0] === "src" ? (parts.length > 2 ? parts[1]! : "src") : parts[0]!;
}

const edges = sourceFiles(join(root, "src")).flatMap((file) => {
  const from = relative(root, file);
  return importsOf(file).map((to) => ({ from, to, fromArea: area(from), toArea: area(to) }));
});

describe("import graph of src/", () => {
  it("finds the imports it checks", () => {
    expect(edges.length).toBeGreaterThan(100);
    expect(edges.some((e) => e.fromArea === "delegate" && e.toArea === "forge")).toBe(true);
  });

  it("product code never imports the sandbox or the tests", () => {
    const bad = edges.filter((e) => !e.to.startsWith("src") && !e.to.startsWith("package.json"));
    expect(bad).toEqual([]);
  });

  it("jobs never import each other", () => {
    const bad = edges.filter(
      (e) => JOBS.includes(e.fromArea) && JOBS.includes(e.toArea) && e.fromArea !== e.toArea,
    );
    expect(bad).toEqual([]);
  });

  it("shared code (forge, ollama, config, state, report, action, util) knows no job and no CLI", () => {
    const bad = edges.filter(
      (e) => SHARED.includes(e.fromArea) && (JOBS.includes(e.toArea) || e.toArea === "cli"),
    );
    expect(bad).toEqual([]);
  });
});
