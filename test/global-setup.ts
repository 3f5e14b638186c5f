// The end-to-end suites run dist/<name>/index.js as a runner would. When a bundle is missing or
// older than src/, rebuild before testing, so a local `npm test` never tests yesterday's code.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const BUNDLES = ["delegate", "model-chain", "lifecycle", "cli"].map((name) =>
  join(ROOT, "dist", name, "index.js"),
);

function newestIn(folder: string): number {
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export default function setup(): void {
  const sources = Math.max(newestIn(join(ROOT, "src")), statSync(join(ROOT, "package-lock.json")).mtimeMs);
  const stale = BUNDLES.some((bundle) => !existsSync(bundle) || statSync(bundle).mtimeMs < sources);
  if (stale)
    execFileSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { stdio: "inherit", cwd: ROOT });
}
