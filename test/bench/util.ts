// Small helpers the benchmark modules share: timing, process cold start, printing.
import { spawn } from "node:child_process";
import { statSync } from "node:fs";
import type { JobIO } from "../../src/action/io.js";
import { MemoryReporter } from "../../src/action/reporter.js";

export function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

export function figure(label: string, value: string, goal?: string): void {
  console.log(`  ${label.padEnd(58)} ${value.padStart(14)}${goal ? `   (goal ${goal})` : ""}`);
}

export function heading(text: string): void {
  console.log(`\n${text}`);
}

/** A JobIO for calling a job's run() in-process, as the CLI does. */
export function benchIO(
  inputs: Record<string, string>,
  env: Record<string, string>,
): JobIO & { reporter: MemoryReporter } {
  return { inputs: (name) => inputs[name], reporter: new MemoryReporter(), env };
}

/** Median wall time of starting `node <file>` until it exits, over `runs` runs. */
export async function coldStart(file: string, env: Record<string, string>, runs = 5): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = process.hrtime.bigint();
    await new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, [file], {
        env: { PATH: process.env.PATH ?? "", ...env },
        stdio: "ignore",
      });
      child.on("error", fail);
      child.on("close", () => done());
    });
    times.push(ms(start));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function sizeOf(file: string): string {
  return `${(statSync(file).size / 1024 / 1024).toFixed(2)} MB`;
}
