// Bundles each entry point with ncc into dist/<name>/index.js (one bundle per action, plus the CLI).
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import ncc from "@vercel/ncc";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entries = {
  delegate: "src/delegate/index.ts",
  "model-chain": "src/model-chain/index.ts",
  lifecycle: "src/lifecycle/index.ts",
  cli: "src/cli/index.ts",
};

const only = process.argv.slice(2);
for (const [name, entry] of Object.entries(entries)) {
  if (only.length > 0 && !only.includes(name)) continue;
  const { code, assets } = await ncc(join(root, entry), {
    minify: true,
    sourceMap: false,
    license: "licenses.txt",
    quiet: true,
    target: "es2022",
  });
  // Written beside, then swapped in: a test running meanwhile never sees half a bundle.
  const final = join(root, "dist", name);
  const out = join(root, "dist", `.${name}.${process.pid}`);
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
  const banner = name === "cli" ? "#!/usr/bin/env node\n" : "";
  await writeFile(join(out, "index.js"), banner + code.replace(/^#!.*\n/, ""), { mode: 0o755 });
  for (const [file, asset] of Object.entries(assets)) {
    await mkdir(dirname(join(out, file)), { recursive: true });
    await writeFile(join(out, file), asset.source);
  }
  // ESM bundles: the folder says so, whatever package.json is beside the action.
  await writeFile(join(out, "package.json"), '{ "type": "module" }\n');
  await rm(final, { recursive: true, force: true });
  await rename(out, final);
  console.log(`dist/${name}/index.js ${(Buffer.byteLength(code) / 1024).toFixed(0)} KiB`);
}
